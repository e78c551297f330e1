"""Starting the calcium head at a recording's per-neuron levels (``model.head_from_data``).

Everything here reads (frames, neurons) training traces in the scaled units the generator works in and
sets the weights of an untrained ``CalciumHead`` generator: baseline, noise, decay and rise per neuron, the size
of binary events, the loadings of event factors and of slow factors, and the event bias that gives every
neuron its mean level. Starting values, not fits: training moves them all.
"""

import math

import keras
import numpy as np
from keras import ops
from scipy.special import logit, ndtri

from calciumgan.models.heads import (
    INITIAL_DECAY,
    INITIAL_RISE,
    INITIAL_SLOW_PERSISTENCE,
    CalciumHead,
    _inverse_softplus,
)

NOISE_PER_MAD = 1.0 / (0.6745 * math.sqrt(2.0))  # noise sd per median |frame difference| of white noise
LOW_QUANTILE = 0.1  # the baseline is read from the traces' 10th percentile ...
LOW_QUANTILE_Z = 1.2816  # ... which lies 1.28 noise sd below it where a neuron is quiet
DECAY_LAGS = 4  # the decay is read from the autocovariances at lags 1 .. DECAY_LAGS + 1
SLOW_LAG = 40  # frames: autocovariance left at this lag is counted as slow drift, not calcium
DECAY_RANGE = (0.5, 0.995)  # decays estimated outside it are clipped to it
SKEW_STANDARD_ERRORS = 3.0  # events are read as skewed where the innovations' third moment exceeds noise's by this
RISE_RANGE = (0.01, 0.44)  # rise shares estimated outside it are clipped to it (the ratio read peaks at 0.44)
MIN_CALCIUM_VARIANCE = 1e-12  # below it (sd 1e-6 of the [0, 1] range) a neuron's calcium is taken as constant


