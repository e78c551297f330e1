"""Train a CalciumGAN.

    python -m calciumgan.train --config demo            # shipped config, built-in data: runs/calciumgan/demo
    python -m calciumgan.train --config day4.yaml --data recordings/day4.h5 --out runs/day4 --seed 2

Re-running with the same ``--out`` resumes from the newest readable checkpoint; a folder where
no checkpoint was written yet starts afresh with the config given. Every input is checked
before anything is written. The backend is TensorFlow unless ``KERAS_BACKEND=jax`` is set.
"""

import dataclasses
import sys

from calciumgan.core.cli import CommandParser, output_folder, run_command
from calciumgan.core.config import shipped_configs_help
from calciumgan.core.folders import CALCIUMGAN


def parse_args(argv=None):
    from calciumgan.config import SHIPPED_CONFIGS  # the schema, without Keras: --help still answers without it

    parser = CommandParser(prog="python -m calciumgan.train", description=__doc__.split("\n")[0],
                           epilog=shipped_configs_help(SHIPPED_CONFIGS))  # fmt: skip
    parser.add_config("listed below")
    parser.add_argument("--data", help="recording to train on instead of the config's data: .npz, .h5, "
                        "a Suite2p plane folder (ΔF/F of its cells) or an .nwb file (data.* keys set how)")  # fmt: skip
    parser.add_out("run folder", CALCIUMGAN.name)
    parser.add_seed("training: weights, noise and batches (default: the config's train.seed)", default=None)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)

    def action():
        from calciumgan.config import load_config
        from calciumgan.experiment import train_experiment

        config = load_config(args.config)
        if args.data:
            config = config.with_data_file(args.data)
        if args.seed is not None:
            config = dataclasses.replace(config, train=dataclasses.replace(config.train, seed=args.seed))
        out = output_folder(args, CALCIUMGAN.name)
        train_experiment(config, out)
        return out

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
