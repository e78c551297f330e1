"""The samples file that every generator of the package writes and the evaluation reads: K generated
windows (K, window, N) of calcium traces (CalciumGAN, the VAE, the AC-GAN) or LFP (the LFP GAN).

Two formats hold the same content, chosen by the file's suffix:

- HDF5 (``.h5``, ``.hdf5``; :mod:`.hdf5`): dataset ``signals`` (K, window, N) float32, one (K,)
  dataset per per-sample array, root attributes ``sampling_rate`` (Hz), the ids and the provenance.
- NWB (``.nwb``; :mod:`.nwb`): one series of the K windows end to end in time, a table of the ids,
  and the table ``intervals/samples`` with one row per window and a column per per-sample array.

Values are in the units of the data the generator learned: the recording's for calcium, the
z-scored units of each window for LFP. Files appear under their name only when complete.
"""

import pathlib

from calciumgan.core.files import HDF5_SUFFIXES
from calciumgan.core.samples.hdf5 import open_samples_hdf5, write_samples_hdf5
from calciumgan.core.samples.layout import CALCIUM, LFP, SIGNALS, SamplesFile, Signal, check_samples_shape

NWB_SUFFIX = ".nwb"
SUFFIXES = (*HDF5_SUFFIXES, NWB_SUFFIX)

__all__ = ["CALCIUM", "LFP", "SIGNALS", "SUFFIXES", "SamplesFile", "Signal", "check_samples_shape", "open_samples",
           "write_samples"]  # fmt: skip


def write_samples(path, batches, shape: tuple, sampling_rate: float, ids, provenance: dict,
                  per_sample: dict | None = None, signal: Signal = CALCIUM) -> pathlib.Path:  # fmt: skip
    """Write ``batches`` (each (<= K, window, N)), ``shape`` = (K, window, N) in all, to ``path`` as HDF5 or NWB
    by its suffix, atomically. ``ids`` (N,) integers; ``provenance`` JSON values; ``per_sample`` names to (K,)."""
    path = pathlib.Path(path)
    if path.suffix == NWB_SUFFIX:
        from calciumgan.core.samples.nwb import (
            write_samples_nwb,  # pynwb loads only for NWB output
        )

        write_samples_nwb(path, batches, shape, sampling_rate, ids, provenance, per_sample, signal)
    else:
        write_samples_hdf5(path, batches, shape, sampling_rate, ids, provenance, per_sample, signal)
    return path


def open_samples(path) -> SamplesFile | None:
    """The samples file at ``path`` (checked, not read), or ``None`` if it is an HDF5 or NWB file of something
    else (a recording); a one-line ``RecordingError`` for a damaged samples file."""
    path = pathlib.Path(path)
    if path.suffix == NWB_SUFFIX:
        from calciumgan.core.samples.nwb import open_samples_nwb

        return open_samples_nwb(path)
    return open_samples_hdf5(path)
