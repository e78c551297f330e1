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
from calciumgan.core.files import atomic_path

logger = logging.getLogger(__name__)

HDF5_SUFFIXES = (".h5", ".hdf5")
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
        rate = float(self.sampling_rate)
        if not np.isfinite(rate) or rate <= 0:
            raise RecordingError(f"{self.source}: sampling_rate must be a positive number of Hz, got {rate}")
        object.__setattr__(self, "sampling_rate", rate)
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


def _checked_matrix(values, name: str, source: str) -> np.ndarray:
    """``values`` as a C-contiguous float32 (T, N) array, or a RecordingError."""
    array = np.asarray(values)
    if array.ndim != 2:
        raise RecordingError(
            f"{source}: '{name}' has {array.ndim} dimensions {array.shape}, expected 2 (time, neurons)"
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise RecordingError(f"{source}: '{name}' is empty, shape {array.shape}")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise RecordingError(f"{source}: '{name}' has non-numeric dtype {array.dtype}")
    array = np.ascontiguousarray(array, dtype=np.float32)
    bad = ~np.isfinite(array)
    if bad.any():
        frame, neuron = np.argwhere(bad)[0]
        raise RecordingError(
            f"{source}: '{name}' holds {int(bad.sum())} NaN or infinite values "
            f"(first at frame {frame}, neuron column {neuron})"
        )
    return array


def load_recording(path) -> Recording:
    """Read a recording from ``.npz`` or ``.h5`` / ``.hdf5`` (layout in the module docstring)."""
    path = pathlib.Path(path)
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
    with archive:
        for name in ("signals", "sampling_rate"):
            if name not in archive.files:
                raise RecordingError(f"{path}: missing '{name}'; {LAYOUT_HINT}")
        fields = {"signals": archive["signals"], "sampling_rate": _scalar(archive["sampling_rate"], path)}
        for name in ("spikes", "neuron_ids"):
            if name in archive.files:
                fields[name] = archive[name]
    return fields


def _read_hdf5(path: pathlib.Path) -> dict:
    try:
        file = h5py.File(path, "r")
    except OSError as error:
        raise RecordingError(f"{path}: not a readable HDF5 file ({error})") from None
    with file:
        if "signals" not in file:
            raise RecordingError(f"{path}: missing dataset 'signals'; {LAYOUT_HINT}")
        if "sampling_rate" not in file.attrs:
            raise RecordingError(f"{path}: missing root attribute 'sampling_rate'; {LAYOUT_HINT}")
        fields = {"signals": file["signals"][()], "sampling_rate": _scalar(file.attrs["sampling_rate"], path)}
        for name in ("spikes", "neuron_ids"):
            if name in file:
                fields[name] = file[name][()]
    return fields


def _scalar(value, path) -> float:
    array = np.asarray(value)
    if array.size != 1 or not np.issubdtype(array.dtype, np.number):
        raise RecordingError(f"{path}: 'sampling_rate' must be one number (Hz), got {array!r}")
    return float(array.reshape(()))


def save_recording(recording: Recording, path) -> pathlib.Path:
    """Write ``recording`` to ``.npz`` or ``.h5`` / ``.hdf5``, atomically."""
    path = pathlib.Path(path)
    arrays = {"signals": recording.signals, "neuron_ids": recording.neuron_ids}
    if recording.spikes is not None:
        arrays["spikes"] = recording.spikes
    with atomic_path(path) as temporary:
        if path.suffix == ".npz":
            with open(temporary, "wb") as handle:
                np.savez(handle, sampling_rate=np.float64(recording.sampling_rate), **arrays)
        elif path.suffix in HDF5_SUFFIXES:
            with h5py.File(temporary, "w") as file:
                file.attrs["sampling_rate"] = recording.sampling_rate
                for name, array in arrays.items():
                    file.create_dataset(name, data=array)
        else:
            raise RecordingError(f"{path}: unknown format '{path.suffix}', expected .npz, .h5 or .hdf5")
    return path
