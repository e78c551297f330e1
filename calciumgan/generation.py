"""Write synthetic traces of a trained run to a samples file (the library side of ``calciumgan.generate``).

The HDF5 file (``.h5`` or ``.hdf5``) holds dataset ``signals`` (K, window, N) float32 in the
recording's original units, and root attributes ``sampling_rate`` (Hz), ``neuron_ids`` (N,),
``seed``, ``run``, ``generator`` (the model file sampled: ``generator_ema.keras``, the moving
average of the weights, where training kept one, unless ``average=False``) and, with a
``truncation`` T, ``truncation`` (noise components beyond +-T are redrawn: BigGAN's truncation trick).

An NWB file (``samples.nwb``, written and read with pynwb) holds the same traces as one
``RoiResponseSeries`` ``processing/ophys/Fluorescence/synthetic_traces`` (K * window, N): the
samples end to end in time at the recording's rate, its ROIs' ids the neuron ids, sample k
frames [k * window, (k + 1) * window) as listed in the table ``intervals/samples``; the
provenance (run, generator, seed, truncation, the run's config, calciumgan's version) is JSON in
``general/data_collection``. ``calciumgan.core.samples`` describes both layouts and reads them back.

The run is checked and the generator loaded before anything is written; the file is written
under a temporary name and renamed when complete. An existing file is kept unless ``overwrite``.
"""

import dataclasses
import logging
import pathlib

from calciumgan.core.files import check_output_file
from calciumgan.core.samples import NWB_SUFFIX, SUFFIXES, write_samples
from calciumgan.training.sampling import BATCH_SIZE

logger = logging.getLogger("calciumgan.generate")


def generate(run_dir, num_samples: int, out, seed: int = 0, batch_size: int = BATCH_SIZE, overwrite: bool = False,
             average: bool = True, truncation: float | None = None) -> pathlib.Path:  # fmt: skip
    """Write ``num_samples`` synthetic windows of the run in ``run_dir`` to ``out``, HDF5 or NWB by its suffix.

    ``average`` and ``truncation`` are those of ``CalciumRun.sample_batches``.
    """
    from calciumgan.run import CalciumRun

    out = check_output_file(out, SUFFIXES, overwrite)
    run = CalciumRun(run_dir)
    run.check_finished()
    info, config = run.recording_info(), run.config()
    batches = run.sample_batches(num_samples, seed, batch_size, average=average, truncation=truncation)
    shape = (num_samples, config.data.window, len(info["neuron_ids"]))
    provenance = {"run": str(run.root), "generator": run.generator_file(average=average).name, "seed": seed}
    if truncation is not None:
        provenance["truncation"] = truncation
    if out.suffix == NWB_SUFFIX:  # NWB keeps the provenance as JSON, so it holds the run's config too
        provenance["config"] = dataclasses.asdict(config)
    write_samples(out, batches, shape, info["sampling_rate"], info["neuron_ids"], provenance)
    logger.info("wrote %d samples of %d frames x %d neurons to %s", *shape, out)
    return out
