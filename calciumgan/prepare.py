"""Turn a saved array of traces into a recording file that the training tools read.

    python -m calciumgan.prepare --signals F.npy --sampling-rate 24 --neurons-first --out data/day4.h5

``--signals`` is a .npy array of shape (T, N), or (N, T) with ``--neurons-first``
(Suite2p's ``F.npy`` is neurons-first); an array with fewer frames than neurons is refused
as probably transposed. ``--spikes`` optionally adds spike counts of the same shape.
Recordings are stored as float32: raw fluorescence on a large offset must lose its baseline
first (``--subtract-baseline`` subtracts each neuron's median in float64). The output layout
is documented in ``calciumgan.data.recording``; an existing output is kept unless
``--overwrite``.
"""

import sys

from calciumgan.core.cli import CommandParser, positive_float, run_command
from calciumgan.data.arrays import convert_arrays


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m calciumgan.prepare", description=__doc__.split("\n")[0])
    parser.add_argument("--signals", required=True, help=".npy traces, (T, N) or (N, T) with --neurons-first")
    parser.add_argument("--sampling-rate", type=positive_float, required=True, help="frames per second (Hz)")
    parser.add_argument("--out", required=True, help="output .h5, .hdf5 or .npz")
    parser.add_argument("--spikes", help="optional .npy spike counts, same layout as --signals")
    parser.add_argument("--neurons-first", action="store_true", help="arrays are (N, T), as Suite2p's F.npy")
    parser.add_argument("--subtract-baseline", action="store_true", help="subtract each neuron's median first")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    args = parser.parse_args(argv)
    return run_command(lambda: convert_arrays(args.signals, args.sampling_rate, args.out, args.spikes,
                                              args.neurons_first, args.subtract_baseline, args.overwrite))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
