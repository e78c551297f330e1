"""The latent-code experiment's configuration: DCGAN, PCA + linear regression, genetic search.

The stages follow Radford et al. 2016 (DCGAN), VanRullen & Reddy 2019 (a linear map from brain
responses to a generator's latent codes) and Ponce et al. 2019 (a genetic search of latent codes
that drives a neuron); every value below is this package's choice. The simulation section is
``exciting_inputs.config.SimulationConfig``. Unknown keys, wrong types and bad values are one-line errors
naming the file and key.
"""

import dataclasses
import pathlib

from calciumgan.core import config as schema_loader
from calciumgan.core.config import setting
from exciting_inputs.config import SimulationConfig

SHIPPED_CONFIGS = pathlib.Path(__file__).parent / "configs"
UPSAMPLINGS = 3  # stride-2 transposed convolutions in the generator (and stride-2 convolutions in the critic)


@dataclasses.dataclass(frozen=True)
class GeneratorConfig:
    """A DCGAN-style generator and critic trained as WGAN-GP (this package's choice) or as DCGAN was, with the
    standard GAN loss (``loss: non_saturating``, ``penalty_weight: 0``, ``n_critic: 1``, ``beta_2: 0.999``)."""

    latent_dim: int = setting(8, minimum=1)  # z ~ N(0, 1) of this size
    channels: int = setting(32, minimum=1)  # of the first feature map; halved at each upsampling
    iterations: int = setting(300, minimum=1)  # generator updates (each after n_critic critic updates)
    batch_size: int = setting(32, minimum=1)
    # "wasserstein": WGAN (this package's); "non_saturating": the cross-entropy GAN loss of DCGAN
    loss: str = setting("wasserstein", choices=("wasserstein", "non_saturating"))
    n_critic: int = setting(5, minimum=1)  # WGAN-GP's value (DCGAN: 1)
    penalty_weight: float = setting(10.0, minimum=0)  # lambda of the gradient penalty (WGAN-GP: 10); 0: none
    learning_rate: float = setting(2e-4, above=0)  # Adam with beta_1 0.5
    beta_2: float = setting(0.9, minimum=0, below=1)  # WGAN-GP's 0.9 (DCGAN: Adam's default 0.999)
    orthogonal_init: bool = False  # draw the generator's and critic's kernels as orthogonal matrices
    seed: int = setting(0, minimum=0)


@dataclasses.dataclass(frozen=True)
class DecodingConfig:
    """PCA of trial-mean responses to generated images, then ridge regression to the standardised codes."""

    train_codes: int = setting(400, minimum=2)  # latent codes whose images fit the decoder
    test_codes: int = setting(100, minimum=2)  # held-out codes (new images, new trials)
    trials: int = setting(10, minimum=1)  # showings of every image; the decoder reads their mean
    components: int = setting(16, minimum=1)  # principal components kept
    alpha: float = setting(1.0, minimum=0)  # ridge penalty on the standardised components
    seed: int = setting(0, minimum=0)  # codes, trials and the shuffled baseline


@dataclasses.dataclass(frozen=True)
class SearchConfig:
    """The genetic algorithm over latent codes for a neuron's response to G(z) (``exciting_inputs.latent.search``)."""

    neuron: int = setting(0, minimum=0)
    fitness: str = setting("trials", choices=("trials", "expected"))  # new Poisson trials, or the expected count
    fitness_trials: int = setting(1, minimum=1)  # trials per evaluation of a code when fitness is trials
    evaluation_trials: int = setting(20, minimum=2)  # held-out trials of each chosen image
    population_size: int = setting(32, minimum=2)
    generations: int = setting(30, minimum=1)
    selection: str = setting("tournament", choices=("tournament", "truncation"))
    tournament_size: int = setting(3, minimum=1)
    truncation_fraction: float = setting(0.5, above=0, maximum=1)  # the fittest fraction that may be parents
    crossover: str = setting("uniform", choices=("uniform", "blend", "none"))
    crossover_rate: float = setting(0.9, minimum=0, maximum=1)  # probability that a child mixes two parents
    blend_alpha: float = setting(0.5, minimum=0)  # BLX-alpha's extension beyond the parents' interval
    mutation_rate: float = setting(0.2, minimum=0, maximum=1)  # probability of mutating each coordinate
    mutation_std: float = setting(0.3, minimum=0)  # of the Gaussian added to a mutated coordinate
    code_bound: float = setting(3.0, minimum=0)  # children are clipped to [-bound, bound] (z's typical range); 0: none
    elite: int = setting(2, minimum=0)  # the fittest codes copied unchanged into the next generation
    seed: int = setting(0, minimum=0)


@dataclasses.dataclass(frozen=True)
class LatentConfig:
    simulation: SimulationConfig = dataclasses.field(default_factory=SimulationConfig)
    generator: GeneratorConfig = dataclasses.field(default_factory=GeneratorConfig)
    decoding: DecodingConfig = dataclasses.field(default_factory=DecodingConfig)
    search: SearchConfig = dataclasses.field(default_factory=SearchConfig)

    def check(self) -> None:
        """Faults that involve several keys; ``ValueError`` naming them."""
        simulation = self.simulation
        step = 2**UPSAMPLINGS
        if simulation.image_height % step or simulation.image_width % step:
            raise ValueError(f"'simulation.image_height' and 'simulation.image_width' must be multiples of {step} "
                             f"(the generator's upsamplings), got {simulation.image_height} x "
                             f"{simulation.image_width}")  # fmt: skip
        if self.generator.batch_size * self.generator.n_critic > simulation.num_images:
            raise ValueError("'generator.batch_size' x 'generator.n_critic' must not exceed simulation.num_images")
        if self.search.neuron >= simulation.num_neurons:
            raise ValueError(f"'search.neuron' {self.search.neuron} must be below simulation.num_neurons "
                             f"{simulation.num_neurons}")  # fmt: skip
        if self.search.elite >= self.search.population_size:
            raise ValueError("'search.elite' must be below search.population_size")
        if self.search.tournament_size > self.search.population_size:
            raise ValueError("'search.tournament_size' must not exceed search.population_size")
        if self.decoding.components > min(simulation.num_neurons, self.decoding.train_codes):
            raise ValueError(f"'decoding.components' {self.decoding.components} must not exceed the neurons "
                             f"({simulation.num_neurons}) or decoding.train_codes")  # fmt: skip


def load_config(name_or_path) -> LatentConfig:
    """Read and check a latent experiment config (a path or a shipped config's name: demo)."""
    return schema_loader.load_config(name_or_path, LatentConfig, SHIPPED_CONFIGS)


def config_from_dict(raw: dict, origin: str = "<dict>") -> LatentConfig:
    return schema_loader.config_from_dict(raw, LatentConfig, origin)
