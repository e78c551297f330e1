"""Simulate an MEI experiment's recording: generated images, Gabor simple and complex cells, Poisson trials.

    python -m mei.simulate --config demo --out runs/mei-demo

Writes ``config.yaml`` and ``dataset.h5`` into the experiment folder ``--out`` (``mei.experiment``).
A folder whose dataset was simulated with the same settings is kept as it is; one simulated with
other settings is refused.
"""

import logging
import pathlib
import sys

from calciumgan.core.cli import CommandParser, run_command

logger = logging.getLogger("mei.simulate")


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m mei.simulate", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="config file, or a shipped config: demo, allen_scale")
    parser.add_argument("--out", help="experiment folder (default: runs/mei-<config name>)")
    args = parser.parse_args(argv)

    def action():
        from mei.config import load_config
        from mei.experiment import Experiment
        from mei.simulation.session import simulate_session

        config = load_config(args.config)
        experiment = Experiment(args.out or pathlib.Path("runs") / f"mei-{pathlib.Path(args.config).stem}")
        experiment.start(config, "mei.simulate")
        if experiment.dataset_path.is_file():
            logger.info("%s exists with the same simulation settings; kept", experiment.dataset_path)
            return experiment.root
        dataset = simulate_session(config.simulation)
        experiment.save_dataset(dataset)
        trials, images, neurons = dataset.responses.shape
        logger.info("%d images of %d x %d, %d neurons (%d complex), %d trials per image: %s", images,
                    *dataset.images.shape[1:], neurons, dataset.population.is_complex.sum(), trials,
                    experiment.dataset_path)  # fmt: skip
        return experiment.root

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
