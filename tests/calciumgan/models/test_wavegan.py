import dataclasses

import numpy as np
import pytest

from calciumgan.config import ModelConfig
from calciumgan.core.errors import ConfigError
from calciumgan.models.layers import PhaseShuffle, SubPixelConv1DTranspose
from calciumgan.models.wavegan import build_critic, build_generator

THESIS = ModelConfig(noise_dim=32, filters=64, kernel_size=24, strides=2, num_blocks=5, phase_shuffle=10)


@pytest.mark.parametrize("convolutions", ["fast", "keras"])
def test_thesis_parameter_counts(convolutions):
    config = dataclasses.replace(THESIS, convolutions=convolutions)
    generator = build_generator(config, window=2048, num_neurons=102)
    critic = build_critic(config, window=2048, num_neurons=102)
    assert generator.count_params() == 4_375_740
    assert critic.count_params() == 4_110_273
    assert generator.output_shape == (None, 2048, 102)
    assert critic.output_shape == (None, 1)


def test_thesis_layer_shapes():
    generator = build_generator(THESIS, 2048, 102)
    upsampling = [layer for layer in generator.layers if isinstance(layer, SubPixelConv1DTranspose)]
    assert [layer.output.shape[1:] for layer in upsampling] == [
        (128, 320), (256, 256), (512, 192), (1024, 128), (2048, 102)
    ]  # fmt: skip
    critic = build_critic(THESIS, 2048, 102)
    shuffles = [layer for layer in critic.layers if isinstance(layer, PhaseShuffle)]
    assert [layer.output.shape[1:] for layer in shuffles] == [(1024, 64), (512, 128), (256, 192), (128, 256)]
    assert all(layer.max_shift == 10 for layer in shuffles)


def test_fast_and_keras_convolutions_compute_the_same_models():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(2, 32)).astype(np.float32)
    models = {}
    for convolutions in ("fast", "keras"):
        config = dataclasses.replace(THESIS, convolutions=convolutions)
        models[convolutions] = (build_generator(config, 2048, 102), build_critic(config, 2048, 102))
    for fast, keras_model in zip(models["fast"], models["keras"]):
        fast.set_weights(keras_model.get_weights())
    traces = models["keras"][0](noise)
    np.testing.assert_allclose(models["fast"][0](noise), traces, atol=1e-5)
    np.testing.assert_allclose(models["fast"][1](traces), models["keras"][1](traces), rtol=1e-4, atol=1e-4)


def test_generator_outputs_lie_in_unit_interval():
    config = ModelConfig(noise_dim=4, filters=4, kernel_size=4, num_blocks=3, phase_shuffle=1)
    generator = build_generator(config, 16, 3)
    outputs = generator(np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32))
    assert outputs.shape == (5, 16, 3)
    assert 0 <= float(np.min(outputs)) and float(np.max(outputs)) <= 1


def test_mixed_precision_models_return_float32():
    config = ModelConfig(noise_dim=4, filters=4, kernel_size=4, num_blocks=3, phase_shuffle=1)
    generator = build_generator(config, 16, 3, dtype="mixed_float16")
    critic = build_critic(config, 16, 3, dtype="mixed_float16")
    traces = generator(np.zeros((2, 4), np.float32))
    assert traces.dtype == "float32"
    assert critic(traces).dtype == "float32"
    assert generator.get_layer("upsample_0").compute_dtype == "float16"


def test_architecture_errors_name_the_keys():
    with pytest.raises(ConfigError, match="data.window 100 must be a multiple of .* 32"):
        build_generator(THESIS, 100, 3)
    with pytest.raises(ConfigError, match="model.phase_shuffle 10 must be below 8"):
        build_critic(THESIS, 128, 3)
    with pytest.raises(ConfigError, match="model.kernel_size 25 must be a multiple of model.strides 2 for fast"):
        build_generator(dataclasses.replace(THESIS, kernel_size=25), 2048, 3)
