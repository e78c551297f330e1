"""Train the auxiliary-classifier conditional GAN on labelled surrogate windows and write per-label samples.

    python -m calciumgan.conditional.train --config acgan_demo --out runs/acgan-demo

Writes ``config.yaml``, ``scaler.json``, checkpoints, logs, ``generator.keras``,
``critic.keras``, ``metrics.json``, ``samples.h5`` (``signals`` and ``labels``) and
``conditioning.json`` (each label's samples against each label's held-out real windows) into
``--out``; running the same command again resumes from the newest checkpoint
(``calciumgan.conditional.acgan``).
"""

import pathlib
import sys

from calciumgan.core.cli import CommandParser, run_command
from calciumgan.core.files import check_output_folder


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m calciumgan.conditional.train", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="config file, or a shipped config: acgan_demo")
    parser.add_argument("--out", help="run folder (default: runs/<config name>)")
    args = parser.parse_args(argv)

    def action():
        from calciumgan.conditional.acgan import train_acgan
        from calciumgan.conditional.config import load_conditional_config

        config = load_conditional_config(args.config)
        out = check_output_folder(args.out or pathlib.Path("runs") / pathlib.Path(args.config).stem)
        train_acgan(config, out)

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
