"""The latent experiment's config: the shipped demo loads; cross-key faults name their keys."""

import pytest

from calciumgan.core.errors import ConfigError
from exciting_inputs.latent.config import load_config


def test_the_demo_config_loads_with_its_values():
    config = load_config("demo")
    assert (config.simulation.image_height, config.simulation.image_width) == (32, 48)
    assert (config.generator.latent_dim, config.generator.penalty_weight) == (8, 10.0)
    assert (config.decoding.components, config.search.generations) == (16, 30)


def test_the_dcgan_config_trains_as_dcgan_did():
    generator = load_config("dcgan").generator
    assert (generator.loss, generator.n_critic, generator.penalty_weight) == ("non_saturating", 1, 0.0)
    assert (generator.learning_rate, generator.beta_2) == (2e-4, 0.999)
    assert load_config("demo").generator.loss == "wasserstein"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"simulation.image_height": 20}, "'simulation.image_height' and 'simulation.image_width' must be multiples"),
        ({"decoding.components": 13}, "'decoding.components' 13 must not exceed the neurons"),
        ({"search.neuron": 12}, "'search.neuron' 12 must be below simulation.num_neurons 12"),
        ({"search.elite": 8}, "'search.elite' must be below search.population_size"),
        ({"generator.batch_size": 40}, "'generator.batch_size' x 'generator.n_critic' must not exceed"),
        ({"search.selection": "roulette"}, "search.selection"),
        ({"search.fitness": "noisy"}, "search.fitness"),
        ({"search.evaluation_trials": 1}, "search.evaluation_trials"),
    ],
)  # fmt: skip
def test_faults_are_one_line_errors_naming_the_file_and_key(tmp_path, write_latent_config, overrides, message):
    path = write_latent_config(tmp_path / "bad.yaml", overrides)
    with pytest.raises(ConfigError, match="bad.yaml") as error:
        load_config(path)
    assert message in str(error.value) and "\n" not in str(error.value)
