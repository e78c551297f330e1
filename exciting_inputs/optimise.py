"""Optimise the most exciting inputs of an MEI experiment's fitted neurons and compare them with the truth.

    python -m exciting_inputs.optimise --config demo --out runs/mei-demo [--neurons 0,3,5]

Reads ``dataset.h5``, ``history.json`` and ``response_model.keras`` from the experiment folder
``--out`` (run ``exciting_inputs.simulate`` and ``exciting_inputs.fit`` first) and writes ``meis.h5``
and, in ``report/``, ``mei_report.json``, ``mei_report.md`` and ``meis.png``
(``exciting_inputs.optimisation.stage``); a second
run replaces them. The config's ``mei:`` section sets the optimisation; its simulation settings
must be the folder's.
"""

import sys

from calciumgan.core.cli import CommandParser, non_negative_int, output_folder, run_command
from calciumgan.core.folders import MEI


def neuron_list(text: str) -> list:
    """``"0,3,5"`` -> [0, 3, 5] (dataset indices)."""
    return [non_negative_int(part.strip()) for part in text.split(",")]


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m exciting_inputs.optimise", description=__doc__.split("\n")[0])
    parser.add_config("demo, allen_scale")
    parser.add_out("experiment folder", MEI.name)
    parser.add_argument("--neurons", type=neuron_list, help="comma-separated dataset indices of fitted neurons "
                        "(default: the config's mei.max_neurons first fitted ones)")  # fmt: skip
    args = parser.parse_args(argv)

    def action():
        from exciting_inputs.config import load_config
        from exciting_inputs.experiment import Experiment
        from exciting_inputs.optimisation.stage import optimise_experiment

        config = load_config(args.config)
        folder = output_folder(args, MEI.name)
        optimise_experiment(config, Experiment(folder), args.neurons)
        return folder

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
