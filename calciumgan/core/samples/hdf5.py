"""The HDF5 samples file (see :mod:`calciumgan.core.samples`).

``signals``        (K, window, N) float32: K generated windows of N neurons or channels
per-sample arrays  (K,) each, e.g. ``labels`` (AC-GAN), ``image_ids`` and ``showings`` (LFP)
root attributes    ``sampling_rate`` (Hz), the N ids (``neuron_ids`` or ``channel_ids``), ``package``,
                   ``version`` and the writer's provenance
"""

import pathlib

import numpy as np

from calciumgan.core import __version__
from calciumgan.core.errors import RecordingError
from calciumgan.core.files import atomic_hdf5, open_hdf5
from calciumgan.core.samples.layout import CALCIUM, SIGNALS, SamplesFile, Signal, check_samples_shape
from calciumgan.core.values import checked_sampling_rate

DATASET = "signals"


def write_samples_hdf5(path, batches, shape: tuple, sampling_rate: float, ids, provenance: dict,
                       per_sample: dict | None = None, signal: Signal = CALCIUM) -> None:  # fmt: skip
    """Write ``batches`` (each (<= K, window, N)) into ``signals`` of ``shape`` = (K, window, N), atomically."""
    with atomic_hdf5(path) as file:
        signals = file.create_dataset(DATASET, shape, dtype="float32")
        written = 0
        for batch in batches:
            signals[written : written + len(batch)] = batch
            written += len(batch)
        for name, values in (per_sample or {}).items():
            file.create_dataset(name, data=np.asarray(values))
        file.attrs.update(sampling_rate=sampling_rate, **{signal.ids_name: np.asarray(ids)}, package="calciumgan",
                          version=__version__, **provenance)  # fmt: skip


def open_samples_hdf5(path: pathlib.Path) -> SamplesFile | None:
    """The samples of HDF5 ``path``; ``None`` if it holds a recording (2-D or no ``signals``) instead."""
    with open_hdf5(path) as file:
        if DATASET not in file:
            return None
        try:
            signals = file[DATASET]
        except Exception as error:  # h5py raises KeyError, OSError or RuntimeError for damaged objects
            raise RecordingError(f"{path}: '{DATASET}' cannot be read ({error})") from None
        if not hasattr(signals, "shape"):
            raise RecordingError(f"{path}: '{DATASET}' is a group, expected a dataset (K, T, N)")
        if signals.ndim == 2:
            return None
        check_samples_shape(signals.shape, signals.dtype, path)
        if "sampling_rate" not in file.attrs:
            raise RecordingError(f"{path}: missing root attribute 'sampling_rate' (Hz)")
        rate = checked_sampling_rate(file.attrs["sampling_rate"], path)
        count, _, columns = signals.shape
        signal = next((signal for signal in SIGNALS if signal.ids_name in file.attrs), CALCIUM)
        ids = np.asarray(file.attrs.get(signal.ids_name, np.arange(columns)))
        if ids.shape != (columns,) or not np.issubdtype(ids.dtype, np.integer):
            raise RecordingError(f"{path}: attribute '{signal.ids_name}' must be {columns} integers, "
                                 f"got {ids.dtype} {ids.shape}")  # fmt: skip
        per_sample = {name: item[()] for name, item in file.items()
                      if name != DATASET and getattr(item, "shape", None) == (count,)}  # fmt: skip
        provenance = {name: _plain(value) for name, value in file.attrs.items()
                      if name not in ("sampling_rate", signal.ids_name)}  # fmt: skip
        return SamplesFile(path, signal, signals.shape, rate, ids, per_sample, provenance, DATASET, end_to_end=False)


def _plain(value):
    """An HDF5 attribute as a Python value: numbers and strings as themselves, arrays as lists."""
    value = value.tolist() if isinstance(value, np.ndarray) else value
    return value.item() if isinstance(value, np.generic) else value
