"""Write generated LFP windows of a trained LFP GAN, one per showing of the chosen images.

    python -m lfp.generate --run runs/lfp/demo --init pretrained --images test --out test.h5

The file is an HDF5 or NWB samples file, by its suffix (``lfp.sampling.generate`` lists what it
holds). Everything is checked before it is written (under a temporary name, renamed when
complete); an existing file is kept unless ``--overwrite``.
"""

import sys

from calciumgan.core.cli import CommandParser, run_command
from lfp.sampling import IMAGE_SETS


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m lfp.generate", description=__doc__.split("\n")[0])
    parser.add_run("experiment folder written by lfp.pretrain / lfp.train")
    parser.add_argument("--init", choices=("pretrained", "scratch"), default="pretrained", help="which GAN run")
    parser.add_argument("--images", choices=IMAGE_SETS, default="test", help="showings of which images")
    parser.add_out("output samples file: HDF5 (.h5, .hdf5) or NWB (.nwb)", required=True)
    parser.add_seed("the generator's input noise")
    parser.add_overwrite()
    args = parser.parse_args(argv)

    def action():
        from lfp.sampling import generate

        generate(args.run, args.out, args.init, args.images, args.seed, args.overwrite)
        return args.out

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