def head_targets(traces: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-neuron measurement baseline, noise sd and AR(1) decay, each (neurons,), of (frames, neurons) traces.

    Noise: the median absolute frame-to-frame change times ``NOISE_PER_MAD`` (calcium transients
    move few frames, so the median change is the noise's). Baseline: the 10th percentile plus
    1.28 noise sd, i.e. the level of a neuron that is quiet at least a tenth of the time (for a
    neuron that never is, its lowest calcium level, and smaller events make up its mean).
    Both in the traces' units. Decay g: AR(1) calcium with white noise has autocovariances
    ``gamma(k) = var(calcium) g^k`` at lags k >= 1, which the noise does not touch, so g is the
    ratio of their sums over lags 2 .. K + 1 and 1 .. K (K = ``DECAY_LAGS``: pooling lags steadies
    the estimate), each autocovariance less that at ``L = SLOW_LAG`` frames, which removes a drift
    slower than L. Clipped to ``DECAY_RANGE``; ``INITIAL_DECAY`` for a neuron without calcium to
    read it from.
    """
    traces = np.asarray(traces, dtype=np.float64)
    changes = np.abs(np.diff(traces, axis=0))
    noise = np.maximum(np.median(changes, axis=0) * NOISE_PER_MAD, 1e-4)
    baseline = np.quantile(traces, LOW_QUANTILE, axis=0) + LOW_QUANTILE_Z * noise
    return baseline, noise, _ar1_decay(traces)


def _ar1_decay(traces: np.ndarray) -> np.ndarray:
    """(neurons,) the AR(1) decay of (frames, neurons) traces (see ``head_targets``)."""
    fast = _fast_autocovariances(traces, DECAY_LAGS + 1)
    earlier, later = fast[:-1].sum(axis=0), fast[1:].sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        decay = later / earlier
    readable = (earlier > 0) & np.isfinite(decay)
    return np.where(readable, np.clip(decay, *DECAY_RANGE), INITIAL_DECAY)


def _fast_autocovariances(traces: np.ndarray, lags: int) -> np.ndarray:
    """(lags, neurons): autocovariances of (frames, neurons) traces at lags 1 .. ``lags``, each less that at
    ``SLOW_LAG`` frames (a drift slower than that is not calcium)."""
    centred = traces - traces.mean(axis=0)

    def autocovariance(k: int) -> np.ndarray:
        return np.mean(centred[k:] * centred[: len(centred) - k], axis=0)

    return np.stack([autocovariance(k) for k in range(1, lags + 1)]) - autocovariance(min(SLOW_LAG, len(traces) - 1))


def rise_from_traces(traces: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """(neurons,) the share r of each event's calcium that enters one frame late (``CalciumHead``'s
    ``calcium_rise``), read from (frames, neurons) traces with AR(1) decays ``decay`` (neurons,).

    The AR(1) innovations ``x_t = y_t - g y_(t-1)`` are ``(1 - r) s_t + r s_(t-1)`` plus white Gaussian noise, for
    events s independent from frame to frame with third cumulant k. Their third moment is ``k ((1 - r)^3 +
    r^3)`` and ``E[x_t^2 x_(t+1)]`` is ``k (1 - r)^2 r``; Gaussian noise adds to neither. Their ratio rises
    from 0 (r = 0) to 0.53 (r = 0.44) and is inverted for r on that stretch (``RISE_RANGE``); ``INITIAL_RISE``
    for a neuron whose innovations are not skewed beyond ``SKEW_STANDARD_ERRORS`` standard errors of Gaussian
    noise's. Events that cluster over neighbouring frames (bursts) read as rise too.
    """
    traces = np.asarray(traces, dtype=np.float64)
    innovations = traces[1:] - decay * traces[:-1]
    innovations -= innovations.mean(axis=0)
    third = np.mean(innovations**3, axis=0)
    leading = np.mean(innovations[:-1] ** 2 * innovations[1:], axis=0)
    # Gaussian innovations' sample third moment has standard error sqrt(15 var^3 / frames)
    skewed = third > SKEW_STANDARD_ERRORS * np.sqrt(15 * np.mean(innovations**2, axis=0) ** 3 / len(innovations))
    ratio = leading / np.where(skewed, third, 1.0)
    shares = np.linspace(0.0, RISE_RANGE[1], 441)
    ratios = (1 - shares) ** 2 * shares / ((1 - shares) ** 3 + shares**3)
    return np.where(skewed, np.clip(np.interp(ratio, ratios, shares), *RISE_RANGE), INITIAL_RISE)


def binary_event_amplitude(traces: np.ndarray, noise: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """(neurons,) the event size A of binary events that give (frames, neurons) traces their calcium's cumulants.

    ``A = sqrt(m^2 + 4 v)`` from ``_binary_event_moments``, whatever the event probability and the
    baseline. Clipped to [noise sd, 1] (the traces' range), the noise sd where nothing varies; it is
    where training starts, not a fit (it reads the calcium as AR(1), without a rise).
    """
    event_variance, skew_size = _binary_event_moments(traces, decay)
    return np.clip(np.sqrt(skew_size**2 + 4 * event_variance), noise, 1.0)


def _binary_event_moments(traces: np.ndarray, decay: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(v, m), each (neurons,): the variance ``A^2 p (1 - p)`` and the skew size ``A (1 - 2 p)`` of the binary
    events (size A, in a fraction p of frames) behind the AR(1) calcium of (frames, neurons) traces.

    The calcium has variance ``k2 = v / (1 - g^2)`` and third cumulant ``k3 = A^3 p (1 - p) (1 - 2 p) /
    (1 - g^3)``, so ``m = k3 (1 - g^3) / v``. White Gaussian noise has no third cumulant, and ``k2`` is
    read as the lag-1 autocovariance over g (less a drift slower than ``SLOW_LAG``), which white noise
    does not reach. A slow drift adds its sample third moment, which is large over few of its time
    constants. Both are 0 for a neuron whose calcium does not vary (``MIN_CALCIUM_VARIANCE``).
    """
    variance = _fast_autocovariances(traces, 1)[0] / decay
    third = np.mean((traces - traces.mean(axis=0)) ** 3, axis=0)
    varies = variance > MIN_CALCIUM_VARIANCE
    event_variance = np.where(varies, variance * (1 - decay**2), 0.0)
    skew_size = np.where(varies, third * (1 - decay**3), 0.0) / np.where(varies, event_variance, 1.0)
    return event_variance, skew_size


MAX_SHARED_VARIANCE = 0.9  # event loadings start with at most this share of a neuron's latent variance shared
SUBSPACE_ITERATIONS = 30  # power iterations that find the leading factors of the innovations' correlations


def event_loadings_from_traces(traces: np.ndarray, decay: np.ndarray, factors: int, seed: int = 0) -> np.ndarray:
    """(neurons, factors) loadings L whose dichotomized Gaussian gives binary events the pair correlations of the
    events in (frames, neurons) traces with AR(1) decays ``decay`` (neurons,).

    The AR(1) innovations ``r = y_t - g y_(t-1)`` are ``A s_t`` plus noise that is independent across
    neurons, so their correlations off the diagonal are shared structure plus sampling noise of the same size
    for every pair. The leading ``factors`` eigenpairs of their correlation matrix (subspace iteration, never
    forming it) above the noise's Marchenko-Pastur edge give innovation loadings ``V sqrt(l - 1) c``, where
    each sample eigenvalue is mapped to its population value l and c is the expected overlap of the sample
    eigenvector with the population one (Baik, Ben Arous and Peche 2005; Paul 2007); eigenpairs at or below the
    edge are noise and give nothing. With each neuron's event variance v and skew size m
    (``_binary_event_moments``) ``p (1 - p) = v / (m^2 + 4 v)``; to first order in the latent correlation
    (the tetrachoric series) a dichotomized Gaussian with thresholds ``t = Phi^-1(p)`` has event correlation
    ``rho phi(t_n) phi(t_m) / sqrt(p_n q_n p_m q_m)``, so each row is scaled to the latent normals by
    ``sd(r) sqrt(p q / v) / phi(t)`` (0 for a neuron without events) into B, each row's ``|B_n|^2`` capped
    at ``MAX_SHARED_VARIANCE``, and ``L = B / sqrt(1 - |B_n|^2)``, whose latent correlations in the head
    are ``B_n . B_m``. Where training starts, not a fit: the first order overstates strong correlations of
    sparse events.
    """
    traces = np.asarray(traces, dtype=np.float64)
    innovations = traces[1:] - decay * traces[:-1]
    innovations -= innovations.mean(axis=0)
    event_variance, skew_size = _binary_event_moments(traces, decay)
    has_events = event_variance > 0
    spread = np.where(has_events, innovations.std(axis=0), 1.0)
    standardised = innovations * (has_events / np.maximum(spread, 1e-12))
    frames, neurons = standardised.shape

    def correlations(vectors):
        return standardised.T @ (standardised @ vectors) / frames

    basis = _leading_subspace(correlations, neurons, min(neurons, factors + 8), seed)
    values, vectors = np.linalg.eigh(basis.T @ correlations(basis))
    leading = np.argsort(values)[::-1][:factors]
    innovation_loadings = basis @ vectors[:, leading] * _spike_shrinkage(values[leading], neurons / frames)
    variance = np.where(has_events, event_variance, 1.0)
    bernoulli_variance = np.clip(variance / (skew_size**2 + 4 * variance), 1e-4, 0.25)
    density = np.exp(-0.5 * ndtri((1 - np.sqrt(1 - 4 * bernoulli_variance)) / 2) ** 2) / math.sqrt(2 * math.pi)
    to_latent = spread * np.sqrt(bernoulli_variance / variance) / density * has_events
    shared = np.pad(to_latent[:, None] * innovation_loadings, ((0, 0), (0, factors - len(leading))))
    shared = _capped_rows(shared, math.sqrt(MAX_SHARED_VARIANCE))
    return shared / np.sqrt(1 - np.sum(shared**2, axis=1, keepdims=True))


def _spike_shrinkage(sample_values: np.ndarray, aspect: float) -> np.ndarray:
    """(k,) the factor ``sqrt(l - 1) c`` that turns unit sample eigenvectors of a correlation matrix into loadings.

    For a population eigenvalue l above ``1 + sqrt(aspect)`` (aspect = variables / samples) the sample
    eigenvalue is ``l + aspect l / (l - 1)``, inverted here, and the squared overlap of the sample eigenvector
    with the population one is ``c^2 = (1 - aspect / (l - 1)^2) / (1 + aspect / (l - 1))``. Sample eigenvalues
    at or below the edge ``(1 + sqrt(aspect))^2`` of the noise's spectrum give 0.
    """
    values = np.maximum(sample_values, (1 + math.sqrt(aspect)) ** 2)
    middle = values + 1 - aspect
    population = (middle + np.sqrt(np.maximum(middle**2 - 4 * values, 0.0))) / 2
    excess = np.maximum(population - 1, 1e-12)
    overlap = np.clip((1 - aspect / excess**2) / (1 + aspect / excess), 0.0, 1.0)
    return np.sqrt(excess * overlap)


SLOW_BLOCK = 32  # frames averaged into one sample of the slow fluctuations (1.3 s at 24 Hz)
MAX_SLOW_LOADING = 2.0  # slow loadings start with at most this norm per neuron, in log-odds or log-rate units
SENSITIVITY_STEP = 0.2  # event-bias step over which the mean calcium's slope per unit bias is read


def slow_factors_from_traces(traces: np.ndarray, decay: np.ndarray, factors: int,
                             seed: int = 0) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(loadings (neurons, factors), persistence (factors,)): the slow shared fluctuations of the calcium level in
    (frames, neurons) traces with AR(1) decays ``decay`` (neurons,), in the traces' units, and each factor's AR(1)
    coefficient per frame.

    The innovations ``y_t - g y_(t-1)`` averaged over blocks of ``SLOW_BLOCK`` frames and divided by ``1 - g`` are
    each block's calcium level, its event rate times the event size. Events that are merely synchronous within
    a frame (what the event factors model) correlate blocks only at lag 0, so the slow factors are the leading
    eigenvectors of the standardised levels' symmetrised cross-covariance between neighbouring blocks (lag 1),
    found by subspace iteration on its square; an eigenvalue counts above the largest one of the same matrix
    at a lag of half the recording (sampling noise), by as much as it exceeds it. The ratio of the lag-2 to
    the lag-1 value along a factor is its persistence per block, rho per frame to the power ``SLOW_BLOCK``, and
    the lag-1 value over it the factor's variance. Rows are capped at ``MAX_SHARED_VARIANCE`` of each neuron's
    standardised variance and scaled back to the traces' units. Where training starts, not a fit: a recording
    shorter than 8 blocks gives zero loadings and ``INITIAL_SLOW_PERSISTENCE``.
    """
    traces = np.asarray(traces, dtype=np.float64)
    innovations = traces[1:] - decay * traces[:-1]
    blocks = len(innovations) // SLOW_BLOCK
    neurons = traces.shape[1]
    if blocks < 8:
        return np.zeros((neurons, factors)), np.full(factors, INITIAL_SLOW_PERSISTENCE)
    levels = innovations[: blocks * SLOW_BLOCK].reshape(blocks, SLOW_BLOCK, neurons).mean(axis=1) / (1 - decay)
    levels -= levels.mean(axis=0)
    spread = levels.std(axis=0)
    standardised = levels / np.where(spread > 0, spread, 1.0)

    def lagged(lag, vectors):
        later = np.roll(standardised, -lag, axis=0)
        return (standardised.T @ (later @ vectors) + later.T @ (standardised @ vectors)) / (2 * blocks)

    def leading(lag, width):
        basis = _leading_subspace(lambda vectors: lagged(lag, lagged(lag, vectors)), neurons, width, seed)
        values, vectors = np.linalg.eigh(basis.T @ lagged(lag, basis))
        order = np.argsort(values)[::-1]
        return values[order], basis @ vectors[:, order]

    noise = np.abs(leading(blocks // 2, 4)[0]).max()
    values, vectors = leading(1, min(neurons, factors + 8))
    values, vectors = values[:factors], vectors[:, :factors]
    following = np.einsum("nk,nk->k", vectors, lagged(2, vectors))
    per_block = np.clip(following / np.maximum(values, 1e-12), 0.05, 0.999)
    variance = np.maximum(values - noise, 0.0) / per_block
    shared = vectors * np.sqrt(variance)
    shared = _capped_rows(shared, math.sqrt(MAX_SHARED_VARIANCE))
    return shared * spread[:, None], per_block ** (1.0 / SLOW_BLOCK)


def _capped_rows(rows: np.ndarray, largest: float) -> np.ndarray:
    """(n, k) ``rows`` with every row's Euclidean norm scaled down to at most ``largest``."""
    norm = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows * np.minimum(1.0, largest / np.maximum(norm, 1e-12))


def _leading_subspace(operator, size: int, width: int, seed: int) -> np.ndarray:
    """(size, width) orthonormal basis of the leading eigenvectors of the positive semi-definite ``operator``
    (a function of (size, width) matrices), by ``SUBSPACE_ITERATIONS`` rounds of subspace iteration."""
    basis = np.random.default_rng(seed).standard_normal((size, width))
    for _ in range(SUBSPACE_ITERATIONS):
        basis, _ = np.linalg.qr(operator(basis))
    return basis


def start_head_from_traces(generator, traces: np.ndarray, samples: int = 128, rounds: int = 4, seed: int = 0) -> None:
    """Start an untrained calcium-head generator at the training data's per-neuron levels.

    ``traces`` (frames, neurons) are the scaled training block. Sets the head's baseline, noise
    sd and decay per neuron (``head_targets``), the rise (``rise_from_traces``) where the head has one,
    the size of binary events (``binary_event_amplitude``; times ``exp(-2 s^2)`` with a log-normal size spread s,
    whose sizes' third over second moment is ``exp(2 s^2)`` times their mean) where the head has them and
    their factor loadings (``event_loadings_from_traces``) where it has event factors, and then moves
    the event bias of each neuron (the ``per_frame_dense`` bias) until the mean of ``samples`` generated
    windows matches that neuron's mean level: events are about ``exp(bias)`` where sparse, so each of
    ``rounds`` rounds adds ``log(wanted calcium / generated calcium)``, clipped to +-4. Every neuron then
    starts with the right rate of activity, which the critic alone learns slowly (issue 21).
    Where the head has slow factors, their loadings are the recording's slow fluctuations of the calcium
    level (``slow_factors_from_traces``) divided by each neuron's slope of mean calcium per unit of event bias
    (read over ``SENSITIVITY_STEP``), each row's norm capped at ``MAX_SLOW_LOADING``, and the levels are
    matched again.
    """
    head, dense = generator.get_layer("traces"), generator.get_layer("per_frame_dense")
    if not isinstance(head, CalciumHead):
        raise ValueError("start_head_from_traces needs a generator with model.output 'calcium'")
    traces = np.asarray(traces, dtype=np.float64)
    if traces.ndim != 2 or traces.shape[1] != head.baseline.shape[0]:
        raise ValueError(f"start_head_from_traces: traces of shape {traces.shape} do not match the generator's "
                         f"{head.baseline.shape[0]} neurons")  # fmt: skip
    baseline, noise, decay = head_targets(traces)
    head.baseline.assign(baseline.astype("float32"))
    head.noise_parameter.assign(_inverse_softplus(noise).astype("float32"))
    head.decay_logit.assign(logit(decay).astype("float32"))
    if head.calcium_rise:
        rise = rise_from_traces(traces, decay)
        head.rise_logit.assign(logit(rise).astype("float32"))
    if head.events == "binary":
        amplitude = binary_event_amplitude(traces, noise, decay)
        if head.event_size_spread:
            amplitude = amplitude * np.exp(-2 * np.square(ops.convert_to_numpy(head.size_spread)))
        head.amplitude_parameter.assign(_inverse_softplus(amplitude).astype("float32"))
    if head.event_factors:
        loadings = event_loadings_from_traces(traces, decay, head.event_factors, seed=seed)
        head.event_loadings.assign(loadings.astype("float32"))
    wanted = np.maximum(traces.mean(axis=0) - baseline, 1e-4)
    noise_inputs = keras.random.normal((samples, *generator.inputs[0].shape[1:]), seed=seed)

    def mean_calcium():
        generated = np.asarray(ops.convert_to_numpy(generator(noise_inputs)), dtype=np.float64)
        return np.maximum(generated.mean(axis=(0, 1)) - baseline, 1e-6)

    def move_bias(step):
        bias = np.asarray(ops.convert_to_numpy(dense.bias), dtype=np.float64)
        dense.bias.assign((bias + step).astype(dense.bias.dtype))

    def match_levels():
        for _ in range(rounds):
            move_bias(np.clip(np.log(wanted / mean_calcium()), -4.0, 4.0))

    if head.slow_factors:
        head.slow_loadings.assign(np.zeros(head.slow_loadings.shape, "float32"))
    match_levels()
    if head.slow_factors:
        slow, persistence = slow_factors_from_traces(traces, decay, head.slow_factors, seed=seed)
        before = mean_calcium()
        move_bias(SENSITIVITY_STEP)
        sensitivity = np.maximum((mean_calcium() - before) / SENSITIVITY_STEP, 1e-6)
        move_bias(-SENSITIVITY_STEP)
        loadings = slow / sensitivity[:, None]
        loadings = _capped_rows(loadings, MAX_SLOW_LOADING)
        head.slow_loadings.assign(loadings.astype("float32"))
        head.slow_persistence_logit.assign(logit(persistence).astype("float32"))
        match_levels()
