"""Optimise the most exciting inputs of an MEI experiment's fitted neurons and compare them with the truth.

    python -m mei.optimise --config demo --out runs/mei-demo [--neurons 0,3,5]

Reads ``dataset.h5``, ``history.json`` and ``response_model.keras`` from the experiment folder
``--out`` (run ``mei.simulate`` and ``mei.fit`` first) and writes ``meis.h5`` and, in ``report/``,
``mei_report.json``, ``mei_report.md`` and ``meis.png`` (``mei.optimisation.stage``); a second
run replaces them. The config's ``mei:`` section sets the optimisation; its simulation settings
must be the folder's.
"""

import pathlib
import sys

from calciumgan.core.cli import CommandParser, non_negative_int, run_command


def neuron_list(text: str) -> list:
    """``"0,3,5"`` -> [0, 3, 5] (dataset indices)."""
    return [non_negative_int(part.strip()) for part in text.split(",")]


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m mei.optimise", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="config file, or a shipped config: demo, allen_scale")
    parser.add_argument("--out", help="experiment folder (default: runs/mei-<config name>)")
    parser.add_argument("--neurons", type=neuron_list, help="comma-separated dataset indices of fitted neurons "
                        "(default: the config's mei.max_neurons first fitted ones)")  # fmt: skip
    args = parser.parse_args(argv)

    def action():
        from mei.config import load_config
        from mei.experiment import Experiment
        from mei.optimisation.stage import optimise_experiment

        config = load_config(args.config)
        folder = args.out or pathlib.Path("runs") / f"mei-{pathlib.Path(args.config).stem}"
        optimise_experiment(config, Experiment(folder), args.neurons)
        return folder

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
