"""The MEI experiment's configuration (most exciting inputs after Walker et al. 2019).

One YAML file describes the simulated recording, the neuron selection, the response model and
its fitting, and the most exciting inputs (``mei:``). ``exciting_inputs.simulate``, ``exciting_inputs.fit`` and
``exciting_inputs.optimise`` read the same file; the experiment folder keeps the resolved copy and refuses a
config whose simulation part differs from the one its dataset was made with. Unknown keys, wrong
types and bad values are one-line errors naming the file and key.

Defaults are sized like Allen Brain Observatory Neuropixels session 798911424 (118 natural scenes
shown 50 times, 135 VISam units); values that are this package's own are marked "our choice".
Shipped configs: ``demo`` and ``allen_scale`` (``seed`` is the old name of ``allen_scale``; it still
loads, with a warning, until the next release).
"""

import dataclasses
import logging
import pathlib

from calciumgan.core import config as schema_loader
from calciumgan.core.config import setting

SHIPPED_CONFIGS = pathlib.Path(__file__).parent / "configs"
RENAMED_CONFIGS = {"seed": "allen_scale"}  # old shipped name -> new one; the old names go in the next release

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SimulationConfig:
    """The simulated recording (``exciting_inputs.simulation``): generated images, Gabor simple and complex cells."""

    seed: int = setting(0, minimum=0)  # images, receptive fields and trials each draw from a stream of it
    num_images: int = setting(118, minimum=4)  # the Allen session's 118 natural scenes
    image_height: int = setting(60, minimum=8)  # its images resized to 60 x 96 (our choice)
    image_width: int = setting(96, minimum=8)
    trials: int = setting(50, minimum=2)  # showings of every image (the Allen session: 50)
    num_neurons: int = setting(135, minimum=1)  # the Allen session has 135 VISam units
    complex_fraction: float = setting(0.5, minimum=0, maximum=1)
    noiseless_neurons: int = setting(0, minimum=0)  # the first ones repeat their expected count in every trial
    centre_extent: float = setting(0.3, above=0, maximum=1)  # centres in this central fraction of each image axis
    sigma_min: float = setting(0.05, above=0)  # Gaussian envelope's std, in image heights
    sigma_max: float = setting(0.09, above=0)
    wavelength_min: float = setting(2.5, above=0)  # carrier wavelength, in sigmas
    wavelength_max: float = setting(4.0, above=0)
    mean_count_min: float = setting(0.3, above=0)  # mean spike count per trial over the images (log-uniform)
    mean_count_max: float = setting(5.0, above=0)
    baseline_fraction_min: float = setting(0.2, minimum=0, below=1)  # spontaneous count / mean count
    baseline_fraction_max: float = setting(0.9, minimum=0, below=1)


@dataclasses.dataclass(frozen=True)
class SelectionConfig:
    """Oracle-correlation selection of reliable neurons (``exciting_inputs.oracle``)."""

    draws: int = setting(50, minimum=1)  # random trial draws averaged (our choice)
    seed: int = setting(0, minimum=0)
    oracle_quantile: float = setting(0.6, minimum=0, maximum=1)  # keep oracle above this quantile (our choice)
    variance_quantile: float = setting(0.5, minimum=0, maximum=1)  # and variance above this one (our choice)


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """The CNN core (Klindt et al. 2017's penalties) and pyramid readout of Walker et al. 2019
    (``exciting_inputs.models``)."""

    hidden_channels: int = setting(64, minimum=1)
    layers: int = setting(3, minimum=1)
    input_kernel: int = setting(4, minimum=1)
    hidden_kernel: int = setting(3, minimum=1)  # odd
    pooling: int = setting(2, minimum=1)  # after the first convolution
    gamma_input: float = setting(0.1, minimum=0)  # Laplace-L2 weight on the first kernel
    gamma_hidden: float = setting(0.1, minimum=0)  # group-sparsity weight, averaged over the hidden kernels
    pyramid_scales: int = setting(3, minimum=0)  # band-pass levels of the readout's pyramid (+ the low-pass rest)
    init_range: float = setting(0.1, minimum=0, maximum=1)  # readout locations start in U(-init_range, init_range)


