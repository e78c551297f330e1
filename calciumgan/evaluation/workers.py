"""Spike inference over worker processes, in memory or streamed from HDF5 files.

:func:`infer_spikes_parallel` and :func:`infer_spikes_hdf5` cut (K, T, N) samples into chunks
of samples, hand each to :func:`calciumgan.evaluation.inference.infer_spikes` in a worker
process (or a task of a Dask distributed cluster, :func:`task_executor`) and gather the
(K, T, N) uint8 spike counts. Results equal one in-process call exactly,
whatever the chunking or number of workers. Like the inference module, this one imports
neither TensorFlow nor Keras, so the workers start fast.
"""

import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import pathlib
import sys

import numpy as np

from calciumgan.core.errors import RecordingError
from calciumgan.core.files import atomic_hdf5, open_hdf5
from calciumgan.core.progress import ProgressBar
from calciumgan.evaluation.inference import SpikeInferenceSettings, infer_spikes

logger = logging.getLogger(__name__)

SCHEDULER_TIMEOUT_S = 30  # seconds to wait for a Dask scheduler to answer
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
    scheduler: str | None = None,
) -> np.ndarray:
    """:func:`infer_spikes` of (K, T, N) or (T, N) ``traces`` over worker processes (or the Dask scheduler at
    address ``scheduler``: :func:`task_executor`).

    Workers get chunks of ``chunk_samples`` samples (see :data:`CHUNK_SAMPLES`); a (T, N) input
    is one sample. ``workers`` defaults to the CPUs this process may use; with one worker or a
    single chunk the work stays in this process. Results equal :func:`infer_spikes` exactly.
    ``progress`` draws a bar on stderr, its lines starting with ``label`` (the stage and the sets).

    Workers start by "forkserver" (or "spawn"), never plain fork, so a parent that has imported
    TensorFlow is safe. They do not import the parent's ``__main__`` module, as such workers
    otherwise do (:func:`_main_module_hidden`): a script calling this without an ``if __name__ ==
    "__main__":`` guard works, and a main module that imports TensorFlow costs the workers nothing.
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

    _run_chunks(chunks(), len(samples), settings, workers, chunk_samples, store, progress, label, scheduler)
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
    scheduler: str | None = None,
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

            _run_chunks(chunks(), num_samples, settings, workers, chunk_samples, store, progress, label, scheduler)
    logger.info("inferred spikes of %s:%s (%s) into %s", source, dataset, settings.mode, out)
    return out


def _run_chunks(chunks, num_samples, settings, workers, chunk_samples, store, progress, label, scheduler=None):
    """Infer each (start, (k, T, N) chunk) and ``store(start, spikes)``, here, in worker processes, or as tasks
    of the Dask scheduler at address ``scheduler``."""
    if int(chunk_samples) < 1:
        raise ValueError(f"chunk_samples must be at least 1, got {chunk_samples}")
    workers = available_cpus() if workers is None else int(workers)
    num_chunks = -(-num_samples // chunk_samples)
    bar = ProgressBar(num_samples, label, enabled=progress)
    try:
        if not scheduler and (workers <= 1 or num_chunks <= 1):
            for start, chunk in chunks:
                result = infer_spikes(chunk, settings)
                store(start, result)
                bar.update(len(result))
            return
        with task_executor(min(workers, num_chunks), scheduler) as (executor, slots):
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
                    while len(pending) >= 2 * slots:  # bound the chunks held in memory
                        collect()
                    pending[executor.submit(infer_spikes, np.asarray(chunk), settings)] = start
                while pending:
                    collect()
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
    finally:
        bar.close()


@contextlib.contextmanager
def task_executor(workers: int, scheduler: str | None = None):
    """``(executor, slots)``: a ``concurrent.futures`` executor for the evaluation's tasks and how many run at once.

    With ``scheduler``, the address of a running Dask distributed scheduler (``evaluate.scheduler``,
    e.g. ``tcp://10.0.0.5:8786``), the tasks run on its workers (``pip install
    'calciumgan[distributed]'``); otherwise in ``workers`` processes of this machine, started by
    "forkserver" (or "spawn") with the main module hidden (:func:`_main_module_hidden`).
    """
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise RecordingError(f"evaluate.scheduler {scheduler}: running on a Dask scheduler needs Dask "
                                 "distributed; pip install 'calciumgan[distributed]'") from None  # fmt: skip
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
        except OSError as error:
            raise RecordingError(f"evaluate.scheduler {scheduler}: no Dask scheduler answers there ({error})") from None
        with client:
            yield client.get_executor(), max(1, sum(client.nthreads().values()))
        return
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    with _main_module_hidden(), concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool, workers


@contextlib.contextmanager
def _main_module_hidden():
    """Start worker processes meanwhile without re-running the parent's ``__main__`` module in them.

    A "spawn" or "forkserver" child imports the parent's main module, by file or by module name
    (``multiprocessing.spawn.get_preparation_data``), so that functions defined there can be
    unpickled. A script without an ``if __name__ == "__main__":`` guard then runs again in the
    child and, calling the evaluation, tries to start processes of its own: the pool breaks
    (``BrokenProcessPool``). The workers here run only this package's functions, so the main
    module's file and spec are hidden while they start, and restored afterwards.
    """
    main = sys.modules["__main__"]
    saved = {name: main.__dict__[name] for name in ("__file__", "__spec__") if name in main.__dict__}
    main.__spec__ = None  # multiprocessing reads it with getattr, so None means "no module name"
    main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


def available_cpus() -> int:
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
