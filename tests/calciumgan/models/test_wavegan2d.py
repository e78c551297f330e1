"""Table A.2 of the CalciumGAN thesis: CalciumGAN-2D and its FFT variant, shapes and parameter counts."""

import keras
import numpy as np
import pytest

from calciumgan.models.layers import PhaseShuffle2D
from calciumgan.models.registry import build_models
from calciumgan.models.spectral import ScaledSpectrum, TracesFromSpectrum

pytestmark = pytest.mark.backend

TABLE_A2 = {"window": 2048, "num_neurons": 102, "noise_dim": 32, "filters": 20, "kernel_size": 8, "strides": 2,
            "num_blocks": 5, "normalization": "layer", "phase_shuffle": 10, "phase_shuffle_neurons": 10,
            "critic_kernel_size": 16, "critic_strides": 4}  # fmt: skip
SMALL = {**TABLE_A2, "window": 32, "num_neurons": 6, "noise_dim": 4, "filters": 2, "kernel_size": 4, "num_blocks": 3,
         "phase_shuffle": 2, "phase_shuffle_neurons": 1, "critic_kernel_size": 4, "critic_strides": 2}  # fmt: skip


def _noise(count, dim, seed=0):
    return np.random.default_rng(seed).normal(size=(count, dim)).astype(np.float32)


def test_table_a2_parameter_counts_and_shapes():
    generator, critic = build_models("wavegan2d", TABLE_A2)
    assert generator.count_params() == 4_242_329
    assert critic.count_params() == 4_121_821
    assert generator.output_shape == (None, 2048, 102) and critic.input_shape == (None, 2048, 102)
    upsampling = [generator.get_layer(f"upsample_{block}").output.shape[1:] for block in range(5)]
    assert upsampling == [(128, 51, 100), (256, 51, 60), (512, 102, 40), (1024, 102, 20), (2048, 102, 1)]
    assert generator.get_layer("project").output.shape == (None, 104448)
    convolutions = [critic.get_layer(f"conv_{block}").output.shape[1:] for block in range(5)]
    assert convolutions == [(512, 102, 20), (128, 102, 40), (32, 102, 60), (8, 102, 80), (2, 102, 100)]
    shuffles = [(layer.max_shift, layer.max_neuron_shift) for layer in critic.layers
                if isinstance(layer, PhaseShuffle2D)]  # fmt: skip
    assert shuffles == [(10, 10), (10, 10), (10, 10), (0, 10)]  # 8 frames are too short for shifts of 10


def test_fft_variant_works_on_two_channel_spectra_of_time_domain_traces():
    generator, critic = build_models("wavegan2d_fft", TABLE_A2)
    assert generator.get_layer("upsample_4").output.shape[1:] == (2048, 102, 2)
    assert isinstance(generator.layers[-1], TracesFromSpectrum) and generator.output_shape == (None, 2048, 102)
    assert isinstance(critic.layers[1], ScaledSpectrum) and critic.get_layer("conv_0").input.shape[1:] == (2048, 102, 2)
    # Two channels instead of one: 8*8*20 + 1 more in the last upsampling, 2 in its norm and 4 in the
    # Dense (2 x 2 + 2 against 1 + 1) of the generator; 16*16*20 in the critic's first kernel.
    assert generator.count_params() == 4_242_329 + 1_287 and critic.count_params() == 4_121_821 + 5_120


def test_fft_generator_returns_the_real_inverse_fft_of_its_spectrum():
    generator, _ = build_models("wavegan2d_fft", SMALL)
    noise = _noise(3, 4)
    traces = np.asarray(generator(noise))
    scaled = np.asarray(keras.Model(generator.input, generator.get_layer("scaled_spectrum").output)(noise), np.float64)
    assert traces.shape == (3, 32, 6) and traces.dtype == np.float32
    assert 0 <= scaled.min() and scaled.max() <= 1
    spectrum = ((scaled[..., 0] - 0.5) + 1j * (scaled[..., 1] - 0.5)) * 2 * 32
    np.testing.assert_allclose(traces, np.fft.ifft(spectrum, axis=1).real, atol=1e-4)


@pytest.mark.parametrize("variant", ["wavegan2d", "wavegan2d_fft"])
def test_outputs_depend_on_the_noise(variant):
    """Keras's LayerNormalization over one channel is constant; the last block normalises over all units."""
    generator, critic = build_models(variant, SMALL)
    traces = np.asarray(generator(_noise(4, 4)))
    assert traces.std(axis=0).min() > 0
    assert critic(traces).shape == (4, 1)


def test_odd_neuron_counts_are_cropped_and_nearest_upsampling_keeps_the_counts():
    generator, critic = build_models("wavegan2d", {**SMALL, "num_neurons": 7})
    assert generator.output_shape == (None, 32, 7) and critic.input_shape == (None, 32, 7)
    assert generator(_noise(2, 4)).shape == (2, 32, 7)
    nearest, _ = build_models("wavegan2d", {**TABLE_A2, "upsampling": "nearest"})
    assert nearest.count_params() == 4_242_329 and nearest.output_shape == (None, 2048, 102)


def test_calcium_output_adds_three_weights_per_neuron():
    generator, _ = build_models("wavegan2d", {**TABLE_A2, "output": "calcium"})
    assert generator.count_params() == 4_242_329 + 3 * 102
    assert generator.get_layer("traces").output.shape == (None, 2048, 102)
    with pytest.raises(ValueError, match="frequency-domain generator needs output 'direct'"):
        build_models("wavegan2d_fft", {**SMALL, "output": "calcium"})


def test_neuron_shift_must_be_below_the_neurons():
    with pytest.raises(ValueError, match="model.phase_shuffle_neurons 6 must be below the 6 neurons"):
        build_models("wavegan2d", {**SMALL, "phase_shuffle_neurons": 6})
