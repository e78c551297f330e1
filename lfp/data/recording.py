"""The ``StimulusLFP`` value of the LFP data stage, its HDF5 file, the image split and window helpers.

HDF5 layout (one file, written atomically):

================= ================= ===================================================
name              shape             meaning
================= ================= ===================================================
``lfp``           (T, C) float32    continuous LFP in microvolts
``channel_ids``   (C,) int64        probe channel ids
``onsets``        (S,) int64        sample index of each image showing's onset
``image_ids``     (S,) int64        index into ``images`` of the image shown
``images``        (I, H, W) float32 optional; greyscale in [0, 1]
``sampling_rate`` attribute         Hz
``source``        attribute         where the recording came from
================= ================= ===================================================
"""

import dataclasses
import pathlib

import h5py
import numpy as np

from calciumgan.core.errors import ConfigError, RecordingError
from calciumgan.core.files import atomic_hdf5, open_hdf5

ARRAYS = ("lfp", "channel_ids", "onsets", "image_ids")


@dataclasses.dataclass(frozen=True, eq=False)
class StimulusLFP:
    """A continuous multichannel LFP with the onsets of natural-image showings, validated on construction.

    Attributes:
        lfp: (T, C) float32 microvolts.
        sampling_rate: Hz (1250 for Allen LFP).
        channel_ids: (C,) int64 probe channel ids.
        onsets: (S,) int64 sample index in ``lfp`` of each showing's onset.
        image_ids: (S,) int64 index into ``images`` of the image shown.
        images: (I, H, W) float32 greyscale in [0, 1], or None when the reader had no images.
        source: a file path or ``"synthetic(seed=...)"``, used in messages.
    """

    lfp: np.ndarray
    sampling_rate: float
    channel_ids: np.ndarray
    onsets: np.ndarray
    image_ids: np.ndarray
    images: np.ndarray | None = None
    source: str = "<array>"

    def __post_init__(self):
        lfp = np.ascontiguousarray(self.lfp, dtype=np.float32)
        if lfp.ndim != 2 or min(lfp.shape) == 0:
            raise RecordingError(f"{self.source}: 'lfp' must be a non-empty (T, channels) array, got {lfp.shape}")
        _require_finite(lfp, "lfp", self.source)
        rate = np.asarray(self.sampling_rate)
        rate = float(rate) if rate.size == 1 and np.issubdtype(rate.dtype, np.number) else np.nan
        if not np.isfinite(rate) or rate <= 0:
            raise RecordingError(
                f"{self.source}: 'sampling_rate' must be a positive number of Hz, got {self.sampling_rate!r}"
            )
        channel_ids = _integers(self.channel_ids, "channel_ids", self.source)
        if channel_ids.shape != (lfp.shape[1],) or len(np.unique(channel_ids)) != len(channel_ids):
            raise RecordingError(
                f"{self.source}: 'channel_ids' must be {lfp.shape[1]} distinct ids, got shape {channel_ids.shape}"
            )
        onsets = _integers(self.onsets, "onsets", self.source)
        image_ids = _integers(self.image_ids, "image_ids", self.source)
        if onsets.ndim != 1 or image_ids.shape != onsets.shape:
            raise RecordingError(
                f"{self.source}: 'onsets' {onsets.shape} and 'image_ids' {image_ids.shape} must be equal-length vectors"
            )
        if len(onsets) and (onsets.min() < 0 or onsets.max() >= len(lfp)):
            raise RecordingError(
                f"{self.source}: 'onsets' must lie in [0, {len(lfp)}), got {onsets.min()}..{onsets.max()}"
            )
        if len(image_ids) and image_ids.min() < 0:
            raise RecordingError(f"{self.source}: 'image_ids' holds negative ids (first {image_ids[image_ids < 0][0]})")
        for name, value in (
            ("lfp", lfp),
            ("sampling_rate", rate),
            ("channel_ids", channel_ids),
            ("onsets", onsets),
            ("image_ids", image_ids),
            ("images", self._checked_images(image_ids)),
        ):
            object.__setattr__(self, name, value)

    def _checked_images(self, image_ids: np.ndarray) -> np.ndarray | None:
        if self.images is None:
            return None
        images = np.ascontiguousarray(self.images, dtype=np.float32)
        if images.ndim != 3 or min(images.shape) == 0:
            raise RecordingError(f"{self.source}: 'images' must be (num_images, height, width), got {images.shape}")
        if not (np.all(images >= 0) and np.all(images <= 1)):  # also refuses NaN
            raise RecordingError(f"{self.source}: 'images' must hold values in [0, 1]")
        if len(image_ids) and image_ids.max() >= len(images):
            raise RecordingError(
                f"{self.source}: 'image_ids' reaches {image_ids.max()} but there are {len(images)} images"
            )
        return images

    @property
    def num_channels(self) -> int:
        return self.lfp.shape[1]

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.lfp) / self.sampling_rate

    def check(self, window: int) -> None:
        """A one-line ``RecordingError`` unless every showing's window ``[onset, onset + window)`` fits the LFP."""
        if window < 1 or window > len(self.lfp):
            raise RecordingError(f"{self.source}: window of {window} samples does not fit {len(self.lfp)} samples")
        late = self.onsets + window > len(self.lfp)
        if late.any():
            raise RecordingError(
                f"{self.source}: {int(late.sum())} showing(s) start too late for a {window}-sample window "
                f"(first onset {self.onsets[late][0]} of {len(self.lfp)} samples)"
            )


