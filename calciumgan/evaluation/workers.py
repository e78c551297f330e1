"""Spike inference over worker processes, in memory or streamed from HDF5 files.

:func:`infer_spikes_parallel` and :func:`infer_spikes_hdf5` cut (K, T, N) samples into chunks
of samples, hand each to :func:`calciumgan.evaluation.inference.infer_spikes` in a worker
process and gather the (K, T, N) uint8 spike counts. Results equal one in-process call exactly,
whatever the chunking or number of workers. Like the inference module, this one imports
neither TensorFlow nor Keras, so the workers start fast.
"""

import concurrent.futures
import logging
import multiprocessing
import os
import pathlib

import numpy as np

from calciumgan.core.errors import RecordingError
from calciumgan.core.files import atomic_hdf5, open_hdf5
from calciumgan.core.progress import ProgressBar
from calciumgan.evaluation.inference import SpikeInferenceSettings, infer_spikes

logger = logging.getLogger(__name__)

CHUNK_SAMPLES = 16
"""Samples per worker task: 16 x 102 neurons of 2048 frames is about 0.1 s of fixed-mode or
0.6 s of estimated-mode work, and 13 MB of float32."""


def infer_spikes_parallel(
    traces,
    settings: SpikeInferenceSettings | None = None,
    workers: int | None = None,
    chunk_samples: int = CHUNK_SAMPLES,
    progress: bool = True,
    label: str = "spikes",
) -> np.ndarray:
    """:func:`infer_spikes` of (K, T, N) or (T, N) ``traces`` over worker processes.

    Workers get chunks of ``chunk_samples`` samples (see :data:`CHUNK_SAMPLES`); a (T, N) input
    is one sample. ``workers`` defaults to the CPUs this process may use; with one worker or a
    single chunk the work stays in this process. Results equal :func:`infer_spikes` exactly.
    ``progress`` draws a bar on stderr, its lines starting with ``label`` (the stage and the sets).

    Workers start by "forkserver" (or "spawn"), never plain fork, so a parent that has imported
    TensorFlow is safe. Like every such pool, each worker re-imports the parent's ``__main__``
    module: scripts need an ``if __name__ == "__main__":`` guard, and a main module that imports
    TensorFlow at its top makes every worker import it too (seconds each); import it inside
    functions there.
    """
    settings = settings or SpikeInferenceSettings()
    array = np.asarray(traces)
    if array.ndim not in (2, 3):
        raise ValueError(f"traces must be (K, T, N) or (T, N), got shape {array.shape}")
    samples = array if array.ndim == 3 else array[None]
    spikes = np.zeros(samples.shape, dtype=np.uint8)

    def chunks():
        for start in range(0, len(samples), chunk_samples):
            yield start, samples[start : start + chunk_samples]

    def store(start, result):
        spikes[start : start + len(result)] = result

    _run_chunks(chunks(), len(samples), settings, workers, chunk_samples, store, progress, label)
    return spikes if array.ndim == 3 else spikes[0]


