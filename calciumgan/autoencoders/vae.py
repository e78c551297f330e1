"""Train the VAE baseline generator and score its samples with the GANs' Table 4.3 evaluation.

    python -m calciumgan.autoencoders.vae --config vae_demo --out runs/vae-demo

Writes ``config.yaml``, ``scaler.json``, ``vae.keras``, ``training.json``, ``samples.h5`` and
``evaluation/`` (``report.md``, ``report.json``, figures) into ``--out``
(``calciumgan.autoencoders.vae_baseline``; the model: ``calciumgan.autoencoders.variational``).
"""

import pathlib
import sys

from calciumgan.core.cli import CommandParser, run_command
from calciumgan.core.files import check_output_folder


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m calciumgan.autoencoders.vae", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="config file, or a shipped config: vae_demo")
    parser.add_argument("--out", help="output folder (default: runs/<config name>)")
    args = parser.parse_args(argv)

    def action():
        from calciumgan.autoencoders.config import load_vae_config
        from calciumgan.autoencoders.vae_baseline import run_vae

        config = load_vae_config(args.config)
        out = check_output_folder(args.out or pathlib.Path("runs") / pathlib.Path(args.config).stem)
        run_vae(config, out, verbose=2)

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
