"""The MEI and latent-code experiment folders: what part of a config their work fixes, and their messages."""

import dataclasses

import pytest

from calciumgan.core.errors import RunError
from exciting_inputs.config import MEIConfig
from exciting_inputs.experiment import Experiment
from exciting_inputs.latent.config import load_config
from exciting_inputs.latent.experiment import LatentExperiment


def _with(config, part: str, **changes):
    return dataclasses.replace(config, **{part: dataclasses.replace(getattr(config, part), **changes)})


def test_an_mei_experiment_fixes_the_simulation_alone(tmp_path):
    experiment = Experiment(tmp_path)
    with pytest.raises(RunError, match="not an MEI experiment folder .no config.yaml.; start one with python -m "
                                       "exciting_inputs.simulate --config demo --out FOLDER$"):  # fmt: skip
        experiment.config()
    experiment.start(MEIConfig(), "exciting_inputs.simulate")
    experiment.start(_with(MEIConfig(), "fit", test_fraction=0.2), "exciting_inputs.fit")
    assert experiment.config().fit.test_fraction == 0.2
    with pytest.raises(RunError, match="config.yaml: this experiment folder was simulated with different simulation "
                                       "settings; choose a new --out folder$"):  # fmt: skip
        experiment.check_same(_with(MEIConfig(), "simulation", seed=1))


def test_a_latent_experiment_needs_a_generator_trained_with_the_simulation_and_generator_settings(tmp_path):
    experiment = LatentExperiment(tmp_path)
    config = load_config("demo")
    experiment.start(config, "exciting_inputs.latent.train", replaces_work=True)
    with pytest.raises(RunError, match="no trained generator here; run python -m exciting_inputs.latent.train"):
        experiment.check_same_generator(config)  # a config alone is no trained generator
    for path in (experiment.dataset_path, experiment.generator_path):
        path.write_text("stand-in")
    experiment.check_same_generator(_with(config, "decoding", trials=config.decoding.trials + 1))
    for other in (_with(config, "generator", latent_dim=config.generator.latent_dim + 1),
                  _with(config, "simulation", seed=config.simulation.seed + 1)):  # fmt: skip
        with pytest.raises(RunError, match="trained with different simulation or generator settings; train again"):
            experiment.check_same_generator(other)
    experiment.start(_with(config, "simulation", seed=7), "exciting_inputs.latent.train", replaces_work=True)
    assert experiment.config().simulation.seed == 7  # training again makes the work anew
