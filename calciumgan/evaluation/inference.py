"""Spike inference by OASIS AR(1) deconvolution, the same for real and synthetic traces.

Every trace (one neuron in one sample, ``T`` frames) is deconvolved in float64 with OASIS's
``oasisAR1`` (Friedrich, Zhou & Paninski 2017), which fits ``y_t - b = c_t + noise`` with
calcium ``c_t = g c_{t-1} + s_t`` and every non-zero event ``s_t >= s_min``.

The spike rule
--------------
A frame holds one spike where the deconvolved event exceeds a threshold, ``s_t > threshold``,
and none otherwise: outputs are binary uint8 arrays of spike counts per frame (0 or 1). Why
not ``round(s_t / unit)``: the ground-truth surrogate and the dichotomized-Gaussian model have
at most one spike per frame, the thesis counted events this way, and on ΔF/F data the size of
one spike is not identified by the trace alone (it differs between neurons), so a count of
units would be a guess. Because ``oasisAR1`` makes every positive event at least ``s_min``,
any threshold below ``s_min`` (0.5 < 0.55 in the thesis) just keeps all positive events.

Modes (:class:`SpikeInferenceSettings`)
---------------------------------------
``"fixed"`` (the thesis's setting): ``g = 0.95``, ``s_min = 0.55``, baseline 0, threshold 0.5,
for every trace. It assumes a spike adds about one unit, as in ``calciumgan.data.surrogate``; on
ΔF/F traces (one spike adds about 0.2) it misses most spikes.

``"estimated"``: per trace, from the trace alone,

1. decay ``g``: least-squares fit of ``gamma_{k+1} = g gamma_k`` to the autocovariances
   ``gamma_k`` at lags ``k = 1 .. L`` (``L = autocovariance_lags``); lag 0 is left out because it
   also holds the noise variance. Clipped to ``decay_bounds``.
2. noise ``sn``: the innovations ``e_t = y_t - g y_{t-1}`` equal ``(1 - g) b + s_t`` plus noise
   of standard deviation ``sn sqrt(1 + g^2)``; spikes are sparse outliers, so
   ``sn = 1.4826 MAD(e) / sqrt(1 + g^2)``. (OASIS's own ``GetSn`` reads the spectrum above a
   quarter of the sampling rate, where dense ΔF/F transients still have power, and overestimated
   ``sn`` by 30-90 % on our 2 Hz GCaMP6f-like simulations.)
3. minimum spike ``s_min = noise_multiple * sn * sqrt(1 - g^2)``. ``sn sqrt(1 - g^2)`` is the
   standard error of the amplitude of one isolated AR(1) transient fitted to white noise of
   standard deviation ``sn``; the thesis's 0.55 is 5.9 such units on its surrogate
   (``0.3 sqrt(1 - 0.95^2) = 0.094``), and the default multiple is 5. ``s_min`` is floored at
   1e-6 of the trace's largest absolute value, so that a noise-free (e.g. constant) trace does
   not count rounding crumbs as spikes.
4. baseline ``b``: the root of ``f(b) = mean(y - b - c_b)``, where ``c_b`` is the calcium
   deconvolved from ``y - b`` (``b + f(b)`` is the least-squares baseline given the calcium).
   It starts at ``P_p(y) - z_p sn``, the baseline if the lowest ``p`` % of frames were noise
   around it (``P_p`` the ``p = baseline_percentile`` percentile, ``z_p`` the standard normal
   quantile; starting more than ``s_min`` below the truth lets the calcium absorb the offset),
   and takes ``baseline_iterations`` steps, each one deconvolution: a plain update ``b += f(b)``, then
   secant steps (plain updates alone crawl on dense traces, whose calcium absorbs an offset).
5. deconvolve ``y - b`` with ``g`` and ``s_min``; spike where ``s_t > relative_threshold * s_min``.

OASIS quirks worth knowing: the first frame never holds a spike (``s_0 = 0``; the initial
calcium level is free, so a window cut mid-transient does not start with a spike), and
``estimate_time_constant`` draws from NumPy's global random state when a root leaves [0, 1]
(results would differ between processes), which is one reason the decay is estimated here.

Arrays keep the (time, neurons) layout: ``traces`` are (..., T, N) and spike counts have the same
shape. This module imports neither TensorFlow nor Keras, so worker processes stay light.
"""

