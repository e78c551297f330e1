"""The signal autoencoder's spectrum during its first epoch (the LFP thesis's Fig. 5.6: low frequencies first).

While the first epoch trains, ``FirstEpochSpectra`` reconstructs a fixed probe of windows after the
batches that end 2 %, 30 %, 60 % and 100 % of the epoch and keeps the reconstructions' mean
amplitude spectrum. ``pretrain/first_epoch_spectra.json`` holds them beside the probe's own, and
``first_epoch_spectra.png`` draws them.
"""

import math

import keras
import numpy as np

from calciumgan.core.files import write_json_atomic
from lfp.evaluation.plots import plot_first_epoch_spectra
from lfp.metrics.signals import amplitude_spectra

FRACTIONS = (0.02, 0.30, 0.60, 1.0)  # of the first epoch's batches, as in Fig. 5.6
PROBE_WINDOWS = 64
SPECTRA_FILE, FIGURE_FILE = "first_epoch_spectra.json", "first_epoch_spectra.png"


def mean_spectrum(windows, sampling_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """(frequencies (f,) in Hz, amplitude (f,) averaged over windows and channels) of (batch, time, channels)."""
    frequencies, mean, _ = amplitude_spectra(windows, sampling_rate)
    return frequencies, mean.mean(axis=0)


def batches_at_fractions(batches: int) -> list[int]:
    """The 1-based batch after which each of ``FRACTIONS`` of an epoch of ``batches`` batches is done."""
    return [max(1, math.ceil(fraction * batches)) for fraction in FRACTIONS]


class FirstEpochSpectra(keras.callbacks.Callback):
    """Keeps the mean amplitude spectrum of the model's reconstruction of ``probe`` (n, time, channels), in the
    model's standardised units, after each batch of ``batches_at_fractions(batches)``."""

    def __init__(self, probe: np.ndarray, sampling_rate: float, batches: int):
        super().__init__()
        self.probe = np.asarray(probe, np.float32)
        self.sampling_rate = float(sampling_rate)
        self.when = {}  # batch -> the fractions of the epoch done after it (several in an epoch of few batches)
        for batch, fraction in zip(batches_at_fractions(batches), FRACTIONS):
            self.when.setdefault(batch, []).append(fraction)
        self.spectra = {}  # fraction -> (f,) amplitudes

    def on_train_batch_end(self, batch, logs=None):
        fractions = [fraction for fraction in self.when.get(batch + 1, ()) if fraction not in self.spectra]
        if fractions:
            reconstruction = keras.ops.convert_to_numpy(self.model(self.probe, training=False))
            for fraction in fractions:
                self.spectra[fraction] = mean_spectrum(reconstruction, self.sampling_rate)[1]

    def write(self, folder) -> None:
        """``first_epoch_spectra.json`` (frequencies, the probe's spectrum, one per fraction) and its figure."""
        frequencies, probe = mean_spectrum(self.probe, self.sampling_rate)
        spectra = {f"{fraction:.0%}": values for fraction, values in sorted(self.spectra.items())}
        write_json_atomic(folder / SPECTRA_FILE, {
            "frequencies_hz": frequencies.tolist(), "input": probe.tolist(),
            "after_share_of_first_epoch": {name: values.tolist() for name, values in spectra.items()},
            "units": "mean |rfft| amplitude of standardised windows"})  # fmt: skip
        plot_first_epoch_spectra(frequencies, probe, spectra, folder / FIGURE_FILE)
