"""The ``exciting_inputs.simulate`` stage: the experiment's simulated recording, made once.

Writes ``config.yaml`` and ``dataset.h5`` (``exciting_inputs.experiment``). A folder whose dataset was
simulated with the same settings is kept as it is; one simulated with other settings is refused.
"""

import logging

from exciting_inputs.experiment import Experiment
from exciting_inputs.simulation.session import simulate_session

logger = logging.getLogger("exciting_inputs.simulate")


def simulate_stage(config, root) -> None:
    """Simulate ``config.simulation`` into the experiment folder ``root`` (unless it holds that dataset)."""
    experiment = Experiment(root)
    experiment.start(config, "exciting_inputs.simulate")
    if experiment.dataset_path.is_file():
        logger.info("%s exists with the same simulation settings; kept", experiment.dataset_path)
        return
    dataset = simulate_session(config.simulation)
    experiment.save_dataset(dataset)
    trials, images, neurons = dataset.responses.shape
    logger.info("%d images of %d x %d, %d neurons (%d complex), %d trials per image: %s", images,
                *dataset.images.shape[1:], neurons, dataset.population.is_complex.sum(), trials,
                experiment.dataset_path)  # fmt: skip