import concurrent.futures
import dataclasses
import logging
import multiprocessing
import os
import pathlib
import statistics
import sys
import time

import numpy as np
from oasis.oasis_methods import oasisAR1

from calciumgan.core.errors import RecordingError
from calciumgan.core.files import atomic_path

logger = logging.getLogger(__name__)

MODES = ("fixed", "estimated")
MAD_TO_STD = 1.4826  # standard deviation of a Gaussian per unit of median absolute deviation
MIN_SPIKE_FLOOR = 1e-6  # smallest s_min in "estimated" mode, as a fraction of the trace's largest |value|


@dataclasses.dataclass(frozen=True)
class SpikeInferenceSettings:
    """How traces become spike trains (see the module docstring for both modes' rules).

    Attributes:
        mode: ``"fixed"`` (thesis) or ``"estimated"`` (per-trace decay, noise, baseline, s_min).
        decay: fixed mode: AR(1) coefficient ``g`` per frame (0.95, the surrogate's).
        min_spike: fixed mode: OASIS's ``s_min``, smallest event in trace units (0.55).
        threshold: fixed mode: spike where the event ``s > threshold``, trace units (0.5).
        baseline: fixed mode: subtracted from every trace before deconvolution (0).
        noise_multiple: estimated mode: ``s_min`` in units of ``sn sqrt(1 - g^2)`` (5).
        relative_threshold: estimated mode: spike where ``s > relative_threshold * s_min``
            (0.9, as 0.5 / 0.55 in the thesis).
        decay_bounds: estimated mode: the decay estimate is clipped to this range. The upper
            bound 0.995 allows time constants up to 8 s at 24 Hz.
        autocovariance_lags: estimated mode: lags ``L`` used to fit the decay (10, OASIS's).
        baseline_percentile: estimated mode: starting baseline, percentile of the trace (10).
        baseline_iterations: estimated mode: baseline steps, one deconvolution each (3).
    """

    mode: str = "fixed"
    decay: float = 0.95
    min_spike: float = 0.55
    threshold: float = 0.5
    baseline: float = 0.0
    noise_multiple: float = 5.0
    relative_threshold: float = 0.9
    decay_bounds: tuple[float, float] = (0.3, 0.995)
    autocovariance_lags: int = 10
    baseline_percentile: float = 10.0
    baseline_iterations: int = 3

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")
        if not 0 < self.decay < 1:
            raise ValueError(f"decay must lie in (0, 1), got {self.decay}")
        for name in ("min_spike", "threshold"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be non-negative, got {getattr(self, name)}")
        for name in ("noise_multiple", "relative_threshold"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        low, high = self.decay_bounds
        if not 0 < low < high < 1:
            raise ValueError(f"decay_bounds must satisfy 0 < low < high < 1, got {self.decay_bounds}")
        object.__setattr__(self, "decay_bounds", (float(low), float(high)))
        if int(self.autocovariance_lags) != self.autocovariance_lags or self.autocovariance_lags < 1:
            raise ValueError(f"autocovariance_lags must be a positive integer, got {self.autocovariance_lags}")
        if not 0 <= self.baseline_percentile <= 100:
            raise ValueError(f"baseline_percentile must lie in [0, 100], got {self.baseline_percentile}")
        if int(self.baseline_iterations) != self.baseline_iterations or self.baseline_iterations < 0:
            raise ValueError(f"baseline_iterations must be a non-negative integer, got {self.baseline_iterations}")

    @property
    def min_frames(self) -> int:
        """Shortest trace the mode accepts (the decay fit needs ``L + 2`` frames)."""
        return 2 if self.mode == "fixed" else int(self.autocovariance_lags) + 2

    def as_attributes(self) -> dict:
        """The settings as HDF5-storable attributes."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


@dataclasses.dataclass(frozen=True)
class TraceParameters:
    """Per-trace deconvolution parameters, each (..., N) float64: the traces' shape without T.

    ``decay`` is ``g`` per frame; ``noise`` (``sn``), ``min_spike`` and ``baseline`` are in
    trace units. In fixed mode they are the settings' values (``noise`` is NaN, not used).
    """

    decay: np.ndarray
    noise: np.ndarray
    min_spike: np.ndarray
    baseline: np.ndarray


def infer_spikes(traces, settings: SpikeInferenceSettings | None = None) -> np.ndarray:
    """Binary spike counts (uint8, 0 or 1) of the same (..., T, N) shape as ``traces``.

    Every trace is deconvolved in float64 in this process; see :func:`infer_spikes_parallel`
    for large inputs. Raises ValueError for fewer than two dimensions, too few frames, or NaN
    or infinite values.
    """
    spikes, _ = _deconvolve(traces, settings or SpikeInferenceSettings())
    return spikes


def estimated_parameters(traces, settings: SpikeInferenceSettings | None = None) -> TraceParameters:
    """The decay, noise, minimum spike and baseline used for each (..., T, N) trace."""
    _, parameters = _deconvolve(traces, settings or SpikeInferenceSettings())
    return parameters


def _deconvolve(traces, settings: SpikeInferenceSettings):
    array = np.asarray(traces)
    if array.ndim < 2:
        raise ValueError(f"traces must be (..., T, N) with T frames and N neurons, got shape {array.shape}")
    *leading, num_frames, num_neurons = array.shape
    if num_frames < settings.min_frames:
        raise ValueError(f"traces need at least {settings.min_frames} frames in {settings.mode} mode, got {num_frames}")
    # (M, T) float64 rows, one per trace; every reduction runs along the contiguous last axis,
    # so a trace's result does not depend on which other traces share its chunk.
    rows = np.ascontiguousarray(np.moveaxis(array, -2, -1).reshape(-1, num_frames), dtype=np.float64)
    if not np.isfinite(rows).all():
        raise ValueError("traces contain NaN or infinite values")
    if settings.mode == "fixed":
        spikes, parameters = _deconvolve_fixed(rows, settings)
    else:
        spikes, parameters = _deconvolve_estimated(rows, settings)
    spikes = np.moveaxis(spikes.reshape(*leading, num_neurons, num_frames), -1, -2)
    shape = (*leading, num_neurons)
    return spikes, TraceParameters(*(values.reshape(shape) for values in parameters))


def _deconvolve_fixed(rows: np.ndarray, settings: SpikeInferenceSettings):
    spikes = np.zeros(rows.shape, dtype=np.uint8)
    for index, trace in enumerate(rows):
        _, events = oasisAR1(trace - settings.baseline, settings.decay, lam=0.0, s_min=settings.min_spike)
        spikes[index] = events > settings.threshold
    count = len(rows)
    parameters = (
        np.full(count, settings.decay),
        np.full(count, np.nan),
        np.full(count, settings.min_spike),
        np.full(count, settings.baseline),
    )
    return spikes, parameters


def _deconvolve_estimated(rows: np.ndarray, settings: SpikeInferenceSettings):
    decay = _estimate_decay(rows, settings)
    innovations = rows[:, 1:] - decay[:, None] * rows[:, :-1]
    deviation = np.abs(innovations - np.median(innovations, axis=1, keepdims=True))
    noise = MAD_TO_STD * np.median(deviation, axis=1) / np.sqrt(1.0 + decay**2)
    floor = MIN_SPIKE_FLOOR * np.abs(rows).max(axis=1)
    min_spike = np.maximum(settings.noise_multiple * noise * np.sqrt(1.0 - decay**2), floor)
    # the baseline if the lowest frames were noise around it: p-th percentile minus z_p sn
    z = statistics.NormalDist().inv_cdf(min(max(settings.baseline_percentile / 100, 1e-9), 1 - 1e-9))
    baseline = np.percentile(rows, settings.baseline_percentile, axis=1) - z * noise
    spikes = np.zeros(rows.shape, dtype=np.uint8)
    for index, trace in enumerate(rows):
        g, s_min = float(decay[index]), float(min_spike[index])
        b = _fit_baseline(trace, g, s_min, float(baseline[index]), settings.baseline_iterations)
        _, events = oasisAR1(trace - b, g, lam=0.0, s_min=s_min)
        spikes[index] = events > settings.relative_threshold * s_min
        baseline[index] = b
    return spikes, (decay, noise, min_spike, baseline)


def _fit_baseline(trace: np.ndarray, decay: float, min_spike: float, start: float, iterations: int) -> float:
    """Root of ``f(b) = mean(y - b - c_b)``, ``c_b`` the calcium of ``y - b``, by secant steps.

    ``b + f(b)`` is the least-squares baseline given ``c_b``, but iterating it alone converges
    slowly on dense traces (the calcium absorbs most of an offset). So the first step is that
    update and later ones are secant steps, capped at 10 plain steps; a step falls back to the
    plain update where the secant slope is not negative.
    """
    previous = None
    for _ in range(iterations):
        calcium, _ = oasisAR1(trace - start, decay, lam=0.0, s_min=min_spike)
        residual = float(np.mean(trace - start - calcium))
        step = residual
        if previous is not None and previous[0] != start and previous[1] != residual:
            slope = (residual - previous[1]) / (start - previous[0])
            if slope < 0:
                step = float(np.clip(-residual / slope, -10 * abs(residual), 10 * abs(residual)))
        previous = (start, residual)
        start += step
    return start


def _estimate_decay(rows: np.ndarray, settings: SpikeInferenceSettings) -> np.ndarray:
    """(M,) AR(1) coefficients from autocovariances at lags 1 .. L + 1 (lag 0 holds the noise)."""
    lags = int(settings.autocovariance_lags)
    num_frames = rows.shape[1]
    centred = rows - rows.mean(axis=1, keepdims=True)
    autocovariance = np.stack(
        [(centred[:, lag:] * centred[:, : num_frames - lag]).sum(axis=1) / num_frames for lag in range(1, lags + 2)]
    )
    numerator = (autocovariance[:-1] * autocovariance[1:]).sum(axis=0)
    denominator = (autocovariance[:-1] ** 2).sum(axis=0)
    low, high = settings.decay_bounds
    with np.errstate(divide="ignore", invalid="ignore"):
        decay = np.where(denominator > 0, numerator / denominator, low)
    return np.clip(decay, low, high)


def infer_spikes_parallel(
    traces,
    settings: SpikeInferenceSettings | None = None,
    workers: int | None = None,
    chunk_samples: int = 16,
    progress: bool = True,
) -> np.ndarray:
    """:func:`infer_spikes` of (K, T, N) or (T, N) ``traces`` over worker processes.

    Workers get chunks of ``chunk_samples`` samples (16 x 102 neurons of 2048 frames is about
    0.1 s of fixed-mode or 0.6 s of estimated-mode work, and 13 MB of float32); a (T, N) input
    is one sample. ``workers`` defaults to the CPUs this process may use; with one worker or a
    single chunk the work stays in this process. Results equal :func:`infer_spikes` exactly.
    ``progress`` draws a bar on stderr.

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

    _run_chunks(chunks(), len(samples), settings, workers, chunk_samples, store, progress)
    return spikes if array.ndim == 3 else spikes[0]


def infer_spikes_hdf5(
    source_path,
    dataset: str,
    out_path,
    settings: SpikeInferenceSettings | None = None,
    chunk_samples: int = 16,
    workers: int | None = None,
    progress: bool = True,
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
    if not source.is_file():
        raise RecordingError(f"{source}: no such file")
    if out.resolve() == source.resolve():
        raise RecordingError(f"{source}: the output path must differ from the source file")
    try:
        file = h5py.File(source, "r")
    except OSError as error:
        raise RecordingError(f"{source}: not a readable HDF5 file ({error})") from None
    with file:
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

        with atomic_path(out) as temporary, h5py.File(temporary, "w") as target:
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

            _run_chunks(chunks(), num_samples, settings, workers, chunk_samples, store, progress)
    logger.info("inferred spikes of %s:%s (%s) into %s", source, dataset, settings.mode, out)
    return out


def _run_chunks(chunks, num_samples, settings, workers, chunk_samples, store, progress):
    """Infer each (start, (k, T, N) chunk) and ``store(start, spikes)``, here or in workers."""
    if int(chunk_samples) < 1:
        raise ValueError(f"chunk_samples must be at least 1, got {chunk_samples}")
    workers = _available_cpus() if workers is None else int(workers)
    num_chunks = -(-num_samples // chunk_samples)
    bar = _ProgressBar(num_samples, "spikes", enabled=progress)
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


class _ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, total: int, label: str, enabled: bool = True, width: int = 30):
        self.total, self.label, self.enabled, self.width = max(int(total), 1), label, enabled, width
        self.done, self.started, self.drawn = 0, time.monotonic(), 0.0

    def update(self, count: int):
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self.drawn >= 0.1 or self.done >= self.total):
            self.drawn = now
            filled = self.width * min(self.done, self.total) // self.total
            bar = "=" * filled + "." * (self.width - filled)
            sys.stderr.write(f"\r{self.label} {self.done}/{self.total} [{bar}] {now - self.started:.1f} s")
            sys.stderr.flush()

    def close(self):
        if self.enabled and self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()


@dataclasses.dataclass(frozen=True)
class SpikeRecovery:
    """How many true spikes an inference recovered (counts summed over all trains).

    ``recovered`` true spikes were matched by an inferred spike within the tolerance, each
    inferred spike matching at most one; ``invented`` inferred spikes matched none.
    ``recall = recovered / true_count`` and ``precision = recovered / inferred_count`` (NaN when
    the denominator is 0).
    """

    true_count: int
    inferred_count: int
    recovered: int
    invented: int
    recall: float
    precision: float


def spike_recovery(true_spikes, inferred_spikes, tolerance_frames: int = 1, block_traces: int = 65536) -> SpikeRecovery:
    """Match inferred to true spikes per train, within ``tolerance_frames`` either side.

    Args:
        true_spikes: (..., T, N) spike counts per frame (non-negative integers).
        inferred_spikes: spike counts of the same shape.
        tolerance_frames: a true spike at frame t is matched by an inferred one in
            ``t - tolerance .. t + tolerance``.
        block_traces: trains handled at once (bounds memory).

    The matching is the largest possible: true spikes are taken in time order, each using the
    earliest unused inferred spike in its window. (With windows of one length on a line, this
    greedy choice is optimal: an earlier inferred spike is no use to any later true spike.)
    Trains are processed together, one vectorised step per frame and offset.
    """
    true = np.asarray(true_spikes)
    inferred = np.asarray(inferred_spikes)
    if true.shape != inferred.shape or true.ndim < 2:
        raise ValueError(f"spike arrays must share one (..., T, N) shape, got {true.shape} and {inferred.shape}")
    tolerance = int(tolerance_frames)
    if tolerance < 0:
        raise ValueError(f"tolerance_frames must be non-negative, got {tolerance_frames}")
    for name, array in (("true_spikes", true), ("inferred_spikes", inferred)):
        if array.size and (np.any(array < 0) or np.any(array != np.round(array))):
            raise ValueError(f"{name} must hold non-negative integer counts")
    num_frames = true.shape[-2]
    # (T, M) views: one column per train.
    true_columns = np.moveaxis(true, -2, 0).reshape(num_frames, -1)
    inferred_columns = np.moveaxis(inferred, -2, 0).reshape(num_frames, -1)
    recovered = 0
    for begin in range(0, true_columns.shape[1], block_traces):
        wanted = true_columns[:, begin : begin + block_traces].astype(np.int64)
        available = inferred_columns[:, begin : begin + block_traces].astype(np.int64)
        for frame in np.flatnonzero(wanted.any(axis=1)):
            need = wanted[frame].copy()
            for other in range(max(frame - tolerance, 0), min(frame + tolerance, num_frames - 1) + 1):
                taken = np.minimum(need, available[other])
                available[other] -= taken
                need -= taken
            recovered += int((wanted[frame] - need).sum())
    true_count, inferred_count = int(true.sum(dtype=np.int64)), int(inferred.sum(dtype=np.int64))
    return SpikeRecovery(
        true_count=true_count,
        inferred_count=inferred_count,
        recovered=recovered,
        invented=inferred_count - recovered,
        recall=recovered / true_count if true_count else float("nan"),
        precision=recovered / inferred_count if inferred_count else float("nan"),
    )
