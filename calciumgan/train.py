"""Train a CalciumGAN.

    python -m calciumgan.train --config demo            # shipped config, built-in surrogate data
    python -m calciumgan.train --config day4.yaml --data recordings/day4.h5 --out runs/day4

Re-running with the same ``--out`` resumes from the newest readable checkpoint; a folder where
no checkpoint was written yet starts afresh with the config given. Every input is checked
before anything is written. The backend is TensorFlow unless ``KERAS_BACKEND=jax`` is set.
"""

import pathlib
import sys

from calciumgan.core.cli import CommandParser, run_command
from calciumgan.core.config import shipped_configs_help


def parse_args(argv=None):
    from calciumgan.config import SHIPPED_CONFIGS  # the schema, without Keras: --help still answers without it

    parser = CommandParser(prog="python -m calciumgan.train", description=__doc__.split("\n")[0],
                           epilog=shipped_configs_help(SHIPPED_CONFIGS))  # fmt: skip
    parser.add_argument("--config", required=True, help="config file, or a shipped config (listed below)")
    parser.add_argument("--data", help="recording to train on instead of the config's data: .npz, .h5, "
                        "a Suite2p plane folder (ΔF/F of its cells) or an .nwb file (data.* keys set how)")  # fmt: skip
    parser.add_argument("--out", help="run folder (default: runs/<config name>)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)

    def action():
        from calciumgan.config import load_config
        from calciumgan.experiment import train_experiment

        config = load_config(args.config)
        if args.data:
            config = config.with_data_file(args.data)
        out = args.out or pathlib.Path("runs") / pathlib.Path(args.config).stem
        train_experiment(config, out)
        return out

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
