"""Train the denoising autoencoder on a surrogate and measure its spike-inference gain.

    python -m calciumgan.autoencoders.denoise --config denoise_demo --out runs/denoise-demo

Writes ``config.yaml``, ``scaler.json``, ``denoiser.keras``, ``report.json`` and ``report.md``
into ``--out`` (``calciumgan.autoencoders.denoising``): the held-out block's mean squared error to
the surrogate's clean calcium, noisy against denoised, and the spikes OASIS recovers from each.
"""

import sys

from calciumgan.core.cli import config_and_output_command
from calciumgan.core.folders import DENOISER


def _load(config_name):
    from calciumgan.autoencoders.config import load_denoiser_config

    return load_denoiser_config(config_name)


def _run(config, out) -> None:
    from calciumgan.autoencoders.denoising import run_denoiser

    run_denoiser(config, out, verbose=2)


def main(argv=None) -> int:
    return config_and_output_command(argv, "python -m calciumgan.autoencoders.denoise", __doc__.split("\n")[0],
                                     "denoise_demo", _load, _run, DENOISER.name)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
