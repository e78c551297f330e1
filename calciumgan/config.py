"""The CalciumGAN experiment schema: sections ``data``, ``model``, ``train`` and ``evaluate``.

Every key is a field below, with its default and its allowed values; ``calciumgan.core.config``
loads YAML files against this schema and names the file and key of any fault. Shipped configs
live in ``calciumgan/configs/`` and can be named without their folder or suffix.
"""

import dataclasses
import pathlib

from calciumgan.core import config as schema_loader
from calciumgan.core.config import setting
from calciumgan.data.presets import DFF_PRESETS, PRESETS
from calciumgan.data.presets import NUM_NEURONS as SURROGATE_NEURONS
from calciumgan.data.readers import ReaderSettings
from calciumgan.data.suite2p import TRACES
from calciumgan.evaluation.divergence import DEFAULT_BINS, DEFAULT_PSEUDO_COUNT
from calciumgan.evaluation.inference import MODES, SpikeInferenceSettings
from calciumgan.evaluation.statistics import DEFAULT_CORRELATION_BIN_WIDTH, DEFAULT_VAN_ROSSUM_TIME_CONSTANT
from calciumgan.models.shapes import VARIANT_NAMES, model_problem

SHIPPED_CONFIGS = pathlib.Path(__file__).parent / "configs"
_SPIKES = SpikeInferenceSettings()
_READER = ReaderSettings()


