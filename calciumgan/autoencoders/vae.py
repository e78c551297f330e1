"""Train the VAE baseline generator and score its samples with the GANs' Table 4.3 evaluation.

    python -m calciumgan.autoencoders.vae --config vae_demo --out runs/vae-demo

Writes ``config.yaml``, ``scaler.json``, ``vae.keras``, ``training.json``, ``samples.h5`` and
``evaluation/`` (``report.md``, ``report.json``, figures) into ``--out``
(``calciumgan.autoencoders.vae_baseline``; the model: ``calciumgan.autoencoders.variational``).
"""

import sys

from calciumgan.core.cli import config_and_output_command
from calciumgan.core.folders import VAE


def _load(config_name):
    from calciumgan.autoencoders.config import load_vae_config

    return load_vae_config(config_name)


def _run(config, out) -> None:
    from calciumgan.autoencoders.vae_baseline import run_vae

    run_vae(config, out, verbose=2)


def main(argv=None) -> int:
    return config_and_output_command(argv, "python -m calciumgan.autoencoders.vae", __doc__.split("\n")[0],
                                     "vae_demo", _load, _run, VAE.name)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
