"""The CalciumGAN experiment schema and its shipped configs."""

import dataclasses
import importlib.util
import pathlib
import re

import pytest
import yaml

from calciumgan.config import SHIPPED_CONFIGS, EvaluateConfig, config_from_dict, load_config
from calciumgan.core.config import resolve_config_path, save_config
from calciumgan.core.errors import ConfigError

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["demo", "dg", "day1", "day4"])
def test_shipped_configs_load_by_name(name):
    config = load_config(name)
    assert resolve_config_path(f"{name}.yaml", SHIPPED_CONFIGS) == SHIPPED_CONFIGS / f"{name}.yaml"
    assert config.train.n_critic == 5 and config.train.penalty == "gradient" and config.train.penalty_weight == 10.0


@pytest.mark.parametrize("name", ["dg", "day1", "day4"])
def test_thesis_configs_use_table_4_1(name):
    config = load_config(name)
    assert (config.model.filters, config.model.kernel_size, config.model.strides) == (64, 24, 2)
    assert (config.model.noise_dim, config.model.phase_shuffle, config.data.window) == (32, 10, 2048)
    assert (config.train.batch_size, config.train.epochs, config.train.learning_rate) == (128, 400, 1e-4)
    assert config.train.precision == "mixed_float16"


def test_recording_configs_read_a_file():
    assert load_config("day4").data.source == "file" and load_config("day4").data.path == "data/day4.h5"
    assert load_config("dg").data.source == "surrogate"


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"train": {"batch_szie": 8}}, "unknown key 'train.batch_szie'"),
        ({"data": {"scaling": "robust"}}, "'data.scaling' must be one of global, per_neuron, got 'robust'"),
        ({"train": {"epochs": 0}}, "'train.epochs' must be at least 1, got 0"),
        ({"train": {"steps_per_epoch": -5}}, "'train.steps_per_epoch' must be at least 1, got -5"),
        ({"train": {"seed": -3}}, "'train.seed' must be at least 0, got -3"),
        ({"train": {"beta_1": 5.0}}, "'train.beta_1' must be below 1, got 5.0"),
        ({"data": {"validation_fraction": 1.5}}, "'data.validation_fraction' must be below 1, got 1.5"),
        ({"data": {"source": "file"}}, "'data.path' is required when data.source is 'file'"),
        ({"data": {"window": 100}}, "data.window 100 must be a multiple of model.strides \\*\\* model.num_blocks = 32"),
        ({"model": {"kernel_size": 25}}, "model.kernel_size 25 must be a multiple of model.strides 2 for fast"),
        ({"data": {"window": 128}}, "model.phase_shuffle 10 must be below 8, the shortest sequence it shifts"),
        ({"train": {"generator_ema": 0.999, "generator_uniform_average": True}},
         "train.generator_ema and train.generator_uniform_average both average the generator's weights"),
        ({"model": {"event_noise": 1.0}}, "model.event_noise and model.events need model.output 'calcium'"),
        ({"model": {"output": "calcium", "events": "binary", "event_noise": 1.0}},
         "model.event_noise applies to softplus events"),
        ({"model": {"variant": "wavegan2d", "output": "calcium", "events": "binary"}},
         "model.events: only the 1D variant"),
        ({"model": {"output": "calcium", "event_factors": 4}}, "model.event_factors needs model.events 'binary'"),
        ({"model": {"output": "calcium", "event_size_spread": 0.5}},
         "model.event_size_spread needs model.events 'binary'"),
        ({"model": {"output": "calcium", "events": "binary", "event_size_spread": -0.1}},
         "'model.event_size_spread' must be at least 0"),
        ({"model": {"output": "calcium", "events": "binary", "synchrony_spread": 0.5}},
         "model.synchrony_spread needs model.event_factors"),
        ({"model": {"slow_factors": 2}}, "model.slow_factors needs model.output 'calcium'"),
        ({"model": {"variant": "wavegan2d", "output": "calcium", "slow_factors": 2}},
         "model.slow_factors: only the 1D variant"),
        ({"model": {"calcium_rise": True}}, "model.calcium_rise needs model.output 'calcium'"),
        ({"model": {"variant": "wavegan2d", "output": "calcium", "calcium_rise": True}},
         "model.calcium_rise: only the 1D variant"),
    ],
)
def test_wrong_values_name_the_file_and_key(raw, message):
    with pytest.raises(ConfigError, match=f"^my.yaml: {message}"):
        config_from_dict(raw, "my.yaml")


def test_training_part_ignores_epochs_and_evaluation():
    config = load_config("dg")
    longer = dataclasses.replace(config, train=dataclasses.replace(config.train, epochs=800),
                                 evaluate=EvaluateConfig(num_samples=5))  # fmt: skip
    assert longer.training_part() == config.training_part()
    wider = dataclasses.replace(config, model=dataclasses.replace(config.model, filters=8))
    assert wider.training_part() != config.training_part()


