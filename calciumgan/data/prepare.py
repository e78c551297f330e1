"""From a data config to scaled training and validation blocks."""

import dataclasses
import pathlib

import numpy as np

from calciumgan.config import DataConfig
from calciumgan.core.errors import ConfigError, RecordingError
from calciumgan.data.recording import Recording, load_recording
from calciumgan.data.surrogate import surrogate_recording
from calciumgan.data.split import MinMaxScaler, split_train_validation

PREPARE_HINT = (
    "convert your traces with `python -m calciumgan.prepare --signals TRACES.npy --sampling-rate HZ --out {path}` "
    "or pass --data PATH (README: 'Your own recording')"
)


def load_data(config: DataConfig) -> Recording:
    """The recording a config names: a built-in surrogate or a file."""
    if config.source == "surrogate":
        try:
            return surrogate_recording(
                config.preset, num_frames=config.num_frames, num_neurons=config.num_neurons, seed=config.surrogate_seed
            )
        except ValueError as error:
            raise ConfigError(f"data: {error}") from None
    path = pathlib.Path(config.path)
    if not path.is_file():
        raise RecordingError(f"{path}: no such file; " + PREPARE_HINT.format(path=path))
    return load_recording(path)


@dataclasses.dataclass(frozen=True)
class PreparedData:
    """A recording split in time, with the scaler fitted on its training block.

    ``train_scaled`` and ``validation_scaled`` are (T_block, N) float32 arrays in the
    scaler's [0, 1] units.
    """

    recording: Recording
    train: Recording
    validation: Recording
    scaler: MinMaxScaler

    @property
    def train_scaled(self) -> np.ndarray:
        return self.scaler.transform(self.train.signals)

    @property
    def validation_scaled(self) -> np.ndarray:
        return self.scaler.transform(self.validation.signals)

    def info(self) -> dict:
        """What later stages need to know about the data, as plain JSON values."""
        return {
            "source": self.recording.source,
            "sampling_rate": self.recording.sampling_rate,
            "neuron_ids": self.recording.neuron_ids.tolist(),
            "num_frames": self.recording.num_frames,
            "train_frames": [0, self.train.num_frames],
            "validation_frames": [self.train.num_frames, self.recording.num_frames],
        }


def prepare_data(config: DataConfig) -> PreparedData:
    """Load, split into contiguous train/validation blocks and fit the scaler on train."""
    recording = load_data(config)
    recording.report_silent_neurons()
    train, validation = split_train_validation(recording, config.window, config.validation_fraction)
    scaler = MinMaxScaler.fit(train.signals, per_neuron=config.scaling == "per_neuron")
    return PreparedData(recording, train, validation, scaler)
