"""The LFP GAN's experiment configuration (thesis: Asprusten 2020).

One YAML file describes a whole experiment: the data, the autoencoders' pre-training, the GAN
and its evaluation. Every stage (``lfp.pretrain``, ``lfp.train``, ``lfp.generate``,
``lfp.evaluate``) reads the same file; the experiment folder keeps the resolved copy, and a
stage refuses a config whose parts that stage depends on differ from it. Unknown keys, wrong
types and bad values are one-line errors naming the file and the key.

Values the thesis does not give (batch sizes, n_critic, dropout, the noise distribution) are
marked "not in the thesis" where they are set.
"""

import dataclasses
import pathlib

from calciumgan.core import config as schema_loader
from calciumgan.core.config import setting

SHIPPED_CONFIGS = pathlib.Path(__file__).parent / "configs"


@dataclasses.dataclass(frozen=True)
class DataConfig:
    """Where the LFP comes from, and how showings are split (thesis Ch. 3)."""

    source: str = setting("synthetic", choices=("synthetic", "allen"))
    seed: int = setting(0, minimum=0)  # the synthetic recording's and the image split's seed
    window: int = setting(313, minimum=16)  # samples per showing window (0.25 s at 1250 Hz)
    test_images: int = setting(24, minimum=1)  # images held out (thesis: 24 of 118, 80/20 by image)
    # synthetic recording (lfp.data.synthetic)
    num_channels: int = setting(22, minimum=1)
    sampling_rate: float = setting(1250.0, above=0)  # Hz
    num_images: int = setting(118, minimum=2)
    showings: int = setting(50, minimum=2)  # showings of every image (thesis: 50)
    image_height: int = setting(918, minimum=8)
    image_width: int = setting(1174, minimum=8)
    spontaneous_seconds: float = setting(300.0, minimum=0)  # grey-screen activity around the showings
    # an Allen Visual Coding Neuropixels session (lfp.data.allen), read with pynwb
    lfp_path: str | None = None  # probe_<id>_lfp.nwb
    session_path: str | None = None  # session_<id>.nwb (natural_scenes presentations)
    images_path: str | None = None  # (118, height, width) natural scenes as .npy / .npz / .h5
    probe_id: int | None = None
    channel_ids: list | None = None  # default: the probe's VISp channels


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """The networks of Tables 4.1-4.4 (lfp.models)."""

    image_encoder: str = setting("thesis", choices=("thesis", "demo"))  # Tab. 4.2 (918 x 1174) or the small table
    use_image: bool = True  # False: the variant without the image encoder (unconditional)
    # the generator adds stationary noise with a learned spectrum per channel to its decoded windows, started at
    # the power its windows lack against the training windows' (not in the thesis, whose decoder leaves the
    # spectrum above ~50 Hz a decade low)
    output_noise: bool = False
    dropout: float = setting(0.0, minimum=0, below=1)  # combination net's dropout (rate not in the thesis)
    # the combination net's activation: the thesis's "relu" can leave its 2- and 1-channel last layers
    # dead (a constant critic) from the start; "leaky_relu" (slope 0.2) cannot
    combination_activation: str = setting("leaky_relu", choices=("relu", "leaky_relu"))


@dataclasses.dataclass(frozen=True)
class PretrainConfig:
    """Autoencoder pre-training with MSE (thesis §4.2-4.3), Adam(1e-3, beta = (0, 0.999))."""

    signal_epochs: int = setting(7, minimum=1)  # thesis: 7
    # windows drawn from the recording per signal epoch; None: every start (stride 1), as in the thesis
    signal_windows_per_epoch: int | None = setting(None, minimum=1)
    image_epochs: int = setting(10000, minimum=0)  # thesis: 10,000 passes over the 118 images
    batch_size: int = setting(32, minimum=1)  # not in the thesis
    learning_rate: float = setting(1e-3, above=0)
    beta_1: float = setting(0.0, minimum=0, below=1)
    beta_2: float = setting(0.999, minimum=0, below=1)
    seed: int = setting(1, minimum=0)


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """The Wasserstein GAN with the one-sided penalty of Eq. 2.8-2.9 (thesis §2.7.1, §4.4)."""

    init: str = setting("pretrained", choices=("pretrained", "scratch"))  # transfer the autoencoders, or not
    epochs: int = setting(200, minimum=1)  # thesis: 200 (4000 for the variant without images)
    # None: training showings // (n_critic * batch_size), one pass of the critic over the training showings
    steps_per_epoch: int | None = setting(None, minimum=1)
    batch_size: int = setting(32, minimum=1)  # not in the thesis
    n_critic: int = setting(5, minimum=1)  # not in the thesis
    penalty_weight: float = setting(10.0, minimum=0)  # lambda, not in the thesis (WGAN-GP's 10)
    # Eq. 2.9: the critic's loss is -W + max(0, W) P_1; False: -W + P_1 (what three backward passes amount to)
    scale_by_wasserstein: bool = True
    learning_rate: float = setting(1e-3, above=0)
    beta_1: float = setting(0.0, minimum=0, below=1)
    beta_2: float = setting(0.999, minimum=0, below=1)
    validation_batches: int = setting(2, minimum=1)  # batches of test-image showings scored per epoch
    checkpoint_every: int = setting(1, minimum=1)
    keep_checkpoints: int = setting(3, minimum=1)
    jit_compile: bool = False  # TensorFlow: XLA-compile the step (JAX always compiles it)
    seed: int = setting(42, minimum=0)


