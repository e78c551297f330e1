"""The generic schema loader, on a small schema of its own."""

import dataclasses

import pytest
import yaml

from calciumgan.core.config import config_from_dict, load_config, save_config, setting, with_overrides
from calciumgan.core.errors import ConfigError


@dataclasses.dataclass(frozen=True)
class Optimiser:
    rate: float = setting(0.1, above=0)
    momentum: float = setting(0.5, minimum=0, below=1)
    kind: str = setting("adam", choices=("adam", "sgd"))
    steps: int | None = setting(None, minimum=1)
    nesterov: bool = False


@dataclasses.dataclass(frozen=True)
class Experiment:
    optimiser: Optimiser = dataclasses.field(default_factory=Optimiser)
    name: str = "toy"

    def check(self):
        if self.optimiser.kind == "sgd" and self.optimiser.momentum == 0 and self.optimiser.nesterov:
            raise ValueError("'optimiser.nesterov' needs momentum")


def test_defaults_fill_missing_keys_and_ints_become_floats():
    config = config_from_dict({"optimiser": {"rate": 1}}, Experiment)
    assert config == Experiment(Optimiser(rate=1.0))
    assert isinstance(config.optimiser.rate, float)


def test_round_trip_through_yaml(tmp_path):
    config = Experiment(Optimiser(rate=0.25, kind="sgd", steps=7), name="x")
    save_config(config, tmp_path / "c.yaml")
    assert load_config(tmp_path / "c.yaml", Experiment) == config


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"optimizer": {}}, "unknown section 'optimizer' \\(known: optimiser, name\\)"),
        ({"optimiser": {"rte": 1}}, "unknown key 'optimiser.rte'"),
        ({"optimiser": 3}, "section 'optimiser' must be a mapping, got int 3"),
        ({"optimiser": {"rate": "1e-3"}}, "'optimiser.rate' must be float, got str '1e-3'"),
        ({"optimiser": {"rate": 0}}, "'optimiser.rate' must be above 0, got 0"),
        ({"optimiser": {"rate": float("nan")}}, "'optimiser.rate' must be a finite number, got nan"),
        ({"optimiser": {"rate": float("inf")}}, "'optimiser.rate' must be a finite number, got inf"),
        ({"optimiser": {"momentum": 1.0}}, "'optimiser.momentum' must be below 1, got 1.0"),
        ({"optimiser": {"momentum": -0.1}}, "'optimiser.momentum' must be at least 0, got -0.1"),
        ({"optimiser": {"kind": "rmsprop"}}, "'optimiser.kind' must be one of adam, sgd, got 'rmsprop'"),
        ({"optimiser": {"steps": 0}}, "'optimiser.steps' must be at least 1, got 0"),
        ({"optimiser": {"steps": True}}, "'optimiser.steps' must be int or null, got bool True"),
        ({"optimiser": {"nesterov": 1}}, "'optimiser.nesterov' must be bool, got int 1"),
        ({"optimiser": {"kind": "sgd", "momentum": 0, "nesterov": True}}, "'optimiser.nesterov' needs momentum"),
        ([1, 2], "the top level must be a mapping, got list"),
    ],
)
def test_faults_are_one_line_naming_origin_and_key(raw, message):
    with pytest.raises(ConfigError, match=f"^toy.yaml: {message}") as error:
        config_from_dict(raw, Experiment, "toy.yaml")
    assert "\n" not in str(error.value)


def test_overrides_replace_dotted_keys_and_are_checked_like_a_file():
    config = Experiment(Optimiser(rate=0.25, kind="sgd", momentum=0.9))
    changed = with_overrides(config, {"optimiser.steps": 3, "name": "y"})
    assert changed == Experiment(Optimiser(rate=0.25, kind="sgd", momentum=0.9, steps=3), name="y")
    assert config.optimiser.steps is None  # the original is unchanged
    with pytest.raises(ConfigError, match="^notebook: 'optimiser.steps' must be at least 1, got 0$"):
        with_overrides(config, {"optimiser.steps": 0}, "notebook")
    with pytest.raises(ConfigError, match="unknown key 'optimiser.sped'"):
        with_overrides(config, {"optimiser.sped": 1})
    with pytest.raises(ConfigError, match="unknown section 'optimizer' in 'optimizer.rate'"):
        with_overrides(config, {"optimizer.rate": 1})
    with pytest.raises(ConfigError, match="needs momentum"):
        with_overrides(config, {"optimiser.momentum": 0, "optimiser.nesterov": True})


def test_duplicate_keys_are_refused(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("optimiser:\n  rate: 0.1\n  rate: 0.2\n")
    with pytest.raises(ConfigError, match=r"twice.yaml: not valid YAML .*duplicate key 'rate' \(line 3\)"):
        load_config(path, Experiment)


def test_empty_and_non_utf8_files_are_refused(tmp_path):
    (tmp_path / "empty.yaml").write_text("# nothing here\n")
    with pytest.raises(ConfigError, match="empty.yaml: the file is empty"):
        load_config(tmp_path / "empty.yaml", Experiment)
    (tmp_path / "latin.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin.yaml: not UTF-8 text \(byte 9\)"):
        load_config(tmp_path / "latin.yaml", Experiment)


def test_shipped_configs_are_found_by_name(tmp_path):
    (tmp_path / "small.yaml").write_text(yaml.safe_dump({"name": "small"}))
    assert load_config("small", Experiment, shipped_folder=tmp_path).name == "small"
    with pytest.raises(ConfigError, match=r"large: no such config file or shipped config \(shipped: small\)"):
        load_config("large", Experiment, shipped_folder=tmp_path)
