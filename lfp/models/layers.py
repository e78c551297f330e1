"""The generator's output layers: each window standardised as the training data are, and an optional learned
white-noise floor per channel."""

import math

import keras
import numpy as np

from calciumgan.core.seeded import SavedSeedStream
from lfp.data.recording import standardize_windows


@keras.saving.register_keras_serializable(package="lfp")
class WindowStandardization(keras.layers.Layer):
    """Each (time, channels) window of (batch, time, channels) to mean 0 and std 1 over all its values.

    The thesis normalises the decoder's output "by subtracting the mean of the sample and dividing
    by the standard deviation of the sample" (§4.2); this is ``lfp.data.recording.standardize_windows``,
    the same z-score the windows get before training, so decoded and real windows share one scale.
    ``epsilon`` (squared output units) keeps a flat window finite. No weights; computes in float32
    by default so the generator's output stays float32 under mixed precision.
    """

    def __init__(self, epsilon: float = 1e-6, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, windows):
        return standardize_windows(windows, self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="lfp")
class SpectralNoise(SavedSeedStream, keras.layers.Layer):
    """Adds stationary Gaussian noise with a learned amplitude spectrum per channel and learned correlations
    between channels.

    White noise e (batch, time, channels) is mixed across channels by a learned (channels, channels)
    matrix M (``mixing``, started at the identity), ``u_t = M e_t``, then shaped in the frequency domain,
    ``irfft(g_c(f) rfft(u_c))`` with gains ``g = softplus(p)`` of shape (channels, time // 2 + 1), and added
    to the windows: channel c's power at f is g_c(f)^2 (M M^T)_cc, channels c and d correlate by
    (M M^T)_cd at every frequency (M = I and gain 1 everywhere: unit white noise).
    The signal decoder's transposed convolutions make smooth windows, decades below the recording's
    spectrum above ~50 Hz (``lfp.first_epoch``'s figure); this term carries that broadband part.
    The noise is drawn in every call (training or not) from the layer's seed stream, whose state is
    saved with the model. Input and output (batch, time, channels), float32.
    """

    def __init__(self, initial_gain: float = 0.1, seed=None, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        if not initial_gain > 0:
            raise ValueError(f"SpectralNoise: initial_gain must be positive, got {initial_gain}")
        self.initial_gain = float(initial_gain)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        self.length = int(input_shape[1])
        shape = (int(input_shape[-1]), self.length // 2 + 1)
        start = math.log(math.expm1(self.initial_gain))  # softplus^-1
        self.gain_parameter = self.add_weight(name="gain_parameter", shape=shape,
                                              initializer=keras.initializers.Constant(start))  # fmt: skip
        self.mixing = self.add_weight(name="mixing", shape=(shape[0], shape[0]), initializer="identity")

    @property
    def gains(self):
        """(channels, frequencies) amplitude gains on unit white noise."""
        return keras.ops.softplus(self.gain_parameter)

    def set_gains(self, gains) -> None:
        """Set the (channels, frequencies) gains, each floored at 1e-6."""
        gains = np.maximum(np.asarray(gains, np.float64), 1e-6)
        self.gain_parameter.assign(np.log(np.expm1(gains)).astype("float32"))

    def call(self, windows, training=None):
        ops = keras.ops
        batch, channels = ops.shape(windows)[0], ops.shape(windows)[2]
        white = keras.random.normal((batch, channels, self.length), seed=self.seed_generator)
        real, imaginary = ops.rfft(ops.einsum("cd,bdt->bct", self.mixing, white))
        gains = self.gains[None]
        shaped = ops.irfft((real * gains, imaginary * gains), fft_length=self.length)
        return windows + ops.transpose(shaped, (0, 2, 1))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "initial_gain": self.initial_gain, "seed": self.seed}


def difference_correlation_factor(windows: np.ndarray) -> np.ndarray:
    """(channels, channels) lower Cholesky factor of the correlation between channels of the frame-to-frame
    differences of (batch, time, channels) windows: a ``SpectralNoise`` mixing whose noise correlates across
    channels as the windows' fast fluctuations do (differencing weighs each frequency by its own, so the
    slow, decoder-made part counts little)."""
    differences = np.diff(np.asarray(windows, np.float64), axis=1).reshape(-1, np.shape(windows)[-1])
    correlation = np.corrcoef(differences, rowvar=False)
    return np.linalg.cholesky(correlation + 1e-6 * np.eye(len(correlation)))


def missing_spectrum_gains(real: np.ndarray, generated: np.ndarray) -> np.ndarray:
    """(channels, time // 2 + 1) ``SpectralNoise`` gains that add to ``generated`` windows the power they lack
    against ``real`` ones, both (batch, time, channels).

    Per channel and frequency, the mean single-sided amplitudes A (``lfp.metrics.signals.amplitude_spectra``)
    give the missing amplitude ``sqrt(max(A_real^2 - A_generated^2, 0))`` (independent parts add in power);
    unit white noise has amplitude sqrt(pi / N) at every frequency above 0 over N samples (2 |X_k| / N,
    |X_k| Rayleigh with mean sqrt(pi N) / 2), so the gain is the missing amplitude over that. 0 Hz gets no
    noise (windows are standardised).
    """
    from lfp.metrics.signals import amplitude_spectra

    length = np.shape(real)[1]
    _, real_amplitude, _ = amplitude_spectra(real, 1.0)
    _, generated_amplitude, _ = amplitude_spectra(generated, 1.0)
    missing = np.sqrt(np.maximum(real_amplitude**2 - generated_amplitude**2, 0.0))
    gains = missing / math.sqrt(math.pi / length)
    gains[:, 0] = 0.0
    return gains
