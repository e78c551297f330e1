"""Pre-train the LFP GAN's autoencoders (thesis §4.2-4.3), making the experiment's data first.

    python -m lfp.pretrain --config demo --out runs/lfp-demo

Writes ``data.h5``, ``split.json`` and ``pretrain/`` into the experiment folder ``--out``
(``lfp.experiment``). Re-running the command continues an interrupted pre-training; a config
whose data or pre-training settings differ from the folder's is refused.
"""

import pathlib
import sys

from calciumgan.core.cli import CommandParser, run_command


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m lfp.pretrain", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="config file, or a shipped config: demo, thesis")
    parser.add_argument("--out", help="experiment folder (default: runs/lfp-<config name>)")
    args = parser.parse_args(argv)

    def action():
        from lfp.config import load_config
        from lfp.experiment import Experiment, experiment_data
        from lfp.pretraining import pretrain_autoencoders

        config = load_config(args.config)
        experiment = Experiment(args.out or pathlib.Path("runs") / f"lfp-{pathlib.Path(args.config).stem}")
        recording, _, test_ids = experiment_data(config, experiment, "lfp.pretrain")
        pretrain_autoencoders(config, recording, test_ids, experiment.pretrain)
        return experiment.pretrain

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
