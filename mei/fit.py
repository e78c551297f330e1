"""Fit the response model of an MEI experiment: oracle selection, CNN core + pyramid readout, report.

    python -m mei.fit --config demo --out runs/mei-demo

Reads ``dataset.h5`` from the experiment folder ``--out`` (run ``mei.simulate`` first) and writes
``selection.json``, ``split.json``, ``response_model.keras``, ``history.json`` and ``report/``
(``mei.experiment``); a second run replaces them. A config whose simulation settings differ from
the folder's is refused.
"""

import pathlib
import sys

from calciumgan.core.cli import CommandParser, run_command


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m mei.fit", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="config file, or a shipped config: demo, allen_scale")
    parser.add_argument("--out", help="experiment folder (default: runs/mei-<config name>)")
    args = parser.parse_args(argv)

    def action():
        from mei.config import load_config
        from mei.experiment import Experiment
        from mei.fitting import fit_experiment

        config = load_config(args.config)
        experiment = Experiment(args.out or pathlib.Path("runs") / f"mei-{pathlib.Path(args.config).stem}")
        fit_experiment(config, experiment)
        return experiment.root

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
