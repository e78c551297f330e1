"""The CalciumGAN experiment schema: sections ``data``, ``model``, ``train`` and ``evaluate``.

Each stage owns the settings it consumes, and this module composes them: ``data`` is
``calciumgan.data.settings.DataConfig``, ``model`` ``calciumgan.models.settings.ModelConfig``,
``train`` ``calciumgan.training.settings.TrainConfig`` and ``evaluate``
``calciumgan.evaluation.settings.EvaluateConfig`` (all four re-exported here).

Every key is a field there, with its default and its allowed values; ``calciumgan.core.config``
loads YAML files against this schema and names the file and key of any fault. Shipped configs
live in ``calciumgan/configs/`` and can be named without their folder or suffix. No stage
imports this module: the arrows run from the experiment down to the stages.
"""

import dataclasses
import pathlib

from calciumgan.core import config as schema_loader
from calciumgan.data.settings import DataConfig
from calciumgan.evaluation.settings import EvaluateConfig
from calciumgan.models.settings import ModelConfig
from calciumgan.models.shapes import model_problem
from calciumgan.training.settings import TrainConfig

__all__ = ["SHIPPED_CONFIGS", "DataConfig", "EvaluateConfig", "ExperimentConfig", "ModelConfig", "TrainConfig",
           "config_from_dict", "load_config"]  # fmt: skip

SHIPPED_CONFIGS = pathlib.Path(__file__).parent / "configs"


@dataclasses.dataclass(frozen=True)
class ExperimentConfig:
    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    model: ModelConfig = dataclasses.field(default_factory=ModelConfig)
    train: TrainConfig = dataclasses.field(default_factory=TrainConfig)
    evaluate: EvaluateConfig = dataclasses.field(default_factory=EvaluateConfig)

    def check(self) -> None:
        """Faults that involve several keys; ``ValueError`` naming them."""
        self.data.check()
        self.train.check()
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