def infer_spikes_hdf5(
    source_path,
    dataset: str,
    out_path,
    settings: SpikeInferenceSettings | None = None,
    chunk_samples: int = CHUNK_SAMPLES,
    workers: int | None = None,
    progress: bool = True,
    label: str = "spikes",
) -> pathlib.Path:
    """Infer spikes of HDF5 dataset ``dataset`` chunk by chunk; write them to ``out_path``.

    The source is (K, T, N) samples or one (T, N) recording (one sample); it is read
    ``chunk_samples`` samples at a time. ``out_path`` gets a uint8 ``spikes`` dataset of the
    source's shape, written atomically (nothing under ``out_path`` if anything fails), the
    source file's root attributes (e.g. ``sampling_rate``, ``neuron_ids``), a copy of a
    ``neuron_ids`` dataset if there is one, and on ``spikes`` the settings and source as
    attributes. Bad input raises :class:`RecordingError` with one line naming the file.
    """
    import h5py  # only the parent needs it

    settings = settings or SpikeInferenceSettings()
    source, out = pathlib.Path(source_path), pathlib.Path(out_path)
    if out.resolve() == source.resolve():
        raise RecordingError(f"{source}: the output path must differ from the source file")
    with open_hdf5(source) as file:
        data = file.get(dataset)
        if not isinstance(data, h5py.Dataset):
            raise RecordingError(f"{source}: missing dataset '{dataset}'")
        if data.ndim not in (2, 3):
            raise RecordingError(f"{source}: dataset '{dataset}' must be (K, T, N) or (T, N), got shape {data.shape}")
        if not (np.issubdtype(data.dtype, np.integer) or np.issubdtype(data.dtype, np.floating)):
            raise RecordingError(f"{source}: dataset '{dataset}' must hold real numbers, got dtype {data.dtype}")
        num_frames = data.shape[-2]
        if num_frames < settings.min_frames:
            raise RecordingError(
                f"{source}: dataset '{dataset}' has {num_frames} frames; "
                f"{settings.mode} mode needs at least {settings.min_frames}"
            )
        num_samples = data.shape[0] if data.ndim == 3 else 1

        def chunks():
            for start in range(0, num_samples, chunk_samples):
                stop = min(start + chunk_samples, num_samples)
                chunk = data[start:stop] if data.ndim == 3 else data[()][None]
                if not np.isfinite(chunk).all():
                    raise RecordingError(
                        f"{source}: dataset '{dataset}' has NaN or infinite values in samples {start}..{stop - 1}"
                    )
                yield start, chunk

        with atomic_hdf5(out) as target:
            target.attrs.update(dict(file.attrs))
            if "neuron_ids" in file and isinstance(file["neuron_ids"], h5py.Dataset):
                target.create_dataset("neuron_ids", data=file["neuron_ids"][()])
            spikes = target.create_dataset(
                "spikes", data.shape, dtype="uint8", chunks=(1, *data.shape[1:]) if data.ndim == 3 else None,
                compression="gzip", compression_opts=4,
            )  # fmt: skip
            spikes.attrs.update(settings.as_attributes())
            spikes.attrs.update(
                source_file=str(source), source_dataset=dataset, oasis_version=_oasis_version(),
                layout="(samples, time, neurons)" if data.ndim == 3 else "(time, neurons)",
                rule="1 spike in a frame where the OASIS AR(1) event exceeds the threshold, else 0",
            )  # fmt: skip

            def store(start, result):
                if data.ndim == 3:
                    spikes[start : start + len(result)] = result
                else:
                    spikes[()] = result[0]

            _run_chunks(chunks(), num_samples, settings, workers, chunk_samples, store, progress, label)
    logger.info("inferred spikes of %s:%s (%s) into %s", source, dataset, settings.mode, out)
    return out


def _run_chunks(chunks, num_samples, settings, workers, chunk_samples, store, progress, label):
    """Infer each (start, (k, T, N) chunk) and ``store(start, spikes)``, here or in workers."""
    if int(chunk_samples) < 1:
        raise ValueError(f"chunk_samples must be at least 1, got {chunk_samples}")
    workers = _available_cpus() if workers is None else int(workers)
    num_chunks = -(-num_samples // chunk_samples)
    bar = ProgressBar(num_samples, label, enabled=progress)
    try:
        if workers <= 1 or num_chunks <= 1:
            for start, chunk in chunks:
                result = infer_spikes(chunk, settings)
                store(start, result)
                bar.update(len(result))
            return
        context = multiprocessing.get_context(
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        )
        workers = min(workers, num_chunks)
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending = {}

            def collect():
                done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    start = pending.pop(future)
                    result = future.result()
                    store(start, result)
                    bar.update(len(result))

            try:
                for start, chunk in chunks:
                    while len(pending) >= 2 * workers:  # bound the chunks held in memory
                        collect()
                    pending[pool.submit(infer_spikes, np.asarray(chunk), settings)] = start
                while pending:
                    collect()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        bar.close()


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _oasis_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("oasis-deconv")
    except metadata.PackageNotFoundError:
        return "unknown"
