"""The two inputs of a comparison (``--real`` / ``--synthetic``, or arrays): samples or a recording.

Each input holds either samples (K, T, N) (e.g. the output of ``calciumgan.generate``) or one
recording (T, N), which is cut into evenly spaced windows of the other input's length T. At
least one of the two must hold samples, and both must share the sampling rate (Hz) and the
number of neurons N. Traces are in any units, the same for both inputs.
"""

import dataclasses
import pathlib

import h5py
import numpy as np

from calciumgan.config import EvaluateConfig
from calciumgan.core.errors import RecordingError
from calciumgan.data.recording import HDF5_SUFFIXES, Recording, load_recording
from calciumgan.data.split import evenly_spaced_starts
from calciumgan.evaluation.workers import infer_spikes_hdf5, infer_spikes_parallel


def windows_at(signals: np.ndarray, starts: np.ndarray, window: int) -> np.ndarray:
    """(len(starts), window, N) windows of (T, N) ``signals`` beginning at frames ``starts``."""
    return np.stack([signals[start : start + window] for start in starts])


def evenly_spaced_windows(signals: np.ndarray, window: int, count: int) -> np.ndarray:
    """Up to ``count`` distinct windows (k, window, N) with evenly spaced starts over (T, N) signals."""
    return windows_at(signals, evenly_spaced_starts(len(signals), window, count), window)


@dataclasses.dataclass(frozen=True)
class TraceFile:
    """One input: samples (K, T, N) or one recording (T, N), from a file or an array.

    ``samples_shape`` is (K, T, N) for samples and ``None`` for a recording, whose (T, N)
    traces are in ``recording``. Samples of an HDF5 file (``path`` set) are read in chunks,
    never whole; samples given as an array are in ``samples``. ``name`` (a path, or a
    description of an array) names the input in messages.
    """

    name: str
    sampling_rate: float
    neuron_ids: np.ndarray
    samples_shape: tuple | None = None
    recording: np.ndarray | None = None
    samples: np.ndarray | None = None
    path: pathlib.Path | None = None

    @classmethod
    def open(cls, path) -> "TraceFile":
        """A samples file (HDF5 ``signals`` (K, T, N), root attribute ``sampling_rate``) or a recording file."""
        name, path = str(path), pathlib.Path(path)
        if path.suffix in HDF5_SUFFIXES and path.is_file():
            with h5py.File(path, "r") as file:
                if "signals" in file and file["signals"].ndim == 3:
                    if "sampling_rate" not in file.attrs:
                        raise RecordingError(f"{path}: missing root attribute 'sampling_rate'")
                    shape = file["signals"].shape
                    ids = np.asarray(file.attrs.get("neuron_ids", np.arange(shape[2])))
                    return cls(name, float(file.attrs["sampling_rate"]), ids, samples_shape=shape, path=path)
        recording = load_recording(path)
        return cls(name, recording.sampling_rate, recording.neuron_ids, recording=recording.signals)

    @classmethod
    def of_array(cls, traces, sampling_rate: float, name: str) -> "TraceFile":
        """Samples (K, T, N) or a recording (T, N) held in memory, checked as a recording file is."""
        array = np.asarray(traces)
        name = f"{name} traces {array.shape}"
        if array.ndim == 2:
            recording = Recording(array, sampling_rate, source=name)
            return cls(name, recording.sampling_rate, recording.neuron_ids, recording=recording.signals)
        if array.ndim != 3 or 0 in array.shape:
            raise RecordingError(f"{name}: expected samples (K, T, N) or one recording (T, N)")
        if not np.issubdtype(array.dtype, np.number) or not np.isfinite(array).all():
            raise RecordingError(f"{name}: samples must be finite numbers, got dtype {array.dtype}")
        rate = float(sampling_rate)
        if not np.isfinite(rate) or rate <= 0:
            raise RecordingError(f"{name}: sampling_rate must be a positive number of Hz, got {rate}")
        return cls(name, rate, np.arange(array.shape[2]), samples_shape=array.shape, samples=array)

    def first_samples(self, count: int, window: int) -> np.ndarray:
        """The first ``count`` samples (count, window, N): the input's own, or cut from the recording."""
        if self.recording is not None:
            return evenly_spaced_windows(self.recording, window, count)
        if self.path is None:
            return self.samples[:count]
        with h5py.File(self.path, "r") as file:
            return file["signals"][:count]

    def spikes(self, count: int, window: int, config: EvaluateConfig, out: pathlib.Path | None) -> np.ndarray:
        """Spike counts (count, window, N) of :meth:`first_samples`.

        A samples file streams through OASIS chunk by chunk, all its samples, into
        ``out/<stem>_spikes.h5``; other inputs are inferred in memory and write nothing.
        """
        settings = config.spike_settings()
        if self.path is None:
            return infer_spikes_parallel(self.first_samples(count, window), settings, config.workers)
        spikes_path = infer_spikes_hdf5(self.path, "signals", out / f"{self.path.stem}_spikes.h5", settings,
                                        workers=config.workers)  # fmt: skip
        with h5py.File(spikes_path, "r") as file:
            return file["spikes"][:count]


def common_shape(real: TraceFile, synthetic: TraceFile, num_samples: int) -> tuple[int, int, int]:
    """(count, window, N) of the samples to compare: at most ``num_samples`` and the inputs' K.

    Raises a one-line :class:`RecordingError` naming both inputs where they cannot be compared.
    """
    if real.sampling_rate != synthetic.sampling_rate:
        raise RecordingError(f"{synthetic.name}: sampling rate {synthetic.sampling_rate} Hz, "
                             f"{real.name} has {real.sampling_rate} Hz")  # fmt: skip
    shapes = [trace.samples_shape for trace in (real, synthetic) if trace.samples_shape]
    if not shapes:
        raise RecordingError(f"{synthetic.name}: one of the two inputs must hold samples (K, T, N)")
    window, neurons = shapes[0][1:]
    if any(shape[1:] != (window, neurons) for shape in shapes) or any(
        trace.recording is not None and (trace.recording.shape[1] != neurons or len(trace.recording) < window)
        for trace in (real, synthetic)
    ):
        raise RecordingError(f"{synthetic.name}: its samples or neurons do not match those of {real.name}")
    return min([num_samples] + [shape[0] for shape in shapes]), window, neurons
