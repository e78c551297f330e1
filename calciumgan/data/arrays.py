"""Turn saved NumPy arrays of traces, a Suite2p folder or an NWB file into a recording file that the training
tools read."""

import logging
import pathlib

import numpy as np

from calciumgan.core.errors import RecordingError
from calciumgan.core.files import check_output_file
from calciumgan.data.readers import RECORDING_SUFFIXES, ReaderSettings, read_recording
from calciumgan.data.recording import Recording, save_recording

logger = logging.getLogger(__name__)


def load_array(path, neurons_first: bool = False) -> np.ndarray:
    """A plain ``.npy`` array (no pickles), transposed to (T, N) when it is stored (N, T)."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise RecordingError(f"{path}: no such file")
    try:
        array = np.load(path, allow_pickle=False)
    except ValueError as error:
        raise RecordingError(f"{path}: not a plain .npy array ({error})") from None
    if not isinstance(array, np.ndarray):
        array.close()
        raise RecordingError(f"{path}: a .npz archive; give one .npy array (np.save), or train on the archive "
                             "directly with --data if it holds 'signals' and 'sampling_rate'")  # fmt: skip
    return array.T if neurons_first and array.ndim == 2 else array


def check_orientation(signals: np.ndarray, path, neurons_first: bool, frames_first: bool = False) -> None:
    """Refuse a (T, N) reading whose layout is in doubt: fewer frames than neurons (almost surely the other
    way round) unless ``frames_first`` says so, and as many frames as neurons unless a layout was given."""
    if signals.ndim != 2 or frames_first:
        return
    frames, neurons = signals.shape
    if frames == neurons and not neurons_first:
        raise RecordingError(f"{path}: {frames} x {neurons} has as many frames as neurons, so its layout cannot be "
                             "told; pass --frames-first if it is (frames, neurons) or --neurons-first if it is "
                             "(neurons, frames)")  # fmt: skip
    if frames < neurons:
        advice = ("drop --neurons-first if it is stored (frames, neurons)" if neurons_first else
                  "if it is stored (neurons, frames), as Suite2p's F.npy, pass --neurons-first; if it really is "
                  "(frames, neurons), pass --frames-first")  # fmt: skip
        raise RecordingError(f"{path}: reads as {frames} frames x {neurons} neurons, fewer frames than neurons; "
                             f"{advice}")  # fmt: skip


def subtract_baseline(signals: np.ndarray) -> np.ndarray:
    """(T, N) traces minus each neuron's median, computed in float64 so that no precision is lost."""
    signals = np.asarray(signals, dtype=np.float64)
    return signals - np.median(signals, axis=0)


def convert_arrays(signals, sampling_rate: float, out, spikes=None, neurons_first: bool = False,
                   baseline: bool = False, overwrite: bool = False,
                   frames_first: bool = False) -> pathlib.Path:  # fmt: skip
    """Write the ``.npy`` traces ``signals`` (and optional ``spikes``) as a recording file ``out``.

    ``baseline`` subtracts each neuron's median first (for raw fluorescence on a large offset,
    which float32 would otherwise quantise). ``out`` must not exist unless ``overwrite``.
    ``neurons_first`` / ``frames_first`` state the arrays' layout (``check_orientation``).
    """
    out = check_output_file(out, RECORDING_SUFFIXES, overwrite)
    traces = load_array(signals, neurons_first)
    check_orientation(traces, signals, neurons_first, frames_first)
    if baseline and traces.ndim == 2 and np.issubdtype(traces.dtype, np.number):
        traces = subtract_baseline(traces)
    recording = Recording(
        signals=traces,
        sampling_rate=sampling_rate,
        spikes=None if spikes is None else load_array(spikes, neurons_first),
        source=str(signals),
    )
    recording.report_silent_neurons()
    return save_recording(recording, out)


RATE_TOLERANCE = 1e-3  # largest relative difference between a given sampling rate and a file's own


def convert_recording(source, out, settings: ReaderSettings, sampling_rate: float | None = None,
                      overwrite: bool = False) -> pathlib.Path:  # fmt: skip
    """Write the Suite2p folder or NWB file ``source``, read with ``settings``, as a recording file ``out``.

    ``sampling_rate`` (Hz), when given, must agree with the source's own rate. ``out`` must not
    exist unless ``overwrite``.
    """
    out = check_output_file(out, RECORDING_SUFFIXES, overwrite)
    recording = read_recording(source, settings)
    if sampling_rate is not None and abs(sampling_rate - recording.sampling_rate) > RATE_TOLERANCE * sampling_rate:
        raise RecordingError(f"{recording.source}: its frame rate is {recording.sampling_rate:g} Hz, --sampling-rate "
                             f"says {sampling_rate:g} Hz; drop --sampling-rate to use the file's rate")  # fmt: skip
    recording.report_silent_neurons()
    return save_recording(recording, out)