def save_stimulus_lfp(recording: StimulusLFP, path) -> pathlib.Path:
    """Write ``recording`` to one HDF5 file at ``path`` (atomically); return the path."""
    path = pathlib.Path(path)
    with atomic_hdf5(path) as file:
        for name in ARRAYS:
            file.create_dataset(name, data=getattr(recording, name))
        if recording.images is not None:
            file.create_dataset("images", data=recording.images)
        file.attrs["sampling_rate"] = recording.sampling_rate
        file.attrs["source"] = recording.source
    return path


def load_stimulus_lfp(path) -> StimulusLFP:
    """Read a file written by :func:`save_stimulus_lfp`; errors name the file and the key at fault."""
    path = pathlib.Path(path)
    with open_hdf5(path) as file:
        missing = [name for name in ARRAYS if not isinstance(file.get(name), h5py.Dataset)]
        missing += [name for name in ("sampling_rate",) if name not in file.attrs]
        if missing:
            raise RecordingError(f"{path}: missing key '{missing[0]}' (expected {', '.join(ARRAYS)}, [images])")
        arrays = {name: file[name][()] for name in ARRAYS}
        images = file["images"][()] if "images" in file else None
        return StimulusLFP(**arrays, sampling_rate=file.attrs["sampling_rate"], images=images, source=str(path))


def split_images(num_images: int, test_images: int = 24, seed: int = 0) -> tuple:
    """(train ids, test ids), sorted int64 vectors: ``test_images`` of ``range(num_images)`` drawn at random.

    The thesis splits its 118 images 94 / 24 (80/20 by image).
    """
    if not 1 <= test_images < num_images:
        raise ConfigError(f"test_images: must be in [1, {num_images - 1}] for {num_images} images, got {test_images}")
    order = np.random.default_rng(seed).permutation(num_images)
    return np.sort(order[test_images:]).astype(np.int64), np.sort(order[:test_images]).astype(np.int64)


def showings_of(recording: StimulusLFP, image_ids) -> np.ndarray:
    """(k,) int64 indices, in time order, of the showings whose image is in ``image_ids``."""
    return np.flatnonzero(np.isin(recording.image_ids, np.asarray(image_ids))).astype(np.int64)


def pretraining_starts(recording: StimulusLFP, window: int, test_ids, stride: int = 1) -> np.ndarray:
    """(k,) int64 window starts for the signal autoencoder: every ``stride``-th start in the recording
    (spontaneous periods included, thesis §4.2) whose window ``[s, s + window)`` overlaps no test-image
    showing's window ``[onset, onset + window)``.
    """
    count = len(recording.lfp) - window + 1
    if window < 1 or count < 1 or stride < 1:
        raise ConfigError(f"window {window} / stride {stride}: no window fits {len(recording.lfp)} samples")
    test_onsets = recording.onsets[showings_of(recording, test_ids)]
    # starts s with onset - window < s < onset + window overlap that showing: mark them with a difference array
    change = np.zeros(count + 1, np.int64)
    np.add.at(change, np.clip(test_onsets - window + 1, 0, count), 1)
    np.add.at(change, np.clip(test_onsets + window, 0, count), -1)
    allowed = np.cumsum(change[:-1]) == 0
    candidates = np.arange(0, count, stride, dtype=np.int64)
    return candidates[allowed[candidates]]


def standardize_windows(windows, epsilon: float = 1e-6):
    """Each (time, channels) window of ``windows`` (batch, time, channels) z-scored over all its values.

    The thesis z-scores every sample with its own mean and std; one mean and std per window (not per
    channel) keeps the laminar amplitude differences between channels. ``epsilon`` (in squared input
    units) keeps flat windows finite (they become zeros). Returns the same shape, in ``keras.ops``.
    """
    from keras import ops  # here, so that the data stage (and lfp.models' import of this module) needs no backend

    mean = ops.mean(windows, axis=(1, 2), keepdims=True)
    variance = ops.mean(ops.square(windows - mean), axis=(1, 2), keepdims=True)
    return (windows - mean) / ops.sqrt(variance + epsilon)


def _integers(values, name: str, source: str) -> np.ndarray:
    array = np.asarray(values)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise RecordingError(f"{source}: '{name}' must hold integers, got {array.dtype}")
    return array.astype(np.int64)


def _require_finite(values: np.ndarray, name: str, source: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        raise RecordingError(
            f"{source}: '{name}' holds {int(bad.sum())} NaN or infinite values (first at {tuple(np.argwhere(bad)[0])})"
        )
