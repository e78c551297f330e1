"""The files of one training run, in one folder.

========================= ===================================================
``config.yaml``           the resolved configuration the run was started with
``recording.json``        source, sampling rate (Hz), neuron ids, block sizes
``scaler.json``           min-max scaler fitted on the training block
``checkpoints/``          ``epoch-NNNNN.h5`` training checkpoints
``logs/``                 TensorBoard event files
``generator.keras``       trained generator, loadable in a fresh process
``critic.keras``          trained critic
========================= ===================================================
"""

import dataclasses
import json
import pathlib

from calciumgan.config import ExperimentConfig, load_config, save_config
from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_path
from calciumgan.data.split import MinMaxScaler


@dataclasses.dataclass(frozen=True)
class RunFolder:
    root: pathlib.Path

    def __post_init__(self):
        object.__setattr__(self, "root", pathlib.Path(self.root))

    @property
    def config_path(self):
        return self.root / "config.yaml"

    @property
    def recording_info_path(self):
        return self.root / "recording.json"

    @property
    def scaler_path(self):
        return self.root / "scaler.json"

    @property
    def checkpoints(self):
        return self.root / "checkpoints"

    @property
    def logs(self):
        return self.root / "logs"

    @property
    def generator_path(self):
        return self.root / "generator.keras"

    @property
    def critic_path(self):
        return self.root / "critic.keras"

    def start(self, config: ExperimentConfig) -> None:
        """Create the folder with ``config``, or check that an existing run trained the same way.

        ``train.epochs`` may differ, so a finished run can be extended, and so may the
        ``evaluate`` section, which does not affect training.
        """
        if self.config_path.is_file():
            previous = self.config()
            comparable = dataclasses.replace(
                previous,
                train=dataclasses.replace(previous.train, epochs=config.train.epochs),
                evaluate=config.evaluate,
            )
            if comparable != config:
                raise RunError(
                    f"{self.config_path}: this run folder was started with a different configuration; "
                    "choose a new --out folder"
                )
        self.root.mkdir(parents=True, exist_ok=True)
        save_config(config, self.config_path)

    def config(self) -> ExperimentConfig:
        self._require(self.config_path)
        return load_config(str(self.config_path))

    def save_recording_info(self, info: dict) -> None:
        with atomic_path(self.recording_info_path) as temporary:
            temporary.write_text(json.dumps(info, indent=1))

    def recording_info(self) -> dict:
        self._require(self.recording_info_path)
        return json.loads(self.recording_info_path.read_text())

    def scaler(self) -> MinMaxScaler:
        self._require(self.scaler_path)
        return MinMaxScaler.load(self.scaler_path)

    def save_model(self, model, path: pathlib.Path) -> None:
        """Write a Keras model as a ``.keras`` file, atomically."""
        with atomic_path(path) as temporary:
            model.save(temporary)

    def load_model(self, path: pathlib.Path):
        """Load a ``.keras`` model written by ``save_model`` (safe mode on)."""
        import keras  # imported here so that the evaluation's worker processes need no TensorFlow

        import calciumgan.models.layers  # noqa: F401  (registers the custom layers)

        self._require(path)
        return keras.saving.load_model(path, safe_mode=True)

    def _require(self, path: pathlib.Path) -> None:
        if not path.is_file():
            raise RunError(f"{path}: missing; is {self.root} a finished training run?")

