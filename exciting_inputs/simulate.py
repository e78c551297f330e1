"""Simulate an MEI experiment's recording: generated images, Gabor simple and complex cells, Poisson trials.

    python -m exciting_inputs.simulate --config demo --out runs/mei-demo

Writes ``config.yaml`` and ``dataset.h5`` into the experiment folder ``--out`` (``exciting_inputs.experiment``).
A folder whose dataset was simulated with the same settings is kept as it is; one simulated with
other settings is refused.
"""

import logging
import sys

from calciumgan.core.cli import CommandParser, output_folder, run_command
from calciumgan.core.folders import MEI

logger = logging.getLogger("exciting_inputs.simulate")


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m exciting_inputs.simulate", description=__doc__.split("\n")[0])
    parser.add_config("demo, allen_scale")
    parser.add_out("experiment folder", MEI.name)
    args = parser.parse_args(argv)

    def action():
        from exciting_inputs.config import load_config
        from exciting_inputs.experiment import Experiment
        from exciting_inputs.simulation.session import simulate_session

        config = load_config(args.config)
        experiment = Experiment(output_folder(args, MEI.name))
        experiment.start(config, "exciting_inputs.simulate")
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
