"""Turn a saved array of traces into a recording file that the training tools read.

    python -m calciumgan.prepare --signals F.npy --sampling-rate 24 --neurons-first --out data/day4.h5

``--signals`` is a .npy array of shape (T, N), or (N, T) with ``--neurons-first``
(Suite2p's ``F.npy`` is neurons-first). ``--spikes`` optionally adds spike counts
of the same shape. The output layout is documented in ``calciumgan.data.recording``.
"""

import argparse
import pathlib
import sys

import numpy as np

from calciumgan.core.cli import run_command
from calciumgan.core.errors import RecordingError
from calciumgan.data.recording import Recording, save_recording


def _load_array(path, neurons_first: bool) -> np.ndarray:
    path = pathlib.Path(path)
    if not path.is_file():
        raise RecordingError(f"{path}: no such file")
    try:
        array = np.load(path, allow_pickle=False)
    except ValueError as error:
        raise RecordingError(f"{path}: not a plain .npy array ({error})") from None
    return array.T if neurons_first and array.ndim == 2 else array


def prepare(signals, sampling_rate: float, out, spikes=None, neurons_first: bool = False):
    recording = Recording(
        signals=_load_array(signals, neurons_first),
        sampling_rate=sampling_rate,
        spikes=None if spikes is None else _load_array(spikes, neurons_first),
        source=str(signals),
    )
    recording.report_silent_neurons()
    return save_recording(recording, out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calciumgan.prepare", description=__doc__.split("\n")[0])
    parser.add_argument("--signals", required=True, help=".npy traces, (T, N) or (N, T) with --neurons-first")
    parser.add_argument("--sampling-rate", type=float, required=True, help="frames per second (Hz)")
    parser.add_argument("--out", required=True, help="output .h5 or .npz")
    parser.add_argument("--spikes", help="optional .npy spike counts, same layout as --signals")
    parser.add_argument("--neurons-first", action="store_true", help="arrays are (N, T), as Suite2p's F.npy")
    args = parser.parse_args(argv)
    return run_command(lambda: prepare(args.signals, args.sampling_rate, args.out, args.spikes, args.neurons_first))


if __name__ == "__main__":
    sys.exit(main())
