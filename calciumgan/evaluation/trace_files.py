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

from calciumgan.core.errors import RecordingError
from calciumgan.core.samples import SUFFIXES, SamplesFile, check_samples_shape, open_samples
from calciumgan.core.values import checked_sampling_rate
from calciumgan.data.readers import read_recording
from calciumgan.data.recording import Recording, first_non_finite
from calciumgan.data.split import evenly_spaced_starts
from calciumgan.evaluation.inference import SpikeInferenceSettings
from calciumgan.evaluation.scoring import window_blocks
from calciumgan.evaluation.settings import EvaluateConfig
from calciumgan.evaluation.statistics import frame_bins
from calciumgan.evaluation.workers import infer_spikes_hdf5, infer_spikes_parallel

SAMPLE_LOCATION = "sample {}, frame {}, neuron column {}"
SCAN_CHUNK = 256  # samples read at a time when checking a samples file
MIN_CORRELATION_BINS = 2  # a correlation needs at least two bins per sample


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
    never whole; samples given as an array, or as an NWB samples file, are in ``samples``.
    ``name`` (a path, or a description of an array) names the input in messages.
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
        """A samples file (``calciumgan.core.samples``, HDF5 or NWB) or a recording: a file, a Suite2p folder or
        an NWB file, read with the default ``ReaderSettings`` (ΔF/F of the cells)."""
        path = pathlib.Path(path)
        samples = open_samples(path) if path.suffix in SUFFIXES and path.is_file() else None
        if samples is not None:
            return cls.of_samples_file(samples)
        recording = read_recording(path)
        return cls(str(path), recording.sampling_rate, recording.neuron_ids, recording=recording.signals)

    @classmethod
    def of_samples_file(cls, file: SamplesFile) -> "TraceFile":
        """The samples of ``file``, checked chunk by chunk; those of HDF5 files stay on disk, NWB ones are read."""
        if file.end_to_end:  # NWB: read whole once, then checked
            samples = file.read()
            first_non_finite(samples, "signals", file.path, SAMPLE_LOCATION)
            return cls(str(file.path), file.sampling_rate, file.ids, samples_shape=samples.shape, samples=samples)
        for start in range(0, file.shape[0], SCAN_CHUNK):
            try:
                first_non_finite(file.read(start, start + SCAN_CHUNK), "signals", file.path, SAMPLE_LOCATION)
            except RecordingError as error:
                raise RecordingError(f"{error} (samples from {start})") from None
        return cls(str(file.path), file.sampling_rate, file.ids, samples_shape=file.shape, path=file.path)

    @classmethod
    def of_array(cls, traces, sampling_rate: float, name: str) -> "TraceFile":
        """Samples (K, T, N) or a recording (T, N) held in memory, checked as a recording file is."""
        array = np.asarray(traces)
        name = f"{name} traces {array.shape}"
        if array.ndim == 2:
            recording = Recording(array, sampling_rate, source=name)
            return cls(name, recording.sampling_rate, recording.neuron_ids, recording=recording.signals)
        check_samples_shape(array.shape, array.dtype, name)
        first_non_finite(array, "signals", name, SAMPLE_LOCATION)
        rate = checked_sampling_rate(sampling_rate, name)
        return cls(name, rate, np.arange(array.shape[2]), samples_shape=array.shape, samples=array)

    def first_samples(self, count: int, window: int) -> np.ndarray:
        """The first ``count`` samples (count, window, N): the input's own, or cut from the recording."""
        if self.recording is not None:
            return evenly_spaced_windows(self.recording, window, count)
        if self.path is None:
            return self.samples[:count]
        with h5py.File(self.path, "r") as file:
            return file["signals"][:count]

    def positions(self, count: int, window: int) -> np.ndarray | None:
        """(count,) start frames of :meth:`first_samples` cut from a recording; ``None`` for samples."""
        return None if self.recording is None else evenly_spaced_starts(len(self.recording), window, count)

    def blocks(self, count: int, window: int) -> np.ndarray:
        """(count,) bootstrap block of each of :meth:`first_samples`: by start frame for windows of a
        recording (overlapping windows share blocks), one per sample for samples."""
        positions = self.positions(count, window)
        return np.arange(count) if positions is None else window_blocks(positions, window)

    def training_traces(self, count: int, window: int) -> np.ndarray:
        """(T, N) traces to fit a calibration on: the recording, or the first ``count`` samples end to end."""
        if self.recording is not None:
            return self.recording
        samples = self.first_samples(count, window)
        return samples.reshape(-1, samples.shape[-1])

    def spikes(self, count: int, window: int, settings: SpikeInferenceSettings, workers: int | None,
               out: pathlib.Path | None, progress: bool = True, scheduler: str | None = None) -> np.ndarray:  # fmt: skip
        """Spike counts (count, window, N) of :meth:`first_samples`, inferred in ``workers`` processes or as
        tasks of the Dask ``scheduler`` (``workers.task_executor``).

        A samples file streams through OASIS chunk by chunk, all its samples, into
        ``out/<stem>_spikes.h5``; other inputs are inferred in memory and write nothing.
        """
        label = f"spikes of {self.path.name if self.path else self.name}"
        if self.path is None:
            return infer_spikes_parallel(self.first_samples(count, window), settings, workers, progress=progress,
                                         label=label, scheduler=scheduler)  # fmt: skip
        spikes_path = infer_spikes_hdf5(self.path, "signals", out / f"{self.path.stem}_spikes.h5", settings,
                                        workers=workers, progress=progress, label=label,
                                        scheduler=scheduler)  # fmt: skip
        with h5py.File(spikes_path, "r") as file:
            return file["spikes"][:count]


