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
Every set of traces that is compared must go through the same rule. ``"calibrated"`` is the
fair choice for ΔF/F data and the default for recordings: the per-neuron parameters are
estimated once, on the real *training* block (:func:`calibrate`), and applied unchanged to
every window of every set. The per-window ``"estimated"`` mode instead re-normalises each
window by its own noise, so a generator that gets the noise level wrong looks like one that
gets the spikes wrong.

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

``"calibrated"``: steps 1-4 run once per neuron on a long block of training frames
(:func:`calibrate`, which also records each neuron's median event size, used to turn baseline
spike trains into traces); every window of neuron ``n`` is then deconvolved with neuron ``n``'s
``g``, ``b`` and ``s_min`` as in step 5.

OASIS quirks worth knowing: the first frame never holds a spike (``s_0 = 0``; the initial
calcium level is free, so a window cut mid-transient does not start with a spike), and
``estimate_time_constant`` draws from NumPy's global random state when a root leaves [0, 1]
(results would differ between processes), which is one reason the decay is estimated here.

Arrays keep the (time, neurons) layout: ``traces`` are (..., T, N) and spike counts have the same
shape. Large inputs go through worker processes (``calciumgan.evaluation.workers``); this module
imports neither TensorFlow nor Keras, so those workers stay light.
"""

import dataclasses
import statistics

import numpy as np
from oasis.oasis_methods import oasisAR1

MODES = ("fixed", "estimated", "calibrated")
MAD_TO_STD = 1.4826  # standard deviation of a Gaussian per unit of median absolute deviation
MIN_SPIKE_FLOOR = 1e-6  # smallest s_min in "estimated" mode, as a fraction of the trace's largest |value|


@dataclasses.dataclass(frozen=True, eq=False)
class Calibration:
    """Per-neuron deconvolution parameters fitted on training frames, each (N,) float64.

    ``decay`` is ``g`` per frame; ``noise`` (``sn``), ``min_spike``, ``baseline`` and
    ``spike_size`` (the median deconvolved event of the neuron's inferred spikes, NaN for a
    neuron without any) are in trace units.
    """

    decay: np.ndarray
    noise: np.ndarray
    min_spike: np.ndarray
    baseline: np.ndarray
    spike_size: np.ndarray

    @property
    def num_neurons(self) -> int:
        return len(self.decay)


@dataclasses.dataclass(frozen=True)
class SpikeInferenceSettings:
    """How traces become spike trains (see the module docstring for both modes' rules).

    Attributes:
        mode: ``"fixed"`` (thesis), ``"estimated"`` (per-trace decay, noise, baseline, s_min) or
            ``"calibrated"`` (per-neuron values from ``calibration``).
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
        calibration: calibrated mode: the per-neuron parameters (:func:`calibrate`).
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
    calibration: Calibration | None = dataclasses.field(default=None, compare=False)

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")
        if self.mode == "calibrated" and self.calibration is None:
            raise ValueError("calibrated mode needs a calibration (see calibrate)")
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
        return int(self.autocovariance_lags) + 2 if self.mode == "estimated" else 2

    def as_attributes(self) -> dict:
        """The settings as HDF5-storable attributes (a calibration as ``calibration_<name>`` arrays)."""
        attributes = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        calibration = attributes.pop("calibration")
        if calibration is not None:
            for field in dataclasses.fields(calibration):
                attributes[f"calibration_{field.name}"] = getattr(calibration, field.name)
        return attributes


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

    Every trace is deconvolved in float64 in this process; for large inputs see
    :func:`calciumgan.evaluation.workers.infer_spikes_parallel`. Raises ValueError for fewer
    than two dimensions, too few frames, or NaN or infinite values.
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
    elif settings.mode == "calibrated":
        spikes, parameters = _deconvolve_calibrated(rows, num_neurons, settings)
    else:
        spikes, parameters, _ = _deconvolve_estimated(rows, settings)
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


def calibrate(training, settings: SpikeInferenceSettings | None = None) -> Calibration:
    """Per-neuron parameters of ``"calibrated"`` mode from (T, N) training traces.

    The estimated mode's rules run once on each neuron's whole training trace; the settings'
    ``noise_multiple``, bounds and iteration counts apply.
    """
    array = np.asarray(training)
    if array.ndim != 2:
        raise ValueError(f"training traces must be (T, N), got shape {array.shape}")
    settings = dataclasses.replace(settings or SpikeInferenceSettings(), mode="estimated", calibration=None)
    if array.shape[0] < settings.min_frames:
        raise ValueError(f"calibration needs at least {settings.min_frames} training frames, got {array.shape[0]}")
    rows = np.ascontiguousarray(array.T, dtype=np.float64)
    if not np.isfinite(rows).all():
        raise ValueError("training traces contain NaN or infinite values")
    _, (decay, noise, min_spike, baseline), sizes = _deconvolve_estimated(rows, settings)
    return Calibration(decay, noise, min_spike, baseline, sizes)


def _deconvolve_calibrated(rows: np.ndarray, num_neurons: int, settings: SpikeInferenceSettings):
    """Rows are (..., N) traces flattened, so row ``i`` belongs to neuron ``i % N``."""
    calibration = settings.calibration
    if calibration.num_neurons != num_neurons:
        raise ValueError(f"the calibration holds {calibration.num_neurons} neurons, the traces {num_neurons}")
    neuron = np.arange(len(rows)) % num_neurons
    parameters = (calibration.decay[neuron], calibration.noise[neuron], calibration.min_spike[neuron],
                  calibration.baseline[neuron])  # fmt: skip
    spikes = np.zeros(rows.shape, dtype=np.uint8)
    for index, trace in enumerate(rows):
        g, s_min, b = (float(values[index]) for values in (parameters[0], parameters[2], parameters[3]))
        _, events = oasisAR1(trace - b, g, lam=0.0, s_min=s_min)
        spikes[index] = events > settings.relative_threshold * s_min
    return spikes, parameters


def _deconvolve_estimated(rows: np.ndarray, settings: SpikeInferenceSettings):
    """Spikes, the per-row parameters, and each row's median event size of its spikes (NaN if none)."""
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
    sizes = np.full(len(rows), np.nan)
    for index, trace in enumerate(rows):
        g, s_min = float(decay[index]), float(min_spike[index])
        b = _fit_baseline(trace, g, s_min, float(baseline[index]), settings.baseline_iterations)
        _, events = oasisAR1(trace - b, g, lam=0.0, s_min=s_min)
        spikes[index] = events > settings.relative_threshold * s_min
        if spikes[index].any():
            sizes[index] = np.median(events[spikes[index] > 0])
        baseline[index] = b
    return spikes, (decay, noise, min_spike, baseline), sizes


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
