"""Typed experiment configuration, loaded from YAML and validated key by key.

A config file has four sections, ``data``, ``model``, ``train`` and ``evaluate``, whose keys
are the fields of the dataclasses below. A key that is not a field, or a value
of the wrong type, is a ``ConfigError`` naming it. Shipped configs live in
``calciumgan/configs/`` and can be named without their folder or suffix.
"""

import dataclasses
import pathlib
import types
import typing

import yaml

from calciumgan.core.errors import ConfigError
from calciumgan.core.files import atomic_path

SHIPPED_CONFIGS = pathlib.Path(__file__).parent / "configs"


@dataclasses.dataclass(frozen=True)
class DataConfig:
    """Where the recording comes from and how it is cut into windows."""

    source: str = "surrogate"  # "surrogate" (built-in ground truth) or "file"
    preset: str = "day4"  # surrogate preset: "day1" or "day4"
    path: str | None = None  # recording (.npz / .h5) when source is "file"
    num_frames: int | None = None  # surrogate length; None keeps the preset's
    num_neurons: int | None = None  # surrogate: keep the first n neurons of the preset
    surrogate_seed: int = 0
    window: int = 2048  # frames per training example
    stride: int = 2  # frames between consecutive window starts
    validation_fraction: float = 0.2  # last contiguous block of time held out
    scaling: str = "global"  # min-max over all neurons ("global") or each neuron ("per_neuron")


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """Generator and critic architecture (Table 3.1 of the CalciumGAN thesis)."""

    noise_dim: int = 32
    filters: int = 64
    kernel_size: int = 24
    strides: int = 2
    num_blocks: int = 5  # upsampling blocks in the generator, strided convolutions in the critic
    phase_shuffle: int = 10  # maximum shift m of the critic's phase shuffle
    normalization: str = "layer"  # "layer" or "none", in the generator
    # "fast": strided convolutions rewritten as exact stride-1 ones (sub-pixel / space-to-depth);
    # "keras": keras.layers.Conv1DTranspose and Conv1D. Same parameters, same outputs.
    convolutions: str = "fast"


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """WGAN-GP optimisation (Table 4.1)."""

    batch_size: int = 128
    epochs: int = 400
    steps_per_epoch: int | None = None  # None: training windows // batch_size
    n_critic: int = 5  # critic updates, each on a fresh real batch, per generator update
    gradient_penalty: float = 10.0
    learning_rate: float = 1e-4
    beta_1: float = 0.5
    beta_2: float = 0.9
    mixed_precision: bool = False  # mixed_float16 with dynamic loss scaling (GPU)
    jit_compile: bool = False  # XLA-compile the train step
    validation_batches: int = 4
    checkpoint_every: int = 1  # epochs between checkpoints
    keep_checkpoints: int = 3
    seed: int = 42
    deterministic: bool = False  # TensorFlow op determinism (bit-identical resume; slower)


@dataclasses.dataclass(frozen=True)
class EvaluateConfig:
    """Spike inference, statistics and divergences of the evaluation (thesis §3.2, §4.3.1)."""

    num_samples: int = 1000  # held-out real windows and synthetic samples compared
    sample_seed: int = 1  # seed of the synthetic samples' noise
    spike_inference: str = "fixed"  # "fixed" (thesis: g 0.95, s_min 0.55, threshold 0.5) or "estimated"
    decay: float = 0.95  # AR(1) coefficient g of the fixed mode
    min_spike: float = 0.55  # OASIS s_min of the fixed mode
    threshold: float = 0.5  # deconvolved amplitude above which a frame has a spike (fixed mode)
    correlation_bin_width: float = 0.5  # seconds; the thesis's code binned at 500 ms
    van_rossum_time_constant: float = 1.0  # seconds (Elephant's default)
    kl_bins: int = 30
    kl_pseudo_count: float = 0.5  # added to every histogram bin before normalising
    heatmap_samples: int = 50  # samples per side of the same-neuron van Rossum heatmaps (Fig. 4.6c)
    workers: int | None = None  # spike-inference processes; None uses every core


