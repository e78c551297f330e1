"""What the autoencoders' command-line tools share: ``--config NAME|FILE`` and ``--out FOLDER``."""

import pathlib

from calciumgan.core.cli import CommandParser, run_command
from calciumgan.core.files import check_output_folder


def config_and_output_command(argv, prog: str, description: str, shipped: str, load, run) -> int:
    """Parse ``--config`` and ``--out`` (default ``runs/<config name>``), then ``run(load(config), out)``.

    The config is read and the output folder checked before any work. ``load`` and ``run`` import
    what they need themselves, so that ``--help`` and argument errors answer without Keras.
    """
    parser = CommandParser(prog=prog, description=description)
    parser.add_argument("--config", required=True, help=f"config file, or a shipped config: {shipped}")
    parser.add_argument("--out", help="output folder (default: runs/<config name>)")
    args = parser.parse_args(argv)

    def action():
        config = load(args.config)
        out = check_output_folder(args.out or pathlib.Path("runs") / pathlib.Path(args.config).stem)
        run(config, out)

    return run_command(action)
