import pytest
import yaml

from calciumgan.config import SHIPPED_CONFIGS, config_from_dict, load_config, resolve_config_path
from calciumgan.core.errors import ConfigError


@pytest.mark.parametrize("name", ["demo", "dg", "day1", "day4"])
def test_shipped_configs_load_by_name(name):
    config = load_config(name)
    assert resolve_config_path(f"{name}.yaml") == SHIPPED_CONFIGS / f"{name}.yaml"
    assert config.train.n_critic == 5 and config.train.gradient_penalty == 10.0


@pytest.mark.parametrize("name", ["dg", "day1", "day4"])
def test_thesis_configs_use_table_4_1(name):
    config = load_config(name)
    assert (config.model.filters, config.model.kernel_size, config.model.strides) == (64, 24, 2)
    assert (config.model.noise_dim, config.model.phase_shuffle, config.data.window) == (32, 10, 2048)
    assert (config.train.batch_size, config.train.epochs, config.train.learning_rate) == (128, 400, 1e-4)
    assert config.train.mixed_precision


def test_recording_configs_read_a_file():
    assert load_config("day4").data.source == "file" and load_config("day4").data.path == "data/day4.h5"
    assert load_config("dg").data.source == "surrogate"


def test_unknown_key_is_named(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"train": {"batch_szie": 8}}))
    with pytest.raises(ConfigError, match=r"bad.yaml: unknown key 'train.batch_szie'"):
        load_config(str(path))


def test_unknown_section_is_named():
    with pytest.raises(ConfigError, match="unknown section 'optimiser'"):
        config_from_dict({"optimiser": {}})


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"train": {"batch_size": "32"}}, "'train.batch_size' must be int, got str '32'"),
        ({"train": {"batch_size": 3.5}}, "'train.batch_size' must be int, got float 3.5"),
        ({"train": {"mixed_precision": 1}}, "'train.mixed_precision' must be bool, got int 1"),
        ({"data": {"num_frames": "all"}}, "'data.num_frames' must be int or null, got str 'all'"),
        ({"data": {"scaling": "robust"}}, "'data.scaling' must be one of global, per_neuron, got 'robust'"),
        ({"train": {"epochs": 0}}, "'train.epochs' must be positive, got 0"),
        ({"data": {"validation_fraction": 1.5}}, "'data.validation_fraction' must lie in \\(0, 1\\)"),
        ({"data": {"source": "file"}}, "'data.path' is required when data.source is 'file'"),
    ],
)
def test_wrong_values_are_named(raw, message):
    with pytest.raises(ConfigError, match=message):
        config_from_dict(raw)


def test_ints_are_accepted_for_floats():
    config = config_from_dict({"train": {"learning_rate": 1, "gradient_penalty": 5}})
    assert config.train.learning_rate == 1.0 and isinstance(config.train.learning_rate, float)


def test_missing_config_names_the_shipped_ones():
    with pytest.raises(ConfigError, match=r"day7: no such config file or shipped config \(shipped: .*day4.*demo"):
        load_config("day7")


def test_with_data_file():
    config = load_config("dg").with_data_file("rec.h5")
    assert (config.data.source, config.data.path) == ("file", "rec.h5")
    assert config.model == load_config("dg").model