@dataclasses.dataclass(frozen=True)
class ExperimentConfig:
    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    model: ModelConfig = dataclasses.field(default_factory=ModelConfig)
    train: TrainConfig = dataclasses.field(default_factory=TrainConfig)
    evaluate: EvaluateConfig = dataclasses.field(default_factory=EvaluateConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def with_data_file(self, path) -> "ExperimentConfig":
        """The same experiment on the recording at ``path``."""
        return dataclasses.replace(self, data=dataclasses.replace(self.data, source="file", path=str(path)))


CHOICES = {
    ("data", "source"): ("surrogate", "file"),
    ("data", "preset"): ("day1", "day4"),
    ("data", "scaling"): ("global", "per_neuron"),
    ("model", "normalization"): ("layer", "none"),
    ("model", "convolutions"): ("fast", "keras"),
    ("evaluate", "spike_inference"): ("fixed", "estimated"),
}


def resolve_config_path(name_or_path: str) -> pathlib.Path:
    """A config file path, or the name of a shipped config (``demo``, ``demo.yaml``)."""
    path = pathlib.Path(name_or_path)
    if path.is_file():
        return path
    shipped = SHIPPED_CONFIGS / (path.name if path.suffix else f"{path.name}.yaml")
    if path.parent == pathlib.Path(".") and shipped.is_file():
        return shipped
    known = ", ".join(sorted(p.stem for p in SHIPPED_CONFIGS.glob("*.yaml")))
    raise ConfigError(f"{name_or_path}: no such config file or shipped config (shipped: {known})")


def load_config(name_or_path: str) -> ExperimentConfig:
    """Read and validate a YAML config (a path or a shipped config's name)."""
    path = resolve_config_path(name_or_path)
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({error})".replace("\n", " ")) from None
    return config_from_dict(raw, str(path))


def config_from_dict(raw: dict, origin: str = "<dict>") -> ExperimentConfig:
    """Build an ``ExperimentConfig`` from nested dicts, checking every key and type."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: expected a mapping with sections data, model, train, evaluate")
    sections = {field.name: field.type for field in dataclasses.fields(ExperimentConfig)}
    unknown = set(raw) - set(sections)
    if unknown:
        raise ConfigError(f"{origin}: unknown section '{sorted(unknown)[0]}' (known: {', '.join(sections)})")
    built = {}
    for section, section_type in sections.items():
        values = raw.get(section) or {}
        if not isinstance(values, dict):
            raise ConfigError(f"{origin}: section '{section}' must be a mapping")
        built[section] = _build_section(section_type, values, section, origin)
    config = ExperimentConfig(**built)
    _check_values(config, origin)
    return config


def _build_section(section_type, values: dict, section: str, origin: str):
    fields = {field.name: field for field in dataclasses.fields(section_type)}
    hints = typing.get_type_hints(section_type)
    for key, value in values.items():
        if key not in fields:
            raise ConfigError(f"{origin}: unknown key '{section}.{key}' (known: {', '.join(fields)})")
        if not _has_type(value, hints[key]):
            raise ConfigError(
                f"{origin}: '{section}.{key}' must be {_type_name(hints[key])}, got {type(value).__name__} {value!r}"
            )
    coerced = {key: float(value) if hints[key] is float else value for key, value in values.items()}
    return section_type(**coerced)


def _has_type(value, hint) -> bool:
    if isinstance(hint, types.UnionType):
        return any(_has_type(value, option) for option in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _type_name(hint) -> str:
    if isinstance(hint, types.UnionType):
        return " or ".join(_type_name(option) for option in typing.get_args(hint))
    return "null" if hint is type(None) else hint.__name__


def _check_values(config: ExperimentConfig, origin: str) -> None:
    for (section, key), allowed in CHOICES.items():
        value = getattr(getattr(config, section), key)
        if value not in allowed:
            raise ConfigError(f"{origin}: '{section}.{key}' must be one of {', '.join(allowed)}, got {value!r}")
    positive = [
        ("data", "window"), ("data", "stride"), ("model", "noise_dim"), ("model", "filters"),
        ("model", "kernel_size"), ("model", "strides"), ("model", "num_blocks"), ("train", "batch_size"),
        ("train", "epochs"), ("train", "n_critic"), ("train", "learning_rate"), ("train", "checkpoint_every"),
        ("train", "keep_checkpoints"), ("train", "validation_batches"), ("evaluate", "num_samples"),
        ("evaluate", "correlation_bin_width"), ("evaluate", "van_rossum_time_constant"), ("evaluate", "kl_bins"),
        ("evaluate", "heatmap_samples"),
    ]  # fmt: skip
    for section, key in positive:
        value = getattr(getattr(config, section), key)
        if value <= 0:
            raise ConfigError(f"{origin}: '{section}.{key}' must be positive, got {value}")
    if not 0 < config.data.validation_fraction < 1:
        raise ConfigError(f"{origin}: 'data.validation_fraction' must lie in (0, 1)")
    if config.data.source == "file" and not config.data.path:
        raise ConfigError(f"{origin}: 'data.path' is required when data.source is 'file'")
    if config.model.phase_shuffle < 0 or config.train.gradient_penalty < 0:
        raise ConfigError(f"{origin}: 'model.phase_shuffle' and 'train.gradient_penalty' must be >= 0")


def save_config(config: ExperimentConfig, path) -> None:
    """Write the resolved config as YAML (used for the run folder's snapshot)."""
    with atomic_path(path) as temporary:
        temporary.write_text(yaml.safe_dump(config.to_dict(), sort_keys=False))
