"""Every variant and option end to end: shipped configs, config checks, .keras files, training steps."""

import dataclasses

import keras
import numpy as np
import pytest

from calciumgan.config import load_config
from calciumgan.core.errors import ConfigError
from calciumgan.experiment import build_gan
from calciumgan.models.heads import CalciumHead
from calciumgan.training.gan import LOG_NAMES
from calciumgan.training.steps import make_steps

pytestmark = pytest.mark.backend

OPTIONS = {
    "wavegan2d": {"model.variant": "wavegan2d", "model.phase_shuffle_neurons": 1, "model.critic_strides": 4},
    "wavegan2d_fft": {"model.variant": "wavegan2d_fft", "model.phase_shuffle_neurons": 1},
    "calcium": {"model.output": "calcium"},
    "nearest_calcium_2d": {"model.variant": "wavegan2d", "model.upsampling": "nearest", "model.output": "calcium"},
    "no_phase_shuffle": {"model.phase_shuffle": 0},
    "edge_margin_calcium": {"model.output": "calcium", "model.edge_margin": 1},
    "binary_factors_slow_spread": {"model.output": "calcium", "model.events": "binary", "model.event_factors": 2,
                                   "model.slow_factors": 2, "model.event_size_spread": 0.5,
                                   "model.synchrony_spread": 0.4},
}
THESIS_SIZE = {"dg2d": (4_242_329, 4_121_821), "dg2d_fft": (4_243_616, 4_126_941),
               "dg_no_phase_shuffle": (4_375_740, 4_110_273)}  # fmt: skip
CPU_SIZE = ("demo2d", "demo2d_fft", "demo_calcium", "demo_no_phase_shuffle")


@pytest.mark.parametrize("name", sorted(THESIS_SIZE))
def test_thesis_size_configs_build_the_thesis_models(name):
    config = load_config(name)
    gan = build_gan(config, 102)
    assert (gan.generator.count_params(), gan.critic.count_params()) == THESIS_SIZE[name]
    assert config.train.precision == "mixed_float16" and config.data.window == 2048


@pytest.mark.parametrize("name", CPU_SIZE)
def test_cpu_size_configs_differ_from_the_demo_only_in_the_model(name):
    config, demo = load_config(name), load_config("demo")
    assert (config.data, config.train) == (demo.data, demo.train)
    assert config.model != demo.model


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"model.phase_shuffle_neurons": 2}, "model.phase_shuffle_neurons: only the 2D variants"),
        ({"model.critic_strides": 4, "model.critic_kernel_size": 8}, "model.critic_kernel_size, model.critic_strides"),
        ({"model.variant": "wavegan2d_fft", "model.output": "calcium"}, "model.output must be 'direct' for wavegan2d"),
        ({"model.variant": "wavegan2d", "data.window": 36}, "data.window 36 must be a multiple of .* = 8"),
        ({"model.variant": "wavegan2d", "model.edge_margin": 1}, "model.edge_margin: only the 1D variant"),
        ({"model.variant": "wavegan2d", "model.critic_neuron_statistics": True},
         "model.critic_neuron_statistics: only the 1D variant"),
        ({"model.head_from_data": True}, "model.head_from_data needs model.output 'calcium'"),
        ({"model.variant": "wavegan2d", "model.output": "calcium", "model.head_from_data": True},
         "model.head_from_data: only the 1D variant"),
    ],
)
def test_config_check_names_the_keys(make_config, overrides, message):
    with pytest.raises(ConfigError, match=message):
        make_config(overrides)