@dataclasses.dataclass(frozen=True)
class DataConfig:
    """Where the recording comes from and how it is cut into windows."""

    source: str = setting("surrogate", choices=("surrogate", "file"))  # built-in ground truth or a file
    preset: str = setting("day4", choices=(*PRESETS, *DFF_PRESETS))  # surrogate: dichotomized Gaussian or ΔF/F
    # when source is "file": a recording (.npz / .h5), a Suite2p plane folder (or a suite2p folder with one
    # plane) or an NWB file (its ophys RoiResponseSeries)
    path: str | None = None
    num_frames: int | None = setting(None, minimum=1)  # surrogate length; None keeps the preset's
    num_neurons: int | None = setting(None, minimum=1, maximum=SURROGATE_NEURONS)  # surrogate: the first n neurons
    surrogate_seed: int = setting(0, minimum=0)
    window: int = setting(2048, minimum=1)  # frames per training example
    stride: int = setting(2, minimum=1)  # frames between consecutive window starts
    validation_fraction: float = setting(0.2, above=0, below=1)  # last contiguous block of time held out
    scaling: str = setting("global", choices=("global", "per_neuron"))  # min-max over all neurons or each
    # Suite2p folders (calciumgan.data.suite2p): traces from F - c * Fneu with a running-percentile baseline F0
    neuropil_coefficient: float = setting(_READER.neuropil_coefficient, minimum=0)  # c
    cells_only: bool = _READER.cells_only  # only the ROIs iscell.npy labels cells; False: every ROI
    suite2p_spikes: bool = _READER.include_spikes  # spks.npy as ground-truth spikes (deconvolved, not counts)
    trace: str = setting(_READER.trace, choices=TRACES)  # (F - F0) / F0, F - F0, or F - c * Fneu
    baseline_percentile: float = setting(_READER.baseline_percentile, minimum=0, maximum=100)  # F0's percentile
    baseline_window_s: float = setting(_READER.baseline_window_s, above=0)  # F0's running window, seconds
    # NWB files: the RoiResponseSeries, "<container>/<series>" or "<series>"; None: the first by name
    nwb_series: str | None = None

    def check(self) -> None:
        """Faults that involve several keys of the section; ``ValueError`` naming them."""
        if self.source == "file" and not self.path:
            raise ValueError("'data.path' is required when data.source is 'file'")

    def reader_settings(self) -> ReaderSettings:
        """How ``path`` is read when it is a Suite2p folder or an NWB file."""
        return ReaderSettings(neuropil_coefficient=self.neuropil_coefficient, cells_only=self.cells_only,
                              include_spikes=self.suite2p_spikes, trace=self.trace,
                              baseline_percentile=self.baseline_percentile, baseline_window_s=self.baseline_window_s,
                              nwb_series=self.nwb_series)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """Generator and critic architecture (Table 3.1 of the CalciumGAN thesis; 2D variants: Table A.2)."""

    # "wavegan" (Table 3.1), "wavegan2d" (CalciumGAN-2D, Table A.2), "wavegan2d_fft" (2D on spectra, §3.2.2)
    variant: str = setting("wavegan", choices=VARIANT_NAMES)
    # generator head: "direct" (sigmoid, Table 3.1) or "calcium" (events -> learned AR(1) decay, baseline, noise)
    output: str = setting("direct", choices=("direct", "calcium"))
    # generator upsampling: "transposed" convolutions (thesis) or "nearest" neighbour + convolution
    upsampling: str = setting("transposed", choices=("transposed", "nearest"))
    # wavegan: latent positions generated beyond each end of the window and cropped away (each
    # strides ** num_blocks frames), so that edge frames see no zero padding and the calcium head
    # starts warm; 0: the thesis's generator
    edge_margin: int = setting(0, minimum=0)
    noise_dim: int = setting(32, minimum=1)
    filters: int = setting(64, minimum=1)
    kernel_size: int = setting(24, minimum=1)
    strides: int = setting(2, minimum=1)
    num_blocks: int = setting(5, minimum=1)  # upsampling blocks in the generator, strided convolutions in the critic
    phase_shuffle: int = setting(10, minimum=0)  # maximum shift m of the critic's phase shuffle (frames)
    phase_shuffle_neurons: int = setting(0, minimum=0)  # 2D variants: maximum shift n across neurons (A.1: 10)
    critic_kernel_size: int | None = setting(None, minimum=1)  # 2D variants: critic kernel; None: kernel_size
    critic_strides: int | None = setting(None, minimum=1)  # 2D variants: critic stride in time; None: strides
    # wavegan: the critic's last layer also sees each neuron's mean and spread over the batch, so a batch
    # with the wrong per-neuron rates or amplitudes scores apart from a real one (issue 21's ablation)
    critic_neuron_statistics: bool = False
    # wavegan with output "calcium": before training, set each neuron's baseline, noise, calcium decay and event
    # bias from the training traces, so every neuron starts at its recorded level of activity (issue 21's ablation)
    head_from_data: bool = False
    normalization: str = setting("layer", choices=("layer", "none"))  # in the generator
    # "fast": strided convolutions rewritten as exact stride-1 ones (sub-pixel / space-to-depth);
    # "keras": keras.layers.Conv1DTranspose and Conv1D. Same parameters, same outputs. 1D variant only.
    convolutions: str = setting("fast", choices=("fast", "keras"))


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """Adversarial optimisation (Table 4.1)."""

    batch_size: int = setting(128, minimum=1)
    epochs: int = setting(400, minimum=1)
    steps_per_epoch: int | None = setting(None, minimum=1)  # None: training windows // batch_size
    n_critic: int = setting(5, minimum=1)  # critic updates, each on a fresh real batch, per generator update
    loss: str = setting("wasserstein", choices=("wasserstein",))
    # "gradient": two-sided WGAN-GP; "one_sided": Eq. 2.8-2.9 of the LFP thesis; "divergence": WGAN-div
    penalty: str = setting("gradient", choices=("gradient", "one_sided", "divergence"))
    penalty_weight: float | None = setting(None, minimum=0)  # lambda (or k for WGAN-div); None: 10 (k: 2)
    divergence_power: float = setting(6.0, above=0)  # p of WGAN-div
    learning_rate: float = setting(1e-4, above=0)
    beta_1: float = setting(0.5, minimum=0, below=1)
    beta_2: float = setting(0.9, minimum=0, below=1)
    # "mixed_float16" scales the losses; "mixed_bfloat16" needs no scaling. Both pay off on GPUs.
    precision: str = setting("float32", choices=("float32", "mixed_float16", "mixed_bfloat16"))
    jit_compile: bool = False  # TensorFlow: XLA-compile the step (JAX always compiles it)
    # split each batch (batch_size is global) over every local accelerator; losses stay means over
    # the global batch. JAX: keras.distribution-style data parallelism on a one-axis device mesh
    data_parallel: bool = False
    validation_batches: int = setting(4, minimum=1)
    checkpoint_every: int = setting(1, minimum=1)  # epochs between checkpoints
    keep_checkpoints: int = setting(3, minimum=1)
    seed: int = setting(42, minimum=0)
    deterministic: bool = False  # TensorFlow op determinism (bit-identical resume; slower)
    # decay d of a moving average of the generator's weights, sampled instead of them (ProGAN: 0.999); None: off
    generator_ema: float | None = setting(None, above=0, below=1)
    # beta of BigGAN's orthogonal regularisation of the generator's kernels, added to its loss (BigGAN: 1e-4)
    orthogonal_regularization: float = setting(0.0, minimum=0)
    # weight of feature matching on each neuron's statistics (level, spread, autocorrelation, pair
    # correlations; calciumgan.training.moments) in the generator's loss; 0: off
    moment_matching: float = setting(0.0, minimum=0)