@dataclasses.dataclass(frozen=True)
class FitConfig:
    """Training with the Poisson loss and Adam (Walker et al. 2019), early stopping on validation correlation."""

    neurons: str = setting("selected", choices=("selected", "all"))  # the selected neurons or all
    validation_fraction: float = setting(0.15, above=0, below=1)  # of the images (our choice)
    test_fraction: float = setting(0.15, above=0, below=1)
    split_seed: int = setting(0, minimum=0)
    epochs: int = setting(200, minimum=1)
    batch_size: int = setting(32, minimum=1)
    learning_rate: float = setting(5e-3, above=0)
    patience: int = setting(20, minimum=1)  # epochs without a better validation correlation before stopping
    seed: int = setting(0, minimum=0)  # initial weights and batch order


@dataclasses.dataclass(frozen=True)
class OptimisationConfig:
    """Most exciting inputs (``exciting_inputs.optimisation``, ``exciting_inputs.optimise``): Walker et al.'s
    ascent, a Gabor comparison."""

    steps: int = setting(1000, minimum=1)
    step_size: float = setting(0.1, above=0)  # alpha (our choice)
    contrast_weight: float = setting(2.0, minimum=0)  # lambda on |C* - std|; C* is the images' mean std (computed)
    sigma_start: float = setting(7.0, above=0)  # blur width (pixels), annealed toward sigma_end
    sigma_end: float = setting(0.001, above=0)
    seed: int = setting(0, minimum=0)  # the white-noise start
    mask_radius: float = setting(12.0, above=0)  # pixels at 60 x 96 (our choice)
    max_neurons: int = setting(0, minimum=0)  # the first fitted neurons only; 0: every fitted neuron


@dataclasses.dataclass(frozen=True)
class MEIConfig:
    simulation: SimulationConfig = dataclasses.field(default_factory=SimulationConfig)
    selection: SelectionConfig = dataclasses.field(default_factory=SelectionConfig)
    model: ModelConfig = dataclasses.field(default_factory=ModelConfig)
    fit: FitConfig = dataclasses.field(default_factory=FitConfig)
    mei: OptimisationConfig = dataclasses.field(default_factory=OptimisationConfig)

    def check(self) -> None:
        """Faults that involve several keys; ``ValueError`` naming them."""
        simulation = self.simulation
        for name in ("sigma", "wavelength", "mean_count", "baseline_fraction"):
            low, high = getattr(simulation, f"{name}_min"), getattr(simulation, f"{name}_max")
            if low > high:
                raise ValueError(f"'simulation.{name}_min' {low} must not exceed simulation.{name}_max {high}")
        if simulation.noiseless_neurons > simulation.num_neurons:
            raise ValueError(f"'simulation.noiseless_neurons' {simulation.noiseless_neurons} must not exceed "
                             f"simulation.num_neurons {simulation.num_neurons}")  # fmt: skip
        if self.fit.validation_fraction + self.fit.test_fraction >= 1:
            raise ValueError("'fit.validation_fraction' + 'fit.test_fraction' must be below 1")
        if self.model.hidden_kernel % 2 == 0:
            raise ValueError(f"'model.hidden_kernel' must be odd (size-preserving padding), got "
                             f"{self.model.hidden_kernel}")  # fmt: skip


def load_config(name_or_path) -> MEIConfig:
    """Read and check an MEI experiment config (a path or a shipped config's name: demo, allen_scale)."""
    return schema_loader.load_config(_current_name(name_or_path), MEIConfig, SHIPPED_CONFIGS)


def _current_name(name_or_path):
    """``name_or_path``, or the new name of a renamed shipped config (with a one-line warning)."""
    path = pathlib.Path(name_or_path)
    old = path.stem if path.suffix == ".yaml" else path.name
    if path.is_file() or path.parent != pathlib.Path(".") or old not in RENAMED_CONFIGS:
        return name_or_path
    new = RENAMED_CONFIGS[old]
    logger.warning("config name '%s' is deprecated and will be removed in the next release; use '%s'", old, new)
    return new


def config_from_dict(raw: dict, origin: str = "<dict>") -> MEIConfig:
    return schema_loader.config_from_dict(raw, MEIConfig, origin)
