"""The ``Recording`` value and its .npz / HDF5 readers and writers.

File layout (the same names in both formats):

=============== ========= ==================================================
name            shape     meaning
=============== ========= ==================================================
``signals``     (T, N)    fluorescence traces, any units, stored as float32
``spikes``      (T, N)    optional spike counts per frame (ground truth)
``neuron_ids``  (N,)      optional integer ids; default ``0 .. N-1``
``sampling_rate`` scalar  frames per second (Hz); an attribute of the root
                          group in HDF5, a 0-d array in .npz
=============== ========= ==================================================
"""

import dataclasses
import logging
import pathlib

import h5py
import numpy as np

from calciumgan.core.errors import RecordingError
from calciumgan.core.files import HDF5_SUFFIXES, atomic_hdf5, atomic_path, open_hdf5
from calciumgan.core.values import check_real_numbers, checked_sampling_rate

logger = logging.getLogger(__name__)

FIELDS = ("signals", "spikes", "neuron_ids", "sampling_rate")  # sampling_rate last: an HDF5 attribute
LAYOUT_HINT = (
    "expected 'signals' (T, N), optional 'spikes' (T, N) and 'neuron_ids' (N,), "
    "and 'sampling_rate' in Hz"
)


@dataclasses.dataclass(frozen=True, eq=False)
class Recording:
    """Traces of N neurons over T frames, validated on construction.

    Attributes:
        signals: (T, N) float32 traces.
        sampling_rate: frames per second (Hz).
        spikes: optional (T, N) float32 spike counts per frame.
        neuron_ids: (N,) int64 ids, ``0 .. N-1`` when not given.
        source: where the data came from (a path or a surrogate name), used in messages.
    """

    signals: np.ndarray
    sampling_rate: float
    spikes: np.ndarray | None = None
    neuron_ids: np.ndarray | None = None
    source: str = "<array>"

    def __post_init__(self):
        # A frozen dataclass normalises its own fields through object.__setattr__.
        signals = _checked_matrix(self.signals, "signals", self.source)
        object.__setattr__(self, "signals", signals)
        object.__setattr__(self, "sampling_rate", checked_sampling_rate(self.sampling_rate, self.source))
        if self.spikes is not None:
            spikes = _checked_matrix(self.spikes, "spikes", self.source)
            if spikes.shape != signals.shape:
                raise RecordingError(
                    f"{self.source}: 'spikes' has shape {spikes.shape}, 'signals' has {signals.shape}"
                )
            if (spikes < 0).any():
                raise RecordingError(f"{self.source}: 'spikes' holds negative counts")
            object.__setattr__(self, "spikes", spikes)
        ids = np.arange(signals.shape[1]) if self.neuron_ids is None else np.asarray(self.neuron_ids)
        if ids.shape != (signals.shape[1],) or not np.issubdtype(ids.dtype, np.integer):
            raise RecordingError(
                f"{self.source}: 'neuron_ids' must be {signals.shape[1]} integers, got {ids.dtype} {ids.shape}"
            )
        if len(np.unique(ids)) != len(ids):
            raise RecordingError(f"{self.source}: 'neuron_ids' holds duplicates")
        object.__setattr__(self, "neuron_ids", ids.astype(np.int64))

    @property
    def num_frames(self) -> int:
        return self.signals.shape[0]

    @property
    def num_neurons(self) -> int:
        return self.signals.shape[1]

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.num_frames / self.sampling_rate

    def silent_neurons(self) -> np.ndarray:
        """Column indices of neurons whose trace is constant over the whole recording."""
        return np.flatnonzero(self.signals.max(axis=0) == self.signals.min(axis=0))

    def frames(self, start: int, stop: int) -> "Recording":
        """The block of frames ``[start, stop)`` as a new recording (arrays are views)."""
        return Recording(
            signals=self.signals[start:stop],
            sampling_rate=self.sampling_rate,
            spikes=None if self.spikes is None else self.spikes[start:stop],
            neuron_ids=self.neuron_ids,
            source=f"{self.source}[{start}:{stop}]",
        )

    def report_silent_neurons(self) -> None:
        """Log a warning naming constant neurons; they stay in the data."""
        silent = self.silent_neurons()
        if len(silent):
            logger.warning(
                "%s: %d of %d neurons are constant (silent) and are kept: ids %s",
                self.source,
                len(silent),
                self.num_neurons,
                self.neuron_ids[silent].tolist(),
            )


def first_non_finite(values: np.ndarray, name: str, source: str, where: str = "frame {}, neuron column {}") -> None:
    """A one-line ``RecordingError`` locating the first NaN or infinite value of ``values``, if any."""
    bad = ~np.isfinite(values)
    if bad.any():
        location = where.format(*np.argwhere(bad)[0])
        raise RecordingError(f"{source}: '{name}' holds {int(bad.sum())} NaN or infinite values (first at {location})")


