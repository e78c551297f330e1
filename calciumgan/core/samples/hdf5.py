"""The HDF5 samples file that every generator of the package writes: CalciumGAN and the VAE (calcium windows),
the AC-GAN (labelled windows) and the LFP GAN (one window per image showing).

``signals``        (K, window, N) float32: K generated windows of N neurons or channels, in the recording's units
per-sample arrays  (K,) each, e.g. ``labels`` (AC-GAN), ``image_ids`` and ``showings`` (LFP)
root attributes    ``sampling_rate`` (Hz), the N ids (``neuron_ids`` or ``channel_ids``) and the provenance

NWB samples of calcium traces are ``calciumgan.data.nwb_samples``; the evaluation reads both
(``calciumgan.evaluation.trace_files``).
"""

import numpy as np

from calciumgan.core.files import atomic_hdf5


def write_samples_hdf5(path, batches, shape: tuple, sampling_rate: float, ids, attributes: dict,
                       per_sample: dict | None = None, ids_name: str = "neuron_ids") -> None:  # fmt: skip
    """Write ``batches`` (each (<= K, window, N)) into ``signals`` of ``shape`` = (K, window, N) of HDF5 ``path``,
    atomically; ``per_sample`` maps names to (K,) arrays; root attributes ``sampling_rate`` (Hz), ``ids_name`` =
    ``ids`` (N,) and ``attributes``."""
    with atomic_hdf5(path) as file:
        signals = file.create_dataset("signals", shape, dtype="float32")
        written = 0
        for batch in batches:
            signals[written : written + len(batch)] = batch
            written += len(batch)
        for name, values in (per_sample or {}).items():
            file.create_dataset(name, data=np.asarray(values))
        file.attrs.update(sampling_rate=sampling_rate, **{ids_name: np.asarray(ids)}, **attributes)