def test_2d_variants_accept_kernels_that_are_not_multiples_of_the_stride(make_config):
    config = make_config({"model.variant": "wavegan2d", "model.kernel_size": 5, "model.critic_kernel_size": 3})
    gan = build_gan(config, num_neurons=6)
    traces = gan.generator(np.zeros((2, 4), np.float32))
    assert tuple(traces.shape) == (2, 32, 6) and tuple(gan.critic(traces).shape) == (2, 1)


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_keras_files_load_with_safe_mode_and_sample_identically(tmp_path, make_config, option):
    keras.utils.set_random_seed(0)
    gan = build_gan(make_config(OPTIONS[option]), num_neurons=6)
    noise = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    gan.generator(noise)  # moves any measurement-noise stream away from its initial state
    gan.generator.save(tmp_path / "generator.keras")
    gan.critic.save(tmp_path / "critic.keras")
    traces = np.asarray(gan.generator(noise))
    generator = keras.saving.load_model(tmp_path / "generator.keras", safe_mode=True)
    critic = keras.saving.load_model(tmp_path / "critic.keras", safe_mode=True)
    np.testing.assert_array_equal(generator(noise), traces)
    np.testing.assert_allclose(critic(traces), gan.critic(traces), rtol=1e-6, atol=1e-6)
    assert traces.shape == (3, 32, 6) and traces.dtype == np.float32


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_training_steps_update_every_network_and_validate_reproducibly(make_config, option):
    config = make_config(OPTIONS[option])
    keras.utils.set_random_seed(0)
    gan = build_gan(config, num_neurons=6)
    steps = make_steps(gan)
    windows = np.random.default_rng(0).random((config.train.batch_size * config.train.n_critic, 32, 6), np.float32)
    # Every weight but the critic's output bias, which the Wasserstein loss and the penalty do not see.
    weights = [weight for weight in gan.generator.weights + gan.critic.weights if weight.path != "score/bias"]
    before = [np.array(weight.value) for weight in weights]
    for _ in range(2):
        logs = steps.train_step(windows)
    first, second = steps.test_step(windows[:4], seed=3), steps.test_step(windows[:4], seed=3)
    steps.sync()
    assert set(logs) == set(LOG_NAMES) and all(np.isfinite(float(value)) for value in logs.values())
    assert {name: float(first[name]) for name in first} == {name: float(second[name]) for name in second}
    after = [np.array(weight.value) for weight in weights]
    assert all(np.isfinite(value).all() for value in after)
    assert all(not np.array_equal(old, new) for old, new in zip(before, after))


def test_calcium_head_weights_train_and_its_stream_advances(make_config):
    keras.utils.set_random_seed(0)
    gan = build_gan(make_config(OPTIONS["calcium"]), num_neurons=6)
    head = gan.generator.get_layer("traces")
    assert isinstance(head, CalciumHead)
    weights, state = [np.array(weight) for weight in head.get_weights()], np.array(head.seed_generator.state.value)
    steps = make_steps(gan)
    steps.train_step(np.random.default_rng(0).random((8, 32, 6), np.float32))
    steps.sync()
    assert all(not np.array_equal(old, new) for old, new in zip(weights, head.get_weights()))
    assert not np.array_equal(state, head.seed_generator.state.value)
    noise = np.zeros((2, 4), np.float32)  # sampling (calciumgan.training.sampling) predicts batch by batch
    assert not np.array_equal(gan.generator.predict_on_batch(noise), gan.generator.predict_on_batch(noise))


def test_mixed_precision_steps_of_the_new_variants_are_finite(make_config):
    for option in ("wavegan2d_fft", "calcium"):
        config = make_config({**OPTIONS[option], "train.precision": "mixed_float16"})
        keras.utils.set_random_seed(0)
        gan = build_gan(config, num_neurons=6)
        logs = make_steps(gan).train_step(np.random.default_rng(0).random((8, 32, 6), np.float32))
        assert all(np.isfinite(float(value)) for value in logs.values())
        assert gan.generator(np.zeros((2, 4), np.float32)).dtype == "float32"


def test_model_section_round_trips_through_the_config_dict(make_config):
    config = make_config(OPTIONS["nearest_calcium_2d"])
    model = dataclasses.asdict(config.model)
    assert (model["variant"], model["upsampling"], model["output"]) == ("wavegan2d", "nearest", "calcium")
