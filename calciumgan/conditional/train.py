"""Train the auxiliary-classifier conditional GAN on labelled surrogate windows and write per-label samples.

    python -m calciumgan.conditional.train --config acgan_demo --out runs/acgan-demo

Writes ``config.yaml``, ``scaler.json``, checkpoints, logs, ``generator.keras``,
``critic.keras``, ``metrics.json``, ``samples.h5`` (``signals`` and ``labels``) and
``conditioning.json`` (each label's samples against each label's held-out real windows) into
``--out``; running the same command again resumes from the newest checkpoint
(``calciumgan.conditional.acgan``).
"""

import sys

from calciumgan.core.cli import config_and_output_command
from calciumgan.core.folders import CONDITIONAL


def _load(config_name):
    from calciumgan.conditional.config import load_conditional_config

    return load_conditional_config(config_name)


def _run(config, out) -> None:
    from calciumgan.conditional.acgan import train_acgan

    train_acgan(config, out)


def main(argv=None) -> int:
    return config_and_output_command(argv, "python -m calciumgan.conditional.train", __doc__.split("\n")[0],
                                     "acgan_demo", _load, _run, CONDITIONAL.name, out_name="run folder")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
