"""The latent-code experiment's command line: train the generator, decode responses, search for a neuron.

    python -m mei.latent train --config demo --out runs/mei-latent-demo
    python -m mei.latent decode --config demo --out runs/mei-latent-demo
    python -m mei.latent evolve --config demo --out runs/mei-latent-demo

``train`` simulates the session and writes ``dataset.h5``, ``generator.keras`` and ``generator.json``;
``decode`` writes ``decoding/`` and ``evolve`` writes ``search/`` (``mei.latent.experiment``).
"""

import pathlib
import sys

from calciumgan.core.cli import CommandParser, run_command

STAGES = {"train": "train_stage", "decode": "decode_stage", "evolve": "search_stage"}


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m mei.latent", description=__doc__.split("\n")[0])
    parser.add_argument("stage", choices=tuple(STAGES), help="train the generator, decode, or search (evolve)")
    parser.add_argument("--config", required=True, help="config file, or a shipped config: demo")
    parser.add_argument("--out", help="experiment folder (default: runs/mei-latent-<config name>)")
    args = parser.parse_args(argv)

    def action():
        from mei.latent import experiment
        from mei.latent.config import load_config

        config = load_config(args.config)
        out = args.out or pathlib.Path("runs") / f"mei-latent-{pathlib.Path(args.config).stem}"
        getattr(experiment, STAGES[args.stage])(config, out)
        return out

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
