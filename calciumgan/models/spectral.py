"""Fixed Fourier layers of CalciumGAN-2D FFT (thesis §3.2.2, §A.3).

``ScaledSpectrum`` turns traces into the two-channel spectrum the thesis trains on (real and
imaginary parts of the FFT along time, per neuron, scaled into [0, 1]); ``TracesFromSpectrum``
undoes the scaling and returns the real part of the inverse FFT, as the thesis's
post-processing does. The generator ends with the second and the critic starts with the
first, so both networks work on spectra while data, sampling and evaluation see time-domain
traces. Neither layer has weights; both compute in float32 with ``keras.ops.fft``.

Scaling: every DFT coefficient of a window of T frames in [0, 1] has real and imaginary parts
in [-T, T] (``|X_k| <= sum |x_t| <= T``); the layers map [-T, T] linearly onto [0, 1]. The
thesis scaled by the minimum and maximum of its training spectra instead; a fixed range needs no
data in the model and keeps a spectrum in range under the projection described below.
"""

import keras
from keras import ops


def _spectrum(real, imaginary):
    """FFT along axis 1 of (batch, time, neurons) real and imaginary parts; the same shapes out."""
    real, imaginary = ops.fft((ops.transpose(real, (0, 2, 1)), ops.transpose(imaginary, (0, 2, 1))))
    return ops.transpose(real, (0, 2, 1)), ops.transpose(imaginary, (0, 2, 1))


@keras.saving.register_keras_serializable(package="calciumgan")
class ScaledSpectrum(keras.layers.Layer):
    """Traces (batch, T, neurons) -> scaled spectrum (batch, T, neurons, 2), float32.

    Channel 0 holds the real and channel 1 the imaginary part of ``X_k = sum_t x_t
    exp(-2 pi i k t / T)``, both mapped by ``(X / T + 1) / 2``.
    """

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "dtype": "float32"})

    def call(self, traces):
        real, imaginary = _spectrum(traces, ops.zeros_like(traces))
        length = traces.shape[1]
        return ops.stack([real, imaginary], axis=-1) / (2 * length) + 0.5

    def compute_output_shape(self, input_shape):
        return (*input_shape, 2)


@keras.saving.register_keras_serializable(package="calciumgan")
class TracesFromSpectrum(keras.layers.Layer):
    """Scaled spectrum (batch, T, neurons, 2) -> traces (batch, T, neurons), float32.

    Undoes ``ScaledSpectrum``'s scaling and returns the real part of the inverse FFT,
    ``Re(ifft(X)) = Re(fft(conj X)) / T``. For the spectrum of real traces this inverts
    ``ScaledSpectrum`` exactly; any other spectrum is first projected onto the spectra of real
    traces (``X_k`` and ``conj(X_(T-k))`` averaged), which is what the real part keeps.
    """

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "dtype": "float32"})

    def call(self, scaled):
        length = scaled.shape[1]
        spectrum = (scaled - 0.5) * (2 * length)
        real, _ = _spectrum(spectrum[..., 0], -spectrum[..., 1])
        return real / length

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1])
