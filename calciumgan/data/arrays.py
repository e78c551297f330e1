"""Turn saved NumPy arrays of traces into a recording file that the training tools read."""

import pathlib

import numpy as np

from calciumgan.core.errors import RecordingError
from calciumgan.data.recording import Recording, save_recording


def load_array(path, neurons_first: bool = False) -> np.ndarray:
    """A plain ``.npy`` array (no pickles), transposed to (T, N) when it is stored (N, T)."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise RecordingError(f"{path}: no such file")
    try:
        array = np.load(path, allow_pickle=False)
    except ValueError as error:
        raise RecordingError(f"{path}: not a plain .npy array ({error})") from None
    return array.T if neurons_first and array.ndim == 2 else array


def convert_arrays(signals, sampling_rate: float, out, spikes=None, neurons_first: bool = False) -> pathlib.Path:
    """Write the ``.npy`` traces ``signals`` (and optional ``spikes``) as a recording file ``out``."""
    recording = Recording(
        signals=load_array(signals, neurons_first),
        sampling_rate=sampling_rate,
        spikes=None if spikes is None else load_array(spikes, neurons_first),
        source=str(signals),
    )
    recording.report_silent_neurons()
    return save_recording(recording, out)
