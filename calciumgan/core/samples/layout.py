"""What every samples file holds, whatever its format: the kinds of signal and the opened file."""

import dataclasses
import pathlib

import numpy as np

from calciumgan.core.errors import RecordingError
from calciumgan.core.values import check_real_numbers


@dataclasses.dataclass(frozen=True)
class Signal:
    """A kind of generated signal: what its N columns are (``ids_name``) and a word for one of them."""

    name: str
    ids_name: str
    column: str


CALCIUM = Signal("calcium", "neuron_ids", "neuron")
LFP = Signal("lfp", "channel_ids", "channel")
SIGNALS = (CALCIUM, LFP)


@dataclasses.dataclass(frozen=True)
class SamplesFile:
    """An opened samples file: K windows of ``window`` frames x N columns, read a slice at a time.

    ``shape`` (K, window, N); ``sampling_rate`` in Hz; ``ids`` (N,) the neuron or channel ids;
    ``per_sample`` maps names to (K,) arrays (``labels``, ``image_ids``, ...); ``provenance`` the
    writer's metadata; ``dataset`` the HDF5 path of the values, stored (K, window, N), or
    (K * window, N) when ``end_to_end`` (NWB).
    """

    path: pathlib.Path
    signal: Signal
    shape: tuple
    sampling_rate: float
    ids: np.ndarray
    per_sample: dict
    provenance: dict
    dataset: str
    end_to_end: bool

    def read(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Samples ``start`` to ``stop`` (exclusive), (k, window, N) float32."""
        from calciumgan.core.files import open_hdf5

        count, window, columns = self.shape
        stop = count if stop is None else min(stop, count)
        with open_hdf5(self.path) as file:
            values = file[self.dataset]
            if not self.end_to_end:
                return np.asarray(values[start:stop], np.float32)
            return np.asarray(values[start * window : stop * window], np.float32).reshape(-1, window, columns)


def check_samples_shape(shape: tuple, dtype, source) -> None:
    """A one-line ``RecordingError`` unless ``shape`` is (K, T, N) with K, T, N > 0 and ``dtype`` real numbers."""
    if len(shape) != 3:
        raise RecordingError(f"{source}: 'signals' has {len(shape)} dimensions {shape}, expected samples (K, T, N) "
                             "or one recording (T, N)")  # fmt: skip
    if 0 in shape:
        raise RecordingError(f"{source}: 'signals' holds no samples: shape {shape}, expected (K, T, N), all > 0")
    check_real_numbers(np.dtype(dtype), "signals", source)