@dataclasses.dataclass(frozen=True)
class EvaluateConfig:
    """Spike inference, statistics and divergences of the evaluation (thesis §3.2, §4.3.1).

    Defaults come from the evaluation modules, so a value is written in one place only.
    """

    num_samples: int = setting(1000, minimum=1)  # held-out real windows and synthetic samples compared
    sample_seed: int = setting(1, minimum=0)  # seed of the synthetic samples' noise and the baselines
    truncation: float | None = setting(None, above=0)  # redraw noise components beyond +-T (BigGAN); None: off
    # "auto": "fixed" for the dichotomized-Gaussian surrogates (the thesis's units), "calibrated" otherwise
    spike_inference: str = setting("auto", choices=("auto", *MODES))
    decay: float = setting(_SPIKES.decay, above=0, below=1)  # AR(1) coefficient g of the fixed mode
    min_spike: float = setting(_SPIKES.min_spike, minimum=0)  # OASIS s_min of the fixed mode
    threshold: float = setting(_SPIKES.threshold, minimum=0)  # spike where the event exceeds it (fixed)
    correlation_bin_width: float = setting(DEFAULT_CORRELATION_BIN_WIDTH, above=0)  # seconds
    van_rossum_time_constant: float = setting(DEFAULT_VAN_ROSSUM_TIME_CONSTANT, above=0)  # seconds
    kl_bins: int = setting(DEFAULT_BINS, minimum=1)
    kl_pseudo_count: float = setting(DEFAULT_PSEUDO_COUNT, minimum=0)  # added to every histogram bin
    # baselines' spikes become traces through the calcium model fitted on the training block and are
    # inferred like every other set; False keeps the thesis's spikes-only rows
    baseline_traces: bool = True
    heatmap_samples: int = setting(50, minimum=1)  # samples per side of the van Rossum heatmaps (Fig. 4.6c)
    workers: int | None = setting(None, minimum=1)  # spike-inference processes; None uses every core
    progress: bool = True  # spike inference's progress lines on stderr (off in the notebooks)

    def spike_settings(self, mode: str | None = None, calibration=None) -> SpikeInferenceSettings:
        """The OASIS settings these values name; ``mode`` resolves "auto" (default: the configured mode)."""
        mode = mode or self.spike_inference
        if mode == "auto":
            raise ValueError("resolve spike_inference 'auto' to a mode first (see evaluation.pipeline)")
        return SpikeInferenceSettings(mode=mode, decay=self.decay, min_spike=self.min_spike, threshold=self.threshold,
                                      calibration=calibration)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class ExperimentConfig:
    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    model: ModelConfig = dataclasses.field(default_factory=ModelConfig)
    train: TrainConfig = dataclasses.field(default_factory=TrainConfig)
    evaluate: EvaluateConfig = dataclasses.field(default_factory=EvaluateConfig)

    def check(self) -> None:
        """Faults that involve several keys; ``ValueError`` naming them."""
        self.data.check()
        problem = model_problem(self.model, self.data.window)
        if problem:
            raise ValueError(problem)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def with_data_file(self, path) -> "ExperimentConfig":
        """The same experiment on the recording at ``path``."""
        return dataclasses.replace(self, data=dataclasses.replace(self.data, source="file", path=str(path)))

    def training_part(self) -> "ExperimentConfig":
        """What decides how a run trains: the config without ``train.epochs`` and ``evaluate``.

        A run folder may be resumed with more epochs or other evaluation settings.
        """
        return dataclasses.replace(
            self, train=dataclasses.replace(self.train, epochs=1), evaluate=EvaluateConfig()
        )


def load_config(name_or_path) -> ExperimentConfig:
    """Read and check a YAML experiment config (a path or a shipped config's name)."""
    return schema_loader.load_config(name_or_path, ExperimentConfig, SHIPPED_CONFIGS)


def config_from_dict(raw: dict, origin: str = "<dict>") -> ExperimentConfig:
    """An ``ExperimentConfig`` from nested dicts, every key and value checked."""
    return schema_loader.config_from_dict(raw, ExperimentConfig, origin)
