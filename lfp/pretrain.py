"""Pre-train the LFP GAN's autoencoders (thesis §4.2-4.3), making the experiment's data first.

    python -m lfp.pretrain --config demo --out runs/lfp/demo

Writes ``data.h5``, ``split.json`` and ``pretrain/`` into the experiment folder ``--out``
(``lfp.experiment``). Re-running the command continues an interrupted pre-training; a config
whose data or pre-training settings differ from the folder's is refused.
"""

import sys

from calciumgan.core.cli import CommandParser, output_folder, run_command
from calciumgan.core.folders import LFP


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m lfp.pretrain", description=__doc__.split("\n")[0])
    parser.add_config("demo, thesis, thesis_no_images")
    parser.add_out("experiment folder", LFP.name)
    args = parser.parse_args(argv)

    def action():
        from lfp.config import load_config
        from lfp.experiment import Experiment, experiment_data
        from lfp.pretraining import pretrain_autoencoders

        config = load_config(args.config)
        experiment = Experiment(output_folder(args, LFP.name))
        recording, _, test_ids = experiment_data(config, experiment, "lfp.pretrain")
        pretrain_autoencoders(config, recording, test_ids, experiment.pretrain)
        return experiment.pretrain

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
