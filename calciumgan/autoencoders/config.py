"""Experiment schemas of the autoencoder family: the denoiser and the VAE.

Each YAML file has a ``data`` section (``calciumgan.config.DataConfig``, the GAN's keys, so the
same recording, split and scaler), a ``model`` and a ``train`` section of its own and, for the
VAE, the GAN's ``evaluate`` section (``calciumgan.config.EvaluateConfig``), so its samples are
scored exactly like a GAN's. Shipped configs live in ``calciumgan/autoencoders/configs/`` and can
be named without folder or suffix (``denoise_demo``, ``vae_demo``).

The denoiser follows Erdmann et al. 2019, the VAE Kingma & Welling 2014; values that neither
work gives are marked "our choice" where they are set.
"""

import dataclasses
import pathlib

from calciumgan.config import DataConfig, EvaluateConfig
from calciumgan.core import config as schema_loader
from calciumgan.core.config import setting
from calciumgan.data.presets import PRESETS as DG_PRESETS

SHIPPED_CONFIGS = pathlib.Path(__file__).parent / "configs"
DENOISER_WINDOW = 500  # Erdmann et al. 2019: 500-sample traces


@dataclasses.dataclass(frozen=True)
class DenoiserModelConfig:
    """The 1D convolutional denoising autoencoder (after Erdmann et al. 2019)."""

    poolings: int = setting(4, minimum=1)  # Erdmann et al.: 500 -> 250 -> 125 -> 62 -> 31
    filters: int = setting(32, minimum=1)  # channels of the hidden convolutions (our choice)
    code_channels: int = setting(16, minimum=1)  # Erdmann et al.: a code of 16 channels x 31 samples
    kernel_size: int = setting(9, minimum=1)  # our choice: 9 frames, 0.375 s at 24 Hz


@dataclasses.dataclass(frozen=True)
class DenoiserTrainConfig:
    """MSE to the clean trace, Adam."""

    epochs: int = setting(10, minimum=1)
    batch_size: int = setting(64, minimum=1)
    learning_rate: float = setting(1e-3, above=0)
    seed: int = setting(1, minimum=0)


@dataclasses.dataclass(frozen=True)
class DenoiserEvaluateConfig:
    """Spike inference on the held-out block, noisy against denoised (same settings for both)."""

    # OASIS modes compared; "fixed" is the thesis's rule for these units, "estimated" fits each trace
    spike_inference_modes: list = dataclasses.field(default_factory=lambda: ["fixed", "estimated"])
    tolerance_frames: int = setting(1, minimum=0)  # an inferred spike within +-k frames recovers a true one


@dataclasses.dataclass(frozen=True)
class DenoiserConfig:
    data: DataConfig = dataclasses.field(default_factory=lambda: DataConfig(window=DENOISER_WINDOW, stride=20))
    model: DenoiserModelConfig = dataclasses.field(default_factory=DenoiserModelConfig)
    train: DenoiserTrainConfig = dataclasses.field(default_factory=DenoiserTrainConfig)
    evaluate: DenoiserEvaluateConfig = dataclasses.field(default_factory=DenoiserEvaluateConfig)

    def check(self) -> None:
        """The clean trace is known for the dichotomized-Gaussian surrogates only."""
        if self.data.source != "surrogate" or self.data.preset not in DG_PRESETS:
            raise ValueError(f"'data' must be a dichotomized-Gaussian surrogate (source: surrogate, preset: one of "
                             f"{', '.join(DG_PRESETS)}): the denoiser learns the known clean trace")  # fmt: skip
        if self.data.window >> self.model.poolings < 1:
            raise ValueError(f"'data.window' {self.data.window} is too short for {self.model.poolings} poolings")
        modes = self.evaluate.spike_inference_modes
        if not modes or any(mode not in ("fixed", "estimated") for mode in modes):
            raise ValueError(f"'evaluate.spike_inference_modes' must list modes among fixed, estimated, got "
                             f"{list(modes)}")  # fmt: skip


@dataclasses.dataclass(frozen=True)
class VAEModelConfig:
    """A dense VAE (Kingma & Welling 2014): encoder to (mu, log variance), decoder ending in a sigmoid."""

    hidden_units: int = setting(500, minimum=1)  # Kingma & Welling's MNIST models: 500
    latent_dim: int = setting(50, minimum=1)  # our choice
    initial_noise_std: float = setting(0.05, above=0)  # observation noise std at the start, scaled units


@dataclasses.dataclass(frozen=True)
class VAETrainConfig:
    """Negative ELBO (Gaussian likelihood + KL to N(0, I)), Adam."""

    epochs: int = setting(20, minimum=1)
    batch_size: int = setting(64, minimum=1)
    learning_rate: float = setting(1e-3, above=0)
    seed: int = setting(1, minimum=0)


@dataclasses.dataclass(frozen=True)
class VAEConfig:
    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    model: VAEModelConfig = dataclasses.field(default_factory=VAEModelConfig)
    train: VAETrainConfig = dataclasses.field(default_factory=VAETrainConfig)
    evaluate: EvaluateConfig = dataclasses.field(default_factory=EvaluateConfig)

    def check(self) -> None:
        self.data.check()


def load_denoiser_config(name_or_path) -> DenoiserConfig:
    """Read and check a denoiser YAML config (a path or a shipped config's name)."""
    return schema_loader.load_config(name_or_path, DenoiserConfig, SHIPPED_CONFIGS)


def load_vae_config(name_or_path) -> VAEConfig:
    """Read and check a VAE YAML config (a path or a shipped config's name)."""
    return schema_loader.load_config(name_or_path, VAEConfig, SHIPPED_CONFIGS)
