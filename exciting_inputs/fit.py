"""Fit the response model of an MEI experiment: oracle selection, CNN core + pyramid readout, report.

    python -m exciting_inputs.fit --config demo --out runs/mei-demo

Reads ``dataset.h5`` from the experiment folder ``--out`` (run ``exciting_inputs.simulate`` first) and writes
``selection.json``, ``split.json``, ``response_model.keras``, ``history.json`` and ``report/``
(``exciting_inputs.experiment``); a second run replaces them. A config whose simulation settings differ from
the folder's is refused.
"""

import sys

from calciumgan.core.cli import CommandParser, output_folder, run_command
from calciumgan.core.folders import MEI


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m exciting_inputs.fit", description=__doc__.split("\n")[0])
    parser.add_config("demo, allen_scale")
    parser.add_out("experiment folder", MEI.name)
    args = parser.parse_args(argv)

    def action():
        from exciting_inputs.config import load_config
        from exciting_inputs.experiment import Experiment
        from exciting_inputs.fitting import fit_experiment

        config = load_config(args.config)
        experiment = Experiment(output_folder(args, MEI.name))
        fit_experiment(config, experiment)
        return experiment.root

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