def test_with_data_file():
    config = load_config("dg").with_data_file("rec.h5")
    assert (config.data.source, config.data.path) == ("file", "rec.h5")
    assert config.model == load_config("dg").model


def test_a_saved_config_holds_only_the_keys_of_its_data_source(tmp_path):
    on_file = load_config("dff_demo").with_data_file("rec.h5")  # dff_demo names the surrogate preset dff_day4
    assert on_file.data.preset == "day4"  # the default: a file has no preset
    save_config(on_file, tmp_path / "file.yaml")
    saved = yaml.safe_load((tmp_path / "file.yaml").read_text())["data"]
    assert not {"preset", "num_frames", "num_neurons", "surrogate_seed"} & set(saved) and saved["path"] == "rec.h5"
    assert load_config(tmp_path / "file.yaml") == on_file
    surrogate = load_config("dff_demo")
    save_config(surrogate, tmp_path / "surrogate.yaml")
    saved = yaml.safe_load((tmp_path / "surrogate.yaml").read_text())["data"]
    assert saved["preset"] == "dff_day4" and not {"path", "cells_only", "trace", "nwb_series"} & set(saved)
    assert load_config(tmp_path / "surrogate.yaml") == surrogate


def test_keys_the_data_source_ignores_hold_their_defaults_so_equal_runs_compare_equal():
    a = config_from_dict({"data": {"source": "file", "path": "rec.h5", "preset": "dff_day4", "num_frames": 900}})
    b = config_from_dict({"data": {"source": "file", "path": "rec.h5"}})
    assert a == b
    c = config_from_dict({"data": {"source": "surrogate", "path": "rec.h5", "trace": "raw"}})
    assert (c.data.path, c.data.trace) == (None, "dff")


def test_train_help_lists_every_shipped_config_with_its_data_size_and_device(capsys):
    from calciumgan.train import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--help"])
    listing = capsys.readouterr().out.split("shipped configs (--config NAME):\n", 1)[1].splitlines()
    names = sorted(path.stem for path in SHIPPED_CONFIGS.glob("*.yaml"))
    assert [line.split()[0] for line in listing] == names
    for line in listing:  # one line each: what it is, the device it is sized for, its time on 2 CPU cores
        assert re.search(r": (CPU, about \d+ min on 2 CPU cores|GPU; (about \d+ days on 2 CPU cores|not timed on 2 CPU "
                         r"cores|batch \d+ needs more than \d+ GB of memory))$", line.rstrip()), line  # fmt: skip
    assert any(line.split()[0] == "dff_demo" and "start here with your recording" in line for line in listing)


def test_numbers_in_scientific_notation_without_a_decimal_point_are_numbers(tmp_path):
    path = tmp_path / "sci.yaml"
    path.write_text("train:\n  learning_rate: 3e-4\n  beta_2: 9.9E-1\n  steps_per_epoch: 1e2\n  epochs: 2\n")
    train = load_config(path).train
    assert (train.learning_rate, train.beta_2, train.steps_per_epoch) == (3e-4, 0.99, 100)
    assert isinstance(train.steps_per_epoch, int) and isinstance(train.learning_rate, float)


@pytest.mark.parametrize(
    "line, message",
    [
        ("learning_rate: 3e-4x", "'train.learning_rate' must be float, got str '3e-4x'"),
        ("steps_per_epoch: 2.5", "'train.steps_per_epoch' must be int or null, got float 2.5"),
        ("steps_per_epoch: '1e2'", "'train.steps_per_epoch' must be int or null, got str '1e2'"),
    ],
)
def test_a_string_or_a_fraction_where_a_number_or_an_integer_is_expected_fails_in_one_line(tmp_path, line, message):
    path = tmp_path / "bad.yaml"
    path.write_text(f"train:\n  {line}\n")
    with pytest.raises(ConfigError, match=f"^{re.escape(str(path))}: {re.escape(message)}$"):
        load_config(path)


def test_dff_factors_cpu_is_the_benchmarked_variant_at_its_budget():
    """The realism docs measure ``dff_factors_cpu`` as ``benchmarks/realism.py --variants
    factors-searched-rise-spread03 --datasets dff --epochs 4``: the shipped file and that variant must
    not drift apart."""
    spec = importlib.util.spec_from_file_location("realism_benchmark", ROOT / "benchmarks" / "realism.py")
    realism = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(realism)
    benchmarked = realism.variant_config("dff", "factors-searched-rise-spread03")
    shipped = load_config("dff_factors_cpu")
    assert shipped.data == benchmarked.data and shipped.model == benchmarked.model
    assert shipped.train == dataclasses.replace(benchmarked.train, epochs=4, seed=shipped.train.seed)
