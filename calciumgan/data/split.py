"""Contiguous train/validation split, window starts, min-max scaling and the prepared data (NumPy only).

The thesis cut stride-2 windows from the whole recording and then split them at
random, so a validation window shared up to 2046 of its 2048 frames with a
training window. Here the recording is split first into two contiguous blocks of
time (validation last) and windows are cut inside each block, so no validation
window shares a frame with any training window. The scaler (thesis Eq. 3.1-3.2)
is fitted on the training block only.
"""

import dataclasses

import numpy as np

from calciumgan.core.errors import RecordingError, RunError
from calciumgan.core.files import read_json, write_json_atomic
from calciumgan.data.recording import Recording


def split_train_validation(recording: Recording, window: int, validation_fraction: float):
    """Split into (train, validation) recordings: two contiguous blocks, validation last.

    Each block must hold at least one window; otherwise a ``RecordingError``
    names the recording and the lengths.
    """
    if recording.num_frames < window:
        raise RecordingError(
            f"{recording.source}: {recording.num_frames} frames is shorter than one window of {window} frames"
        )
    cut = recording.num_frames - int(round(validation_fraction * recording.num_frames))
    if cut < window or recording.num_frames - cut < window:
        raise RecordingError(
            f"{recording.source}: {recording.num_frames} frames cannot hold one window of {window} frames "
            f"in both the training block ({cut} frames) and the validation block "
            f"({recording.num_frames - cut} frames, validation_fraction {validation_fraction})"
        )
    return recording.frames(0, cut), recording.frames(cut, recording.num_frames)


def window_starts(num_frames: int, window: int, stride: int) -> np.ndarray:
    """First frame of every window of ``window`` frames, ``stride`` apart, inside ``num_frames``."""
    return np.arange(0, num_frames - window + 1, stride, dtype=np.int64)


def evenly_spaced_starts(num_frames: int, window: int, count: int) -> np.ndarray:
    """Up to ``count`` distinct window starts spread evenly over ``num_frames`` (first and last included)."""
    return np.unique(np.linspace(0, num_frames - window, count).round().astype(np.int64))


@dataclasses.dataclass(frozen=True)
class MinMaxScaler:
    """Min-max scaling to [0, 1] (Eq. 3.1-3.2) and its exact inverse.

    ``minimum`` and ``maximum`` are float64 arrays of shape () for one range over
    all neurons (the thesis's choice) or (N,) for one range per neuron. A
    constant neuron gets a unit range, so it maps to 0 instead of dividing by 0.
    """

    minimum: np.ndarray
    maximum: np.ndarray

    @classmethod
    def fit(cls, signals: np.ndarray, per_neuron: bool = False) -> "MinMaxScaler":
        """Fit to (T, N) signals."""
        axis = 0 if per_neuron else None
        return cls(np.min(signals, axis=axis).astype(np.float64), np.max(signals, axis=axis).astype(np.float64))

    @property
    def scale(self) -> np.ndarray:
        span = self.maximum - self.minimum
        return np.where(span > 0, span, 1.0)

    def transform(self, signals: np.ndarray) -> np.ndarray:
        """(..., N) signals in original units -> float32 in [0, 1] on the fitted block."""
        return ((signals - self.minimum) / self.scale).astype(np.float32)

    def inverse(self, scaled: np.ndarray) -> np.ndarray:
        """(..., N) scaled values -> float32 in original units: x = x01 * (max - min) + min.

        (Eq. 3.3 of the thesis adds x_max; the inverse of Eq. 3.2 adds x_min.)
        """
        return (np.asarray(scaled, dtype=np.float64) * self.scale + self.minimum).astype(np.float32)

    def save(self, path) -> None:
        payload = {"minimum": self.minimum.tolist(), "maximum": self.maximum.tolist()}
        write_json_atomic(path, payload, indent=None)

    @classmethod
    def load(cls, path) -> "MinMaxScaler":
        """Read a file written by :meth:`save`; a one-line ``RunError`` if it is not one."""
        payload = read_json(path)
        try:
            scaler = cls(np.asarray(payload["minimum"], np.float64), np.asarray(payload["maximum"], np.float64))
        except (ValueError, KeyError, TypeError) as error:
            raise RunError(f"{path}: not a readable scaler file ({type(error).__name__}: {error})") from None
        if not (np.isfinite(scaler.minimum).all() and np.isfinite(scaler.maximum).all()):
            raise RunError(f"{path}: 'minimum' and 'maximum' must be finite numbers")
        return scaler


@dataclasses.dataclass(frozen=True)
class PreparedData:
    """A recording split in time, with the scaler fitted on its training block.

    ``ground_truth`` is ``None`` for recorded data; for a surrogate it maps
    ``"firing_rate_hz"`` to the (N,) true rates and ``"spike_covariance"`` to the (N, N)
    true covariance of the spikes per frame (binary for the dichotomized-Gaussian presets,
    counts for the ΔF/F ones, which add their indicator's parameters: ``prepare.surrogate_ground_truth``).
    """

    recording: Recording
    train: Recording
    validation: Recording
    scaler: MinMaxScaler
    ground_truth: dict | None = None

    @property
    def train_scaled(self) -> np.ndarray:
        """(T_train, N) float32 training block in the scaler's [0, 1] units."""
        return self.scaler.transform(self.train.signals)

    @property
    def validation_scaled(self) -> np.ndarray:
        """(T_validation, N) float32 validation block in the scaler's units."""
        return self.scaler.transform(self.validation.signals)

    def info(self) -> dict:
        """What later stages need to know about the data, as plain JSON values."""
        return {
            "source": self.recording.source,
            "sampling_rate": self.recording.sampling_rate,
            "neuron_ids": self.recording.neuron_ids.tolist(),
            "num_frames": self.recording.num_frames,
            "train_frames": [0, self.train.num_frames],
            "validation_frames": [self.train.num_frames, self.recording.num_frames],
        }
