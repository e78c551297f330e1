"""The AC-GAN's experiment schema: labelled surrogate data, the two WaveGAN networks, WGAN-GP training.

Shipped configs live in ``calciumgan/conditional/configs/`` and can be named without folder
or suffix (``acgan_demo``). Values that neither Odena et al. 2017 (AC-GAN) nor Gulrajani et al.
2017 (WGAN-GP) give are marked "our choice".
"""

import dataclasses
import pathlib

from calciumgan.core import config as schema_loader
from calciumgan.core.config import setting
from calciumgan.data.presets import DFF_PRESETS, NUM_NEURONS, PRESETS
from calciumgan.models.shapes import architecture_problem

SHIPPED_CONFIGS = pathlib.Path(__file__).parent / "configs"


@dataclasses.dataclass(frozen=True)
class LabelledDataConfig:
    """One surrogate recording per label: label k is ``presets[k]``, all cut and scaled alike."""

    presets: list = dataclasses.field(default_factory=lambda: ["day1", "day4"])  # names in PRESETS or DFF_PRESETS
    num_frames: int = setting(6000, minimum=1)  # frames of each recording, at 24 Hz
    num_neurons: int = setting(16, minimum=1, maximum=NUM_NEURONS)  # the first n neurons of each
    surrogate_seed: int = setting(0, minimum=0)
    window: int = setting(64, minimum=1)  # frames per sample
    stride: int = setting(4, minimum=1)  # frames between training window starts
    validation_fraction: float = setting(0.2, above=0, below=1)  # last block of each recording, held out
    scaling: str = setting("global", choices=("global", "per_neuron"))  # min-max over all recordings' train blocks


@dataclasses.dataclass(frozen=True)
class LabelledModelConfig:
    """WaveGAN generator and critic (Table 3.1 layout, tiny sizes) plus the label's embedding."""

    noise_dim: int = setting(16, minimum=1)
    embedding_dim: int = setting(8, minimum=1)  # our choice
    filters: int = setting(8, minimum=1)
    kernel_size: int = setting(8, minimum=1)
    strides: int = setting(2, minimum=2)
    num_blocks: int = setting(3, minimum=1)
    normalization: str = setting("layer", choices=("layer", "none"))
    phase_shuffle: int = setting(1, minimum=0)
    convolutions: str = setting("fast", choices=("fast", "keras"))


@dataclasses.dataclass(frozen=True)
class LabelledTrainConfig:
    """WGAN-GP (lambda 10, Gulrajani et al. 2017; this package's choice) or Odena et al.'s standard GAN loss, with the
    auxiliary classifier's cross-entropy; Adam for both."""

    epochs: int = setting(10, minimum=1)
    steps_per_epoch: int = setting(50, minimum=1)
    batch_size: int = setting(32, minimum=1)
    # "wasserstein": WGAN (this package's); "non_saturating": the cross-entropy GAN loss of Odena et al. 2017
    loss: str = setting("wasserstein", choices=("wasserstein", "non_saturating"))
    n_critic: int = setting(5, minimum=1)
    learning_rate: float = setting(1e-3, above=0)
    beta_1: float = setting(0.5, minimum=0, below=1)
    beta_2: float = setting(0.9, minimum=0, below=1)
    penalty_weight: float = setting(10.0, minimum=0)  # gradient penalty, Gulrajani et al. 2017: lambda = 10; 0: none
    auxiliary_weight: float = setting(1.0, minimum=0)  # Odena et al.: the class log-likelihood unweighted
    auxiliary_on_generated: bool = True  # the critic also classifies generated samples (Odena's AC-GAN)
    validation_batches: int = setting(4, minimum=1)
    checkpoint_every: int = setting(5, minimum=1)
    keep_checkpoints: int = setting(2, minimum=1)
    seed: int = setting(1, minimum=0)


@dataclasses.dataclass(frozen=True)
class LabelledGenerateConfig:
    samples_per_label: int = setting(64, minimum=1)
    seed: int = setting(0, minimum=0)


@dataclasses.dataclass(frozen=True)
class ConditionalConfig:
    data: LabelledDataConfig = dataclasses.field(default_factory=LabelledDataConfig)
    model: LabelledModelConfig = dataclasses.field(default_factory=LabelledModelConfig)
    train: LabelledTrainConfig = dataclasses.field(default_factory=LabelledTrainConfig)
    generate: LabelledGenerateConfig = dataclasses.field(default_factory=LabelledGenerateConfig)

    def check(self) -> None:
        presets = list(self.data.presets)
        known = (*PRESETS, *DFF_PRESETS)
        if len(presets) < 2 or len(set(presets)) != len(presets) or any(name not in known for name in presets):
            raise ValueError(f"'data.presets' must list two or more distinct presets among {', '.join(known)}, "
                             f"got {presets}")  # fmt: skip
        model = self.model
        problem = architecture_problem(self.data.window, model.strides, model.num_blocks, model.kernel_size,
                                       model.phase_shuffle, model.convolutions)  # fmt: skip
        if problem:
            raise ValueError(problem)


def load_conditional_config(name_or_path) -> ConditionalConfig:
    """Read and check an AC-GAN YAML config (a path or a shipped config's name)."""
    return schema_loader.load_config(name_or_path, ConditionalConfig, SHIPPED_CONFIGS)