@dataclasses.dataclass(frozen=True)
class EvaluateConfig:
    """Table 5.1's comparison (lfp.evaluate)."""

    sample_seed: int = setting(7, minimum=0)  # noise of the generated windows and of the Gaussian baseline
    classifier_epochs: int = setting(30, minimum=1)  # the stimulus classifier (early stopping inside)
    classifier_batch_size: int = setting(64, minimum=1)
    max_frequency: float = setting(200.0, above=0)  # Hz, upper edge of the spectral distance
    inception_weights: str | None = None  # local Inception-v3 weights (.h5) for FID / IS; None: skipped
    example_images: int = setting(2, minimum=1)  # images per split shown in the per-image figures


@dataclasses.dataclass(frozen=True)
class LFPConfig:
    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    model: ModelConfig = dataclasses.field(default_factory=ModelConfig)
    pretrain: PretrainConfig = dataclasses.field(default_factory=PretrainConfig)
    train: TrainConfig = dataclasses.field(default_factory=TrainConfig)
    evaluate: EvaluateConfig = dataclasses.field(default_factory=EvaluateConfig)

    def check(self) -> None:
        """Faults that involve several keys; ``ValueError`` naming them."""
        data = self.data
        if data.source == "allen" and not (data.lfp_path and data.session_path):
            raise ValueError("'data.lfp_path' and 'data.session_path' are required when data.source is 'allen'")
        if data.source == "allen" and not data.images_path:
            raise ValueError(
                "'data.images_path' is required when data.source is 'allen' (the natural scenes, "
                "which allensdk downloads; see docs/backends.md)"
            )
        if data.source == "synthetic" and data.test_images >= data.num_images:
            raise ValueError(f"'data.test_images' {data.test_images} must be below data.num_images {data.num_images}")
        if self.model.use_image:
            self._check_image_table()

    def _check_image_table(self) -> None:
        """The image encoder's table must map the images to as many positions as the signal code has."""
        from calciumgan.core.errors import ConfigError
        from lfp.models.tables import SIGNAL_ENCODER, image_encoder_table, table_sizes

        data, (name, table) = self.data, image_encoder_table(self.model.image_encoder)
        try:
            code_length = table_sizes(SIGNAL_ENCODER, (data.window,), name="the signal encoder on data.window")[-1][0]
            table_sizes(table, (data.image_height, data.image_width), positions=code_length,
                        name=f"model.image_encoder: the {name} on data.image_height x data.image_width")  # fmt: skip
        except ConfigError as error:
            raise ValueError(str(error)) from None

    def data_part(self) -> tuple:
        """What decides the data stage and pre-training: a run's folder refuses a change in these."""
        return (self.data, self.model.image_encoder, self.pretrain)

    def training_part(self) -> tuple:
        """What decides a GAN run's training (its epochs may grow on resumption)."""
        return (self.data_part(), self.model, dataclasses.replace(self.train, epochs=1))


def load_config(name_or_path) -> LFPConfig:
    """Read and check an LFP experiment config (a path or a shipped config's name: demo, thesis)."""
    return schema_loader.load_config(name_or_path, LFPConfig, SHIPPED_CONFIGS)


def config_from_dict(raw: dict, origin: str = "<dict>") -> LFPConfig:
    return schema_loader.config_from_dict(raw, LFPConfig, origin)