def _checked_matrix(values, name: str, source: str) -> np.ndarray:
    """``values`` as a C-contiguous float32 (T, N) array, or a RecordingError.

    Values beyond float32's range, and neurons whose trace float32 would resolve in fewer than
    ``MIN_FLOAT32_LEVELS`` steps (a large baseline under a small signal), are refused.
    """
    array = np.asarray(values)
    if array.ndim != 2:
        raise RecordingError(
            f"{source}: '{name}' has {array.ndim} dimensions {array.shape}, expected 2 (time, neurons)"
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise RecordingError(f"{source}: '{name}' is empty, shape {array.shape}")
    check_real_numbers(array.dtype, name, source)
    first_non_finite(array, name, source)
    if array.dtype.itemsize > 4 or array.dtype.kind in "iu":
        _check_float32_precision(array, name, source)
    return np.ascontiguousarray(array, dtype=np.float32)


MIN_FLOAT32_LEVELS = 1024  # float32 steps a neuron's range must span for its trace to survive the cast


def _check_float32_precision(array: np.ndarray, name: str, source: str) -> None:
    """Refuse (T, N) values that float32 cannot hold, or would quantise to a few levels per neuron."""
    largest = np.finfo(np.float32).max
    beyond = np.abs(array) > largest
    if beyond.any():
        frame, neuron = np.argwhere(beyond)[0]
        raise RecordingError(f"{source}: '{name}' holds {int(beyond.sum())} values beyond the float32 range "
                             f"(+-{largest:.3g}), first at frame {frame}, neuron column {neuron}")  # fmt: skip
    low, high = array.min(axis=0).astype(np.float64), array.max(axis=0).astype(np.float64)
    step = np.spacing(np.maximum(np.abs(low), np.abs(high)).astype(np.float32)).astype(np.float64)
    levels = (high - low) / step
    coarse = np.flatnonzero((high > low) & (levels < MIN_FLOAT32_LEVELS))
    if len(coarse):
        neuron = coarse[0]
        raise RecordingError(
            f"{source}: '{name}' of neuron column {neuron} spans {high[neuron] - low[neuron]:.4g} on a baseline of "
            f"{low[neuron]:.4g}, which float32 (the stored precision) resolves in only {int(levels[neuron])} steps "
            f"({len(coarse)} neurons affected); subtract each neuron's baseline first, e.g. "
            "python -m calciumgan.prepare --subtract-baseline"
        )


def load_recording(path) -> Recording:
    """Read a recording from ``.npz`` or ``.h5`` / ``.hdf5`` (layout in the module docstring)."""
    path = pathlib.Path(path)
    if path.is_dir():
        raise RecordingError(f"{path}: is a folder, not a recording file")
    if not path.is_file():
        raise RecordingError(f"{path}: no such file")
    if path.suffix == ".npz":
        fields = _read_npz(path)
    elif path.suffix in HDF5_SUFFIXES:
        fields = _read_hdf5(path)
    else:
        raise RecordingError(f"{path}: unknown format '{path.suffix}', expected .npz, .h5 or .hdf5")
    return Recording(source=str(path), **fields)


def _read_npz(path: pathlib.Path) -> dict:
    try:
        archive = np.load(path, allow_pickle=False)
    except Exception as error:  # numpy raises several types for corrupt archives
        raise RecordingError(f"{path}: not a readable .npz archive ({error})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise RecordingError(f"{path}: a single .npy array, not a .npz archive of named arrays; {LAYOUT_HINT}")
    with archive:
        for name in ("signals", "sampling_rate"):
            if name not in archive.files:
                raise RecordingError(f"{path}: missing '{name}'; {LAYOUT_HINT}")
        return {name: _npz_array(archive, name, path) for name in FIELDS if name in archive.files}


def _npz_array(archive, name: str, path: pathlib.Path) -> np.ndarray:
    try:
        return archive[name]
    except ValueError as error:  # an object array: reading it would unpickle Python objects
        raise RecordingError(f"{path}: '{name}' cannot be read as a numeric array ({error})") from None
    except Exception as error:  # a damaged member of the zip archive
        raise RecordingError(f"{path}: '{name}' is damaged ({type(error).__name__}: {error})") from None


def _read_hdf5(path: pathlib.Path) -> dict:
    with open_hdf5(path) as file:
        if "signals" not in file:
            raise RecordingError(f"{path}: missing dataset 'signals'; {LAYOUT_HINT}")
        if "sampling_rate" not in file.attrs:
            raise RecordingError(f"{path}: missing root attribute 'sampling_rate'; {LAYOUT_HINT}")
        fields = {name: hdf5_dataset(file, name, path)[()] for name in FIELDS[:-1] if name in file}
        fields["sampling_rate"] = file.attrs["sampling_rate"]
    return fields


def hdf5_dataset(file: h5py.File, name: str, path) -> h5py.Dataset:
    """``file[name]`` if it is a dataset; a one-line ``RecordingError`` if it is a group or cannot be read."""
    try:
        item = file[name]
    except Exception as error:  # h5py raises KeyError, OSError or RuntimeError for damaged objects
        raise RecordingError(f"{path}: '{name}' cannot be read ({error})") from None
    if not isinstance(item, h5py.Dataset):
        raise RecordingError(f"{path}: '{name}' is a group, expected a dataset; {LAYOUT_HINT}")
    return item


def save_recording(recording: Recording, path) -> pathlib.Path:
    """Write ``recording`` to ``.npz`` or ``.h5`` / ``.hdf5``, atomically."""
    path = pathlib.Path(path)
    arrays = {"signals": recording.signals, "neuron_ids": recording.neuron_ids}
    if recording.spikes is not None:
        arrays["spikes"] = recording.spikes
    if path.suffix == ".npz":
        with atomic_path(path) as temporary, open(temporary, "wb") as handle:
            np.savez(handle, sampling_rate=np.float64(recording.sampling_rate), **arrays)
    elif path.suffix in HDF5_SUFFIXES:
        with atomic_hdf5(path) as file:
            file.attrs["sampling_rate"] = recording.sampling_rate
            for name, array in arrays.items():
                file.create_dataset(name, data=array)
    else:
        raise RecordingError(f"{path}: unknown format '{path.suffix}', expected .npz, .h5 or .hdf5")
    return path
