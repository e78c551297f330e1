"""Train the denoising autoencoder on a surrogate and measure its spike-inference gain.

    python -m calciumgan.autoencoders.denoise --config denoise_demo --out runs/denoise-demo

Writes ``config.yaml``, ``scaler.json``, ``denoiser.keras``, ``report.json`` and ``report.md``
into ``--out`` (``calciumgan.autoencoders.denoising``): the held-out block's mean squared error to
the surrogate's clean calcium, noisy against denoised, and the spikes OASIS recovers from each.
"""

import pathlib
import sys

from calciumgan.core.cli import CommandParser, run_command
from calciumgan.core.files import check_output_folder


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m calciumgan.autoencoders.denoise", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="config file, or a shipped config: denoise_demo")
    parser.add_argument("--out", help="output folder (default: runs/<config name>)")
    args = parser.parse_args(argv)

    def action():
        from calciumgan.autoencoders.config import load_denoiser_config
        from calciumgan.autoencoders.denoising import run_denoiser

        config = load_denoiser_config(args.config)
        out = check_output_folder(args.out or pathlib.Path("runs") / pathlib.Path(args.config).stem)
        run_denoiser(config, out, verbose=2)

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
