"""Write synthetic traces from a trained run.

    python -m calciumgan.generate --run runs/calciumgan/demo --num-samples 256 --out samples.h5

HDF5 (``.h5``, ``.hdf5``) or NWB (``.nwb``) by the suffix of ``--out``; ``calciumgan.generation``
describes both files. The run is checked and the generator loaded before anything is written; the
file is written under a temporary name and renamed when complete. An existing file is kept unless
``--overwrite``.
"""

import sys

from calciumgan.core.cli import CommandParser, positive_float, positive_int, run_command
from calciumgan.training.sampling import BATCH_SIZE


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m calciumgan.generate", description=__doc__.split("\n")[0])
    parser.add_run("run folder written by calciumgan.train")
    parser.add_argument("--num-samples", type=positive_int, required=True, help="number of windows to generate")
    parser.add_out("output file: HDF5 (.h5 or .hdf5) or NWB (.nwb)", required=True)
    parser.add_seed("the generator's input noise")
    parser.add_argument("--batch-size", type=positive_int, default=BATCH_SIZE, help="samples per generator call")
    parser.add_overwrite()
    parser.add_argument("--truncation", type=positive_float, metavar="T",
                        help="redraw noise components beyond +-T (BigGAN's truncation trick)")  # fmt: skip
    parser.add_argument("--no-average", dest="average", action="store_false",
                        help="sample the generator's last weights, not their moving average")  # fmt: skip
    args = parser.parse_args(argv)

    from calciumgan.generation import generate  # after parsing: --help answers without the model code

    return run_command(lambda: generate(args.run, args.num_samples, args.out, args.seed, args.batch_size,
                                        args.overwrite, args.average, args.truncation))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