def check_sample_shape(window: int, neurons: int, sampling_rate: float, config: EvaluateConfig, name: str) -> None:
    """A one-line ``RecordingError`` if samples of ``window`` frames x ``neurons`` are too small for the statistics.

    Correlations and van Rossum distances are between pairs of neurons; correlations need at
    least two whole bins of ``config.correlation_bin_width`` seconds, counted as Elephant bins them.
    """
    if neurons < 2:
        raise RecordingError(f"{name}: samples of {neurons} neuron; the pairwise statistics (correlations, "
                             "van Rossum distances) need at least 2")  # fmt: skip
    width = config.correlation_bin_width
    try:
        bins = frame_bins(window, sampling_rate, width)[1]
    except ValueError:
        bins = 0
    if bins < MIN_CORRELATION_BINS:
        needed = int(np.ceil(MIN_CORRELATION_BINS * width * sampling_rate))
        raise RecordingError(f"{name}: samples of {window} frames ({window / sampling_rate:.3g} s at {sampling_rate:g} "
                             f"Hz) hold {bins} bins of evaluate.correlation_bin_width {width} s; the statistics need "
                             f"{MIN_CORRELATION_BINS} bins, at least {needed} frames")  # fmt: skip


def common_shape(real: TraceFile, synthetic: TraceFile, config: EvaluateConfig) -> tuple[int, int, int]:
    """(count, window, N) of the samples to compare: at most ``config.num_samples`` and the inputs' K.

    Raises a one-line :class:`RecordingError` naming the inputs where they cannot be compared.
    """
    if real.sampling_rate != synthetic.sampling_rate:
        raise RecordingError(f"{synthetic.name}: sampling rate {synthetic.sampling_rate} Hz, "
                             f"{real.name} has {real.sampling_rate} Hz")  # fmt: skip
    holders = [trace for trace in (real, synthetic) if trace.samples_shape]
    if not holders:
        raise RecordingError(f"{synthetic.name}: one of the two inputs must hold samples (K, T, N); both are "
                             "recordings")  # fmt: skip
    window, neurons = holders[0].samples_shape[1:]
    for trace in (real, synthetic):
        if trace.samples_shape and trace.samples_shape[1:] != (window, neurons):
            frames, count = trace.samples_shape[1:]
            raise RecordingError(f"{trace.name}: samples of {frames} frames x {count} neurons, "
                                 f"{holders[0].name} has {window} x {neurons}")  # fmt: skip
        if trace.recording is not None and trace.recording.shape[1] != neurons:
            raise RecordingError(f"{trace.name}: {trace.recording.shape[1]} neurons, the samples of "
                                 f"{holders[0].name} have {neurons}")  # fmt: skip
        if trace.recording is not None and len(trace.recording) < window:
            raise RecordingError(f"{trace.name}: its {len(trace.recording)} frames are fewer than the {window} "
                                 f"frames of one sample of {holders[0].name}")  # fmt: skip
    check_sample_shape(window, neurons, real.sampling_rate, config, holders[0].name)
    return min([config.num_samples] + [trace.samples_shape[0] for trace in holders]), window, neurons
