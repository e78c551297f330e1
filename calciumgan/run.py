"""A CalciumGAN run folder: the generic run files plus what the data stage wrote.

Besides the files of ``calciumgan.training.run_folder`` it holds

===================== =================================================================
``recording.h5``      the recording trained on (a copy: the run stays self-contained)
``recording.json``    source, sampling rate (Hz), neuron ids, training and validation frames
``scaler.json``       min-max scaler fitted on the training block
``ground_truth.h5``   surrogates only: true firing rates (Hz) and spike covariance per frame,
                      of spikes and of frames holding a spike (``surrogate_ground_truth``)
===================== =================================================================

Later stages (generate, evaluate, the Python API) read these instead of redoing the data
stage. :meth:`CalciumRun.sample` draws synthetic traces in the recording's units, from the
moving average of the generator's weights when training kept one (``train.generator_ema``).
"""

import logging
import math
import pathlib

import h5py
import numpy as np

from calciumgan.config import DataConfig, ExperimentConfig
from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_hdf5
from calciumgan.core.folders import CALCIUMGAN
from calciumgan.data.readers import read_recording
from calciumgan.data.recording import load_recording, save_recording
from calciumgan.data.split import MinMaxScaler, PreparedData
from calciumgan.training.run_folder import RunFolder
from calciumgan.training.sampling import BATCH_SIZE, sample_batches

logger = logging.getLogger(__name__)


