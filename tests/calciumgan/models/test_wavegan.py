"""Table 3.1 of the CalciumGAN thesis: shapes and parameter counts of the generator and critic."""

import keras
import numpy as np
import pytest

from calciumgan.models.convolution import SubPixelConv1DTranspose
from calciumgan.models.layers import PhaseShuffle
from calciumgan.models.registry import VARIANTS, build_models
from calciumgan.models.shapes import VARIANT_NAMES
from calciumgan.models.wavegan import build_critic, build_generator

pytestmark = pytest.mark.backend

THESIS = {"window": 2048, "num_neurons": 102, "noise_dim": 32, "filters": 64, "kernel_size": 24, "strides": 2,
          "num_blocks": 5, "normalization": "layer", "phase_shuffle": 10, "convolutions": "fast"}  # fmt: skip
SMALL = {**THESIS, "window": 16, "num_neurons": 3, "noise_dim": 4, "filters": 4, "kernel_size": 4, "num_blocks": 3,
         "phase_shuffle": 1}  # fmt: skip


@pytest.mark.parametrize("convolutions", ["fast", "keras"])
def test_thesis_parameter_counts(convolutions):
    generator, critic = build_models("wavegan", {**THESIS, "convolutions": convolutions})
    assert generator.count_params() == 4_375_740
    assert critic.count_params() == 4_110_273
    assert generator.output_shape == (None, 2048, 102)
    assert critic.output_shape == (None, 1)


def test_output_features_make_the_last_dense_features_by_neurons():
    """5,000 neurons: one channel per neuron makes the per-frame Dense 5,000 x 5,000 (25 M weights); 128 output
    features shrink it to 128 x 5,000 and the last upsampling block to 128 channels."""
    many = {**THESIS, "window": 256, "num_neurons": 5000, "filters": 32, "kernel_size": 8}
    default, _ = build_models("wavegan", many)
    assert default.get_layer("per_frame_dense").count_params() == 5000 * 5000 + 5000
    narrow, _ = build_models("wavegan", {**many, "output_features": 128})
    assert narrow.get_layer("upsample_4").output.shape[1:] == (256, 128)
    assert narrow.get_layer("per_frame_dense").count_params() == 128 * 5000 + 5000
    assert narrow.output_shape == (None, 256, 5000)
    assert default.count_params() - narrow.count_params() == (5000 - 128) * (5000 + 1 + 8 * 64 + 2)


def test_thesis_layer_shapes():
    generator, critic = build_models("wavegan", THESIS)
    upsampling = [layer for layer in generator.layers if isinstance(layer, SubPixelConv1DTranspose)]
    assert [layer.output.shape[1:] for layer in upsampling] == [
        (128, 320), (256, 256), (512, 192), (1024, 128), (2048, 102)
    ]  # fmt: skip
    shuffles = [layer for layer in critic.layers if isinstance(layer, PhaseShuffle)]
    assert [layer.output.shape[1:] for layer in shuffles] == [(1024, 64), (512, 128), (256, 192), (128, 256)]
    assert all(layer.max_shift == 10 for layer in shuffles)


def test_fast_and_keras_convolutions_compute_the_same_models():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(2, 32)).astype(np.float32)
    fast = build_models("wavegan", THESIS)
    stock = build_models("wavegan", {**THESIS, "convolutions": "keras"})
    for fast_model, stock_model in zip(fast, stock):
        fast_model.set_weights(stock_model.get_weights())
    traces = np.asarray(stock[0](noise))
    np.testing.assert_allclose(fast[0](noise), traces, atol=1e-5)
    np.testing.assert_allclose(fast[1](traces), stock[1](traces), rtol=1e-4, atol=1e-4)


def test_generator_outputs_lie_in_unit_interval():
    generator, _ = build_models("wavegan", SMALL)
    outputs = np.asarray(generator(np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)))
    assert outputs.shape == (5, 16, 3)
    assert 0 <= outputs.min() and outputs.max() <= 1


@pytest.mark.parametrize("policy, compute", [("mixed_float16", "float16"), ("mixed_bfloat16", "bfloat16")])
def test_mixed_precision_models_return_float32(policy, compute):
    generator, critic = build_models("wavegan", SMALL, dtype=policy)
    traces = generator(np.zeros((2, 4), np.float32))
    assert traces.dtype == "float32"
    assert critic(traces).dtype == "float32"
    assert generator.get_layer("upsample_0").compute_dtype == compute


def test_registry_passes_each_builder_only_its_arguments():
    assert tuple(VARIANTS) == VARIANT_NAMES == ("wavegan", "wavegan2d", "wavegan2d_fft")
    generator, critic = build_models("wavegan", {**SMALL, "variant": "wavegan", "unrelated": 1})
    assert generator.input_shape == (None, 4) and critic.input_shape == (None, 16, 3)
    with pytest.raises(ValueError, match="unknown model variant 'wavegan3d' \\(known: wavegan, wavegan2d, "):
        build_models("wavegan3d", SMALL)


def test_nearest_upsampling_has_the_thesis_shapes_and_parameter_counts():
    generator, _ = build_models("wavegan", {**THESIS, "upsampling": "nearest"})
    assert generator.count_params() == 4_375_740
    convolutions = [generator.get_layer(f"upsample_{block}") for block in range(5)]
    assert all(isinstance(layer, keras.layers.Conv1D) and layer.strides == (1,) for layer in convolutions)
    assert [layer.output.shape[1:] for layer in convolutions] == [
        (128, 320), (256, 256), (512, 192), (1024, 128), (2048, 102)
    ]  # fmt: skip


def test_nearest_upsampling_repeats_frames_before_convolving():
    generator, _ = build_models("wavegan", {**SMALL, "upsampling": "nearest"})
    repeated = keras.Model(generator.input, generator.get_layer("upsample_0_nearest").output)
    inputs = keras.Model(generator.input, generator.get_layer("upsample_0_nearest").input)
    noise = np.random.default_rng(0).normal(size=(2, 4)).astype(np.float32)
    np.testing.assert_array_equal(repeated(noise), np.repeat(np.asarray(inputs(noise)), 2, axis=1))


def test_calcium_output_adds_three_weights_per_neuron_and_returns_float32():
    generator, _ = build_models("wavegan", {**THESIS, "output": "calcium"})
    assert generator.count_params() == 4_375_740 + 3 * 102
    assert generator.output_shape == (None, 2048, 102)
    mixed, _ = build_models("wavegan", {**SMALL, "output": "calcium"}, dtype="mixed_float16")
    assert mixed(np.zeros((2, 4), np.float32)).dtype == "float32"
    assert mixed.get_layer("traces").compute_dtype == "float32"


def test_architecture_errors_name_the_keys():
    without = {key: value for key, value in THESIS.items() if key != "phase_shuffle"}
    with pytest.raises(ValueError, match="data.window 100 must be a multiple of .* 32"):
        build_generator(**{**without, "window": 100})
    critic_arguments = {key: value for key, value in THESIS.items() if key not in ("noise_dim", "normalization")}
    with pytest.raises(ValueError, match="model.phase_shuffle 10 must be below 8"):
        build_critic(**{**critic_arguments, "window": 128})
    with pytest.raises(ValueError, match="model.kernel_size 25 must be a multiple of model.strides 2 for fast"):
        build_generator(**{**without, "kernel_size": 25})
