"""A CalciumGAN run folder: the generic run files plus what the data stage wrote.

Besides the files of ``calciumgan.training.run_folder`` it holds

===================== =================================================================
``recording.h5``      the recording trained on (a copy: the run stays self-contained)
``recording.json``    source, sampling rate (Hz), neuron ids, training and validation frames
``scaler.json``       min-max scaler fitted on the training block
``ground_truth.h5``   surrogates only: true firing rates (Hz) and spike covariance per frame
===================== =================================================================

Later stages (generate, evaluate, the Python API) read these instead of redoing the data
stage. :meth:`CalciumRun.sample` draws synthetic traces in the recording's units.
"""

import h5py
import numpy as np

from calciumgan.config import ExperimentConfig
from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_path
from calciumgan.data.recording import load_recording, save_recording
from calciumgan.data.split import MinMaxScaler, PreparedData
from calciumgan.training.run_folder import RunFolder
from calciumgan.training.sampling import BATCH_SIZE, sample_batches


class CalciumRun(RunFolder):
    """The run folder at ``root``."""

    def __init__(self, root):
        super().__init__(root, ExperimentConfig)

    def start(self, config: ExperimentConfig) -> None:
        """Create the folder, or check that it was started with the same training configuration."""
        super().start(config, same_training=ExperimentConfig.training_part)

    @property
    def recording_path(self):
        return self.path("recording.h5")

    @property
    def scaler_path(self):
        return self.path("scaler.json")

    @property
    def ground_truth_path(self):
        return self.path("ground_truth.h5")

    def check_finished(self) -> None:
        """A one-line ``RunError`` unless training finished here (every file later stages read exists)."""
        if not self.root.is_dir():
            raise RunError(f"{self.root}: no such run folder")
        needed = (self.config_path, self.recording_path, self.path("recording.json"), self.scaler_path,
                  self.untrained_generator_path, self.generator_path)  # fmt: skip
        missing = [path.name for path in needed if not path.is_file()]
        if missing:
            raise RunError(f"{self.root}: not a finished training run (missing {', '.join(missing)}); "
                           f"finish it with python -m calciumgan.train --config CONFIG --out {self.root}")  # fmt: skip

    def has_data(self) -> bool:
        return all(self.path(name).is_file() for name in ("recording.h5", "recording.json", "scaler.json"))

    def save_data(self, data: PreparedData) -> None:
        """Write the data stage's output (each file atomically; ``recording.json`` last)."""
        save_recording(data.recording, self.recording_path)
        data.scaler.save(self.scaler_path)
        if data.ground_truth is not None:
            with atomic_path(self.ground_truth_path) as temporary, h5py.File(temporary, "w") as file:
                for name, values in data.ground_truth.items():
                    file.create_dataset(name, data=np.asarray(values, dtype=np.float64))
        self.write_json("recording.json", data.info())

    def recording_info(self) -> dict:
        return self.read_json("recording.json")

    @property
    def sampling_rate(self) -> float:
        """Frames per second (Hz) of the recording and of every sample."""
        return float(self.recording_info()["sampling_rate"])

    def scaler(self) -> MinMaxScaler:
        return MinMaxScaler.load(self.require(self.scaler_path))

    def ground_truth(self) -> dict | None:
        """The surrogate's true rates and covariance, or ``None`` for recorded data."""
        if not self.ground_truth_path.is_file():
            return None
        with h5py.File(self.ground_truth_path, "r") as file:
            return {name: file[name][()] for name in file}

    def load_data(self) -> PreparedData:
        """The prepared data exactly as training saw it."""
        recording = load_recording(self.require(self.recording_path))
        info = self.recording_info()
        cut = info["train_frames"][1]
        if info["num_frames"] != recording.num_frames or not 0 < cut < recording.num_frames:
            raise RunError(f"{self.recording_path}: {recording.num_frames} frames do not match "
                           f"{self.path('recording.json')}")  # fmt: skip
        train, validation = recording.frames(0, cut), recording.frames(cut, recording.num_frames)
        return PreparedData(recording, train, validation, self.scaler(), self.ground_truth())

    def generator(self, untrained: bool = False):
        """The trained generator (or the untrained one it started from)."""
        return self.load_model(self.untrained_generator_path if untrained else self.generator_path)

    def sample_batches(self, count: int, seed: int = 0, batch_size: int = BATCH_SIZE, untrained: bool = False):
        """Yield batches (<= batch_size, window, N) of float32 synthetic traces in the recording's units."""
        generator, scaler = self.generator(untrained), self.scaler()
        for batch in sample_batches(generator, count, seed, batch_size):
            yield scaler.inverse(batch)

    def sample(self, count: int, seed: int = 0, untrained: bool = False) -> np.ndarray:
        """(count, window, N) float32 synthetic traces in the recording's units; the same for the same seed."""
        return np.concatenate(list(self.sample_batches(count, seed, untrained=untrained)))