class CalciumRun(RunFolder):
    """The run folder at ``root``; one that another tool made is refused (``calciumgan.core.folders``)."""

    schema, tool = ExperimentConfig, CALCIUMGAN
    same_part = staticmethod(ExperimentConfig.training_part)  # a run may resume with more epochs

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
        if self.config_path.is_file() and self.keeps_generator_average():
            needed += (self.generator_ema_path,)
        missing = [path.name for path in needed if not path.is_file()]
        if missing:
            raise RunError(f"{self.root}: not a finished training run (missing {', '.join(missing)}); "
                           f"finish it with python -m calciumgan.train --config CONFIG --out {self.root}")  # fmt: skip

    def save_data(self, data: PreparedData) -> None:
        """Write the data stage's output (each file atomically; ``recording.json`` last)."""
        save_recording(data.recording, self.recording_path)
        data.scaler.save(self.scaler_path)
        if data.ground_truth is not None:
            with atomic_hdf5(self.ground_truth_path) as file:
                for name, values in data.ground_truth.items():
                    file.create_dataset(name, data=np.asarray(values, dtype=np.float64))
        self.write_json("recording.json", data.info())

    def recording_info(self) -> dict:
        """``recording.json``, checked: a one-line ``RunError`` names the file and the key at fault."""
        info = self.read_json("recording.json")
        path = self.path("recording.json")
        if not isinstance(info, dict):
            raise RunError(f"{path}: expected a mapping of {', '.join(_INFO_KEYS)}, got {type(info).__name__}")
        for key, valid in _INFO_KEYS.items():
            if key not in info:
                raise RunError(f"{path}: missing '{key}'")
            if not valid(info[key]):
                raise RunError(f"{path}: '{key}' has an impossible value {info[key]!r}")
        if info["validation_frames"] != [info["train_frames"][1], info["num_frames"]] or info["train_frames"][0] != 0:
            raise RunError(f"{path}: 'train_frames' and 'validation_frames' do not split 'num_frames'")
        return info

    def check_same_recording(self, data: DataConfig, stored: PreparedData) -> None:
        """A ``RunError`` if the recording a resumed run names (a file or Suite2p folder, read with the run's
        ``data`` settings) no longer holds what the run trained on."""
        if data.source != "file":
            return
        if not pathlib.Path(data.path).exists():
            logger.warning("%s is gone; the run resumes on its own copy %s", data.path, self.recording_path)
            return
        current = read_recording(data.path, data.reader_settings())
        if not np.array_equal(current.signals, stored.recording.signals):
            raise RunError(f"{data.path}: differs from the recording this run trained on ({self.recording_path}: "
                           f"{stored.recording.num_frames} frames x {stored.recording.num_neurons} neurons, the file: "
                           f"{current.num_frames} x {current.num_neurons}); choose a new --out folder")  # fmt: skip

    @property
    def sampling_rate(self) -> float:
        """Frames per second (Hz) of the recording and of every sample."""
        return float(self.recording_info()["sampling_rate"])

    def scaler(self) -> MinMaxScaler:
        """The scaler fitted on the training block, checked against the recording's neuron count."""
        scaler = MinMaxScaler.load(self.require(self.scaler_path))
        neurons = len(self.recording_info()["neuron_ids"])
        if scaler.minimum.shape not in ((), (neurons,)) or scaler.minimum.shape != scaler.maximum.shape:
            raise RunError(f"{self.scaler_path}: ranges of shape {scaler.minimum.shape} do not fit the "
                           f"{neurons} neurons of {self.path('recording.json')}")  # fmt: skip
        return scaler

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
            raise RunError(f"{self.recording_path}: {recording.num_frames} frames do not match the "
                           f"{info['num_frames']} frames of {self.path('recording.json')}")  # fmt: skip
        if info["neuron_ids"] != recording.neuron_ids.tolist():
            raise RunError(f"{self.recording_path}: its {recording.num_neurons} neuron ids differ from the "
                           f"{len(info['neuron_ids'])} of {self.path('recording.json')}")  # fmt: skip
        train, validation = recording.frames(0, cut), recording.frames(cut, recording.num_frames)
        return PreparedData(recording, train, validation, self.scaler(), self.ground_truth())

    def keeps_generator_average(self) -> bool:
        """Whether training kept an average of the generator's weights (``train.generator_ema`` or
        ``train.generator_uniform_average``)."""
        train = self.config().train
        return train.generator_ema is not None or train.generator_uniform_average

    def generator_file(self, untrained: bool = False, average: bool = True) -> pathlib.Path:
        """The generator file sampling reads: the untrained generator, else the moving average of the trained
        one's weights where training kept one and ``average`` is on, else the trained generator itself."""
        if untrained:
            return self.untrained_generator_path
        return self.generator_ema_path if average and self.keeps_generator_average() else self.generator_path

    def generator(self, untrained: bool = False, average: bool = True):
        """The model :meth:`generator_file` names, checked against the run's shapes."""
        path = self.generator_file(untrained, average)
        generator = self.load_model(path)
        expected = (self.config().data.window, len(self.recording_info()["neuron_ids"]))
        if tuple(generator.output_shape[1:]) != expected:
            raise RunError(f"{path}: makes traces of shape {tuple(generator.output_shape[1:])}, but "
                           f"{self.path('recording.json')} lists neuron_ids and config.yaml a window for "
                           f"{expected}")  # fmt: skip
        return generator

    def sample_batches(self, count: int, seed: int = 0, batch_size: int = BATCH_SIZE, untrained: bool = False, *,
                       average: bool = True, truncation: float | None = None):  # fmt: skip
        """An iterator of batches (<= batch_size, window, N) of float32 synthetic traces in the recording's units.

        ``untrained`` and ``average`` choose the generator (:meth:`generator_file`); ``truncation``
        is the noise threshold of ``calciumgan.training.sampling`` (``None``: plain normal noise).
        The generator and scaler are loaded and checked before this returns.
        """
        generator, scaler = self.generator(untrained, average), self.scaler()
        return (scaler.inverse(batch) for batch in sample_batches(generator, count, seed, batch_size, truncation))

    def sample(self, count: int, seed: int = 0, untrained: bool = False, *, average: bool = True,
               truncation: float | None = None) -> np.ndarray:  # fmt: skip
        """(count, window, N) float32 synthetic traces in the recording's units; the same for the same seed.

        The arguments are those of :meth:`sample_batches`.
        """
        batches = self.sample_batches(count, seed, untrained=untrained, average=average, truncation=truncation)
        return np.concatenate(list(batches))


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _frame_range(value) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(_whole(v) and v >= 0 for v in value)


def _distinct_ids(value) -> bool:
    return isinstance(value, list) and value != [] and all(map(_whole, value)) and len(set(value)) == len(value)


_INFO_KEYS = {  # recording.json: each key and a test of its value
    "source": lambda value: isinstance(value, str),
    "sampling_rate": lambda value: isinstance(value, (int, float)) and math.isfinite(value) and value > 0,
    "neuron_ids": _distinct_ids,
    "num_frames": lambda value: _whole(value) and value > 0,
    "train_frames": _frame_range,
    "validation_frames": _frame_range,
}
