"""The fixed Fourier layers of CalciumGAN-2D FFT against NumPy's FFT."""

import numpy as np
import pytest

from calciumgan.models.spectral import ScaledSpectrum, TracesFromSpectrum

pytestmark = pytest.mark.backend


@pytest.mark.parametrize("length", [16, 2048, 96])
def test_scaled_spectrum_is_numpy_fft_scaled_into_unit_interval(length):
    traces = np.random.default_rng(length).random((2, length, 3)).astype(np.float32)
    scaled = np.asarray(ScaledSpectrum()(traces))
    assert scaled.shape == (2, length, 3, 2) and scaled.dtype == np.float32
    spectrum = np.fft.fft(traces.astype(np.float64), axis=1)
    np.testing.assert_allclose(scaled[..., 0], (spectrum.real / length + 1) / 2, atol=1e-6)
    np.testing.assert_allclose(scaled[..., 1], (spectrum.imag / length + 1) / 2, atol=1e-6)
    assert 0 <= scaled.min() and scaled.max() <= 1


@pytest.mark.parametrize("length", [16, 2048, 96])
def test_inverse_after_forward_is_the_identity(length):
    traces = np.random.default_rng(length).random((2, length, 3)).astype(np.float32)
    np.testing.assert_allclose(TracesFromSpectrum()(ScaledSpectrum()(traces)), traces, atol=1e-5)


def test_inverse_keeps_the_real_part_of_the_inverse_fft_of_any_spectrum():
    """What the thesis's post-processing does with the generator's two channels."""
    scaled = np.random.default_rng(0).random((2, 32, 3, 2)).astype(np.float32)
    traces = np.asarray(TracesFromSpectrum()(scaled))
    spectrum = (scaled[..., 0] - 0.5) * 64 + 1j * (scaled[..., 1] - 0.5) * 64
    assert traces.shape == (2, 32, 3) and traces.dtype == np.float32
    np.testing.assert_allclose(traces, np.fft.ifft(spectrum, axis=1).real, atol=1e-5)


def test_layers_compute_in_float32_and_have_no_weights():
    forward, inverse = ScaledSpectrum(dtype="mixed_float16"), TracesFromSpectrum(dtype="mixed_float16")
    scaled = forward(np.zeros((1, 8, 2), np.float16))
    assert scaled.dtype == "float32" and inverse(scaled).dtype == "float32"
    assert forward.count_params() == inverse.count_params() == 0
