"""Output heads of the generators: the sigmoid of Table 3.1 or a calcium measurement model.

``model.output: direct`` ends the generator with a per-frame Dense and a sigmoid, as in the
thesis. ``model.output: calcium`` ends it with the same Dense followed by ``CalciumHead``, the
observation model the surrogate data are drawn from (thesis Eq. 4.1-4.2, after Friedrich et
al. 2017): non-negative events, a per-neuron AR(1) calcium decay, a baseline and white noise.
Both heads compute in float32 whatever the model's dtype policy.
"""

import math

import keras
import numpy as np
from keras import ops
from scipy.special import ndtri

from calciumgan.core.seeded import SavedSeedStream
from calciumgan.models.shapes import EVENT_KINDS

INITIAL_DECAY = 0.95  # AR(1) g of the thesis's surrogate data: tau = 0.8 s at 24 Hz
INITIAL_BASELINE = 0.1  # near the low end of traces min-max scaled to [0, 1]
INITIAL_NOISE = 0.02  # noise standard deviation in the same [0, 1] units
# Bias of the Dense before the events' softplus: with the Dense's unit-scale inputs the initial
# events are sparse and small (mean about 0.005), so initial traces average about 0.2, as the data do.
EVENT_BIAS = -5.5
# Binary events: the Dense's output is each frame's event log-odds; starting at 5 % events of
# INITIAL_AMPLITUDE (about a tenth of the [0, 1] range, one spike of the DG surrogate) the initial
# events average about 0.005 too. EVENT_TEMPERATURE sets how sharp a relaxed event is: about
# 4.4 x temperature x p (1 - p) of the frames (p the event probability) fall between 10 % and 90 % of an event.
BINARY_EVENT_BIAS = -3.0
INITIAL_AMPLITUDE = 0.1
EVENT_TEMPERATURE = 0.2
# Slow factors: loadings start at this standard deviation (in log-odds or log-rate units) unless read from the
# data; each factor's frame-to-frame AR(1) coefficient starts at INITIAL_SLOW_PERSISTENCE (2 s at 24 Hz).
INITIAL_SLOW_LOADING = 0.1
INITIAL_SLOW_PERSISTENCE = 0.98


def ar1_filter(events, log_decay):
    """Calcium ``c_t = g c_(t-1) + s_t`` from ``c_0 = s_0``, one decay g per neuron.

    ``events`` s: (batch, time, neurons); ``log_decay``: (neurons,), log g <= 0. Returns
    (batch, time, neurons). Exact and stable for any g in (0, 1] and any length: time is cut
    into blocks of L ~ sqrt(time) frames; inside a block the recursion is a lower-triangular
    (L, L) matrix of powers g^(i - k) per neuron, and the calcium carried from block to block
    is an AR(1) with decay g^L over the blocks, a (blocks, blocks) matrix. Every power is
    ``exp(m log g)`` with m >= 0, never above 1 (the closed form ``g^t cumsum(g^-k s_k)``
    overflows float32 within a window). Two batched matrix products per neuron; on CPUs, at
    256 and 2048 frames, 5-9x faster than ``ops.associative_scan`` on TensorFlow and as fast
    or 1.2x faster on JAX.
    """
    length, neurons = events.shape[1], events.shape[2]
    block = math.isqrt(length - 1) + 1
    blocks = -(-length // block)
    padded = ops.pad(events, [[0, 0], [0, blocks * block - length], [0, 0]])
    by_neuron = ops.reshape(ops.transpose(padded, (2, 0, 1)), (neurons, -1, block))  # (neurons, batch * blocks, L)
    within = ops.matmul(by_neuron, _decay_powers(log_decay, block, lag_offset=0, lag_unit=1))
    within = ops.reshape(within, (neurons, -1, blocks, block))
    # Calcium at the end of block j - 1, carried into block j: (neurons, batch, blocks).
    carried = ops.matmul(within[..., -1], _decay_powers(log_decay, blocks, lag_offset=1, lag_unit=block))
    rise = ops.exp(log_decay[:, None] * ops.convert_to_tensor(np.arange(1.0, block + 1, dtype="float32")))
    calcium = ops.reshape(within + carried[..., None] * rise[:, None, None, :], (neurons, -1, blocks * block))
    return ops.transpose(calcium[:, :, :length], (1, 2, 0))


def _decay_powers(log_decay, size: int, lag_offset: int, lag_unit: int):
    """(neurons, size, size), entry [n, k, i]: g_n^(lag_unit * (i - k - lag_offset)) where i - k >= lag_offset, else 0.

    Right-multiplying a row of values at positions k gives their AR(1) contributions at positions i.
    """
    positions = np.arange(size)
    lags = positions[None, :] - positions[:, None] - lag_offset  # [k, i] = i - k - lag_offset
    causal = ops.convert_to_tensor((lags >= 0).astype("float32"))
    exponents = ops.convert_to_tensor((np.maximum(lags, 0) * lag_unit).astype("float32"))
    return ops.exp(exponents[None] * log_decay[:, None, None]) * causal


def _normal_cdf(values):
    """Phi, the standard normal distribution function, elementwise."""
    return 0.5 * (1.0 + ops.erf(values / math.sqrt(2.0)))


def _inverse_softplus(value):
    """softplus^-1, elementwise, for values > 0 (float or array)."""
    return np.log(np.expm1(value))


def stationary_ar1(white, persistence_logit):
    """(batch, time, factors) stationary AR(1) series f_t = rho f_(t-1) + sqrt(1 - rho^2) e_t of unit variance from
    white normals e of the same shape (the first frame's e as it is), rho = sigmoid(persistence_logit) (factors,)."""
    scale = ops.sqrt(1.0 - ops.square(ops.sigmoid(persistence_logit)))
    kicks = ops.concatenate([white[:, :1], white[:, 1:] * scale], axis=1)
    return ar1_filter(kicks, ops.log_sigmoid(persistence_logit))


@keras.saving.register_keras_serializable(package="calciumgan")
class CalciumHead(SavedSeedStream, keras.layers.Layer):
    """Measured fluorescence from the generator's per-frame activations, one model per neuron.

    ``events = softplus(inputs) >= 0`` (smooth, so no neuron's events can die as a ReLU's
    can); ``calcium = ar1_filter(events, g)`` with decay ``g = sigmoid(decay_logit)`` in
    (0, 1); output ``baseline + calcium + noise_scale * u`` with ``u ~ N(0, 1)`` white and
    ``noise_scale = softplus(noise_parameter) >= 0``. Decay, baseline and noise scale are
    per-neuron weights (3 per neuron), saved with the model.

    With ``initial_event_noise`` > 0 the events are ``softplus(inputs + event_scale * v)``, ``v ~
    N(0, 1)`` white and ``event_scale`` a fourth per-neuron weight started at that value: the
    generator's activations set a smooth log-rate and the noise makes single-frame events
    around it (log-normal where sparse), as a spiking neuron's do, which the transposed
    convolutions alone smooth over neighbouring frames.

    With ``events="binary"`` the activations are each frame's event log-odds x and the events
    are ``amplitude * sigmoid((x + l) / EVENT_TEMPERATURE)``, ``l`` standard logistic noise: a
    relaxed Bernoulli draw (Maddison et al. 2017, Jang et al. 2017), nearly 0 or ``amplitude``
    in each frame and differentiable in x, with ``amplitude = softplus(amplitude_parameter)`` a
    fourth per-neuron weight. Spikes of one size on single frames, as the dichotomized-Gaussian
    surrogate and sparse firing make them, are then the head's own form rather than something
    the transposed convolutions must learn to sharpen. The logistic noise is ``logit(Phi(z))``
    of a standard normal z per frame and neuron; with ``event_factors`` K > 0, z shares K
    Gaussian factors per frame, ``z = (e + f L^T) / sqrt(1 + |L_n|^2)`` (e white, f (K,) white
    per frame, loadings L (neurons, K) learned from 0 or from the recording's,
    ``start_head_from_traces``), so the events of each frame are a dichotomized Gaussian (Macke
    et al. 2009) around the log-odds: neurons fire together beyond
    what their shared log-odds give, with pair correlations of z ``L_n . L_m / sqrt((1 +
    |L_n|^2)(1 + |L_m|^2))``. With ``initial_persistence`` rho in (0, 1) each factor is an AR(1) over
    frames instead of white, ``f_t = rho f_(t-1) + sqrt(1 - rho^2) e_t`` (unit variance, rho learned per
    factor from there), so that shared activity outlasts a frame, as slow shared fluctuations and
    population bursts make it.

    With ``slow_factors`` S > 0 the activations gain ``u_t M^T`` before the events: S unit-variance AR(1)
    factors u per window (coefficients ``slow_persistence``, started at ``INITIAL_SLOW_PERSISTENCE``, learned) with
    learned loadings M (neurons, S), started small and random or from the recording's slow shared fluctuations
    (``start_head_from_traces``): every neuron's rate rises and falls with a few shared slow processes over
    seconds and from window to window, as a recording's brain states, arousal or slow population activity move
    it, which the upsampling blocks learn slowly.

    The noise is part of the generated measurement, so it is drawn in every call, with
    ``training`` True or False alike: samples carry it as real recordings do. It comes from
    the layer's seed stream (``seed_generator``), whose state is a variable: training
    checkpoints hold it, and this layer writes it to ``.keras`` files too, so a loaded
    generator continues the stream where the saved one stood.

    Input: (batch, time, neurons) activations. Output: (batch, time, neurons) float32, in the
    units of the training traces (min-max scaled to [0, 1]).
    """

    def __init__(self, initial_decay=INITIAL_DECAY, initial_baseline=INITIAL_BASELINE,
                 initial_noise=INITIAL_NOISE, initial_event_noise=0.0, events="softplus", event_factors=0,
                 initial_persistence=0.0, slow_factors=0, seed=None, **kwargs):  # fmt: skip
        super().__init__(**{**kwargs, "dtype": "float32"})
        if not 0 < initial_decay < 1 or initial_noise <= 0 or initial_event_noise < 0:
            raise ValueError(f"CalciumHead: initial_decay must lie in (0, 1), initial_noise be positive and "
                             f"initial_event_noise non-negative, got {initial_decay}, {initial_noise} and "
                             f"{initial_event_noise}")  # fmt: skip
        binary = events == "binary"
        if events not in EVENT_KINDS or (binary and initial_event_noise) or (event_factors and not binary):
            raise ValueError(f"CalciumHead: events must be one of {', '.join(EVENT_KINDS)}; binary events take no "
                             f"initial_event_noise (their logistic noise is their own) and only they take "
                             f"event_factors; got {events!r}, {initial_event_noise} and {event_factors}")  # fmt: skip
        if initial_persistence and not (event_factors and 0 < initial_persistence < 1):
            raise ValueError(f"CalciumHead: initial_persistence must lie in [0, 1) and needs event_factors > 0; got "
                             f"{initial_persistence} with {event_factors} factors")  # fmt: skip
        if slow_factors < 0:
            raise ValueError(f"CalciumHead: slow_factors must be >= 0, got {slow_factors}")
        self.events = events
        self.event_factors = int(event_factors)
        self.slow_factors = int(slow_factors)
        self.initial_persistence = float(initial_persistence)
        self.initial_decay = float(initial_decay)
        self.initial_baseline = float(initial_baseline)
        self.initial_noise = float(initial_noise)
        self.initial_event_noise = float(initial_event_noise)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        neurons = (input_shape[-1],)
        logit = math.log(self.initial_decay / (1 - self.initial_decay))
        self.decay_logit = self._constant_weight("decay_logit", neurons, logit)
        self.baseline = self._constant_weight("baseline", neurons, self.initial_baseline)
        self.noise_parameter = self._constant_weight("noise_parameter", neurons, _inverse_softplus(self.initial_noise))
        if self.initial_event_noise:
            value = _inverse_softplus(self.initial_event_noise)
            self.event_noise_parameter = self._constant_weight("event_noise_parameter", neurons, value)
        if self.events == "binary":
            value = _inverse_softplus(INITIAL_AMPLITUDE)
            self.amplitude_parameter = self._constant_weight("amplitude_parameter", neurons, value)
        if self.event_factors:
            self.event_loadings = self._constant_weight("event_loadings", (*neurons, self.event_factors), 0.0)
        if self.initial_persistence:
            logit = math.log(self.initial_persistence / (1 - self.initial_persistence))
            self.persistence_logit = self._constant_weight("persistence_logit", (self.event_factors,), logit)
        if self.slow_factors:
            start = keras.initializers.RandomNormal(stddev=INITIAL_SLOW_LOADING, seed=self.seed)
            self.slow_loadings = self.add_weight(name="slow_loadings", shape=(*neurons, self.slow_factors),
                                                 initializer=start)  # fmt: skip
            logit = math.log(INITIAL_SLOW_PERSISTENCE / (1 - INITIAL_SLOW_PERSISTENCE))
            self.slow_persistence_logit = self._constant_weight("slow_persistence_logit", (self.slow_factors,), logit)

    def _constant_weight(self, name, shape, value):
        return self.add_weight(name=name, shape=shape, initializer=keras.initializers.Constant(value))

    @property
    def decay(self):
        """AR(1) coefficient g per neuron, (neurons,), in (0, 1)."""
        return ops.sigmoid(self.decay_logit)

    @property
    def noise_scale(self):
        """Standard deviation of the measurement noise per neuron, (neurons,), >= 0."""
        return ops.softplus(self.noise_parameter)

    @property
    def event_scale(self):
        """Standard deviation of the white noise inside the events' softplus per neuron, (neurons,), >= 0."""
        return ops.softplus(self.event_noise_parameter)

    @property
    def persistence(self):
        """AR(1) coefficient of each event factor from frame to frame, (factors,), in (0, 1)."""
        return ops.sigmoid(self.persistence_logit)

    @property
    def slow_persistence(self):
        """AR(1) coefficient of each slow factor from frame to frame, (slow_factors,), in (0, 1)."""
        return ops.sigmoid(self.slow_persistence_logit)

    @property
    def amplitude(self):
        """Size of one binary event per neuron, (neurons,), >= 0, in the traces' units."""
        return ops.softplus(self.amplitude_parameter)

    def calcium(self, events):
        """The AR(1) response to non-negative ``events`` (batch, time, neurons), without baseline or noise."""
        return ar1_filter(events, ops.log_sigmoid(self.decay_logit))

    def call(self, inputs, training=None):
        """``training`` changes nothing: the measurement noise is drawn either way."""
        events = self._events(inputs)
        noise = keras.random.normal(ops.shape(inputs), seed=self.seed_generator)
        return self.baseline + self.calcium(events) + self.noise_scale * noise

    def _events(self, inputs):
        """Non-negative events (batch, time, neurons) from the activations of the same shape."""
        if self.slow_factors:
            shape = ops.shape(inputs)
            white = keras.random.normal((shape[0], shape[1], self.slow_factors), seed=self.seed_generator)
            slow = stationary_ar1(white, self.slow_persistence_logit)
            inputs = inputs + ops.matmul(slow, ops.transpose(self.slow_loadings))
        if self.events == "binary":
            uniform = ops.clip(_normal_cdf(self._event_normals(inputs)), 1e-6, 1 - 1e-6)
            logistic = ops.log(uniform) - ops.log1p(-uniform)
            return self.amplitude * ops.sigmoid((inputs + logistic) / EVENT_TEMPERATURE)
        if self.initial_event_noise:
            inputs = inputs + self.event_scale * keras.random.normal(ops.shape(inputs), seed=self.seed_generator)
        return ops.softplus(inputs)

    def _event_normals(self, inputs):
        """z (batch, time, neurons): standard normal per entry, correlated over neurons by the event factors."""
        shape = ops.shape(inputs)
        normals = keras.random.normal(shape, seed=self.seed_generator)
        if not self.event_factors:
            return normals
        factors = keras.random.normal((shape[0], shape[1], self.event_factors), seed=self.seed_generator)
        if self.initial_persistence:
            factors = stationary_ar1(factors, self.persistence_logit)
        shared = ops.matmul(factors, ops.transpose(self.event_loadings))
        return (normals + shared) / ops.sqrt(1.0 + ops.sum(ops.square(self.event_loadings), axis=1))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "initial_decay": self.initial_decay, "initial_baseline": self.initial_baseline,
                "initial_noise": self.initial_noise, "initial_event_noise": self.initial_event_noise,
                "events": self.events, "event_factors": self.event_factors, "initial_persistence": self.initial_persistence,
                "slow_factors": self.slow_factors, "seed": self.seed}  # fmt: skip


def output_layers(output: str, units: int, dtype=None, head_name: str = "traces", event_noise: float = 0.0,
                  events: str = "softplus", event_factors: int = 0, factor_persistence: float = 0.0,
                  slow_factors: int = 0):  # fmt: skip
    """(projection, head) ending a generator: a Dense of ``units`` named ``per_frame_dense`` and a head.

    ``"direct"``: a sigmoid into [0, 1] (Table 3.1). ``"calcium"``: ``CalciumHead`` with
    ``initial_event_noise=event_noise``, ``events``, ``event_factors``, ``initial_persistence=factor_persistence``
    and ``slow_factors``,
    the Dense's bias started at ``EVENT_BIAS`` (``BINARY_EVENT_BIAS`` for binary events). The head is named ``head_name`` and returns float32.
    """
    if output == "direct":
        dense = keras.layers.Dense(units, dtype=dtype, name="per_frame_dense")
        return dense, keras.layers.Activation("sigmoid", dtype="float32", name=head_name)
    if output == "calcium":
        bias = keras.initializers.Constant(BINARY_EVENT_BIAS if events == "binary" else EVENT_BIAS)
        dense = keras.layers.Dense(units, bias_initializer=bias, dtype=dtype, name="per_frame_dense")
        return dense, CalciumHead(initial_event_noise=event_noise, events=events, event_factors=event_factors,
                                  initial_persistence=factor_persistence, slow_factors=slow_factors,
                                  name=head_name)  # fmt: skip
    raise ValueError(f"unknown generator output '{output}' (known: direct, calcium)")


NOISE_PER_MAD = 1.0 / (0.6745 * math.sqrt(2.0))  # noise sd per median |frame difference| of white noise
LOW_QUANTILE = 0.1  # the baseline is read from the traces' 10th percentile ...
LOW_QUANTILE_Z = 1.2816  # ... which lies 1.28 noise sd below it where a neuron is quiet
DECAY_LAGS = 4  # the decay is read from the autocovariances at lags 1 .. DECAY_LAGS + 1
SLOW_LAG = 40  # frames: autocovariance left at this lag is counted as slow drift, not calcium
DECAY_RANGE = (0.5, 0.995)  # decays estimated outside it are clipped to it
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


def binary_event_amplitude(traces: np.ndarray, noise: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """(neurons,) the event size A of binary events that give (frames, neurons) traces their calcium's cumulants.

    ``A = sqrt(m^2 + 4 v)`` from ``_binary_event_moments``, whatever the event probability and the
    baseline. Clipped to [noise sd, 1] (the traces' range), the noise sd where nothing varies; it is
    where training starts, not a fit.
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
    share = np.sum(shared**2, axis=1, keepdims=True)
    shared *= np.sqrt(np.minimum(1.0, MAX_SHARED_VARIANCE / np.maximum(share, 1e-12)))
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
    share = np.sum(shared**2, axis=1, keepdims=True)
    shared *= np.sqrt(np.minimum(1.0, MAX_SHARED_VARIANCE / np.maximum(share, 1e-12)))
    return shared * spread[:, None], per_block ** (1.0 / SLOW_BLOCK)


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
    sd and decay per neuron (``head_targets``), the size of binary events (``binary_event_amplitude``)
    where the head has them and their factor loadings (``event_loadings_from_traces``) where it has
    event factors, and then moves the event bias of each neuron (the
    ``per_frame_dense`` bias) until the mean of ``samples`` generated windows matches that
    neuron's mean level: events are about ``exp(bias)`` where sparse, so each of ``rounds``
    rounds adds ``log(wanted calcium / generated calcium)``, clipped to +-4. Every neuron then
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
    head.decay_logit.assign(np.log(decay / (1.0 - decay)).astype("float32"))
    if head.events == "binary":
        amplitude = binary_event_amplitude(traces, noise, decay)
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
        norm = np.linalg.norm(loadings, axis=1, keepdims=True)
        loadings *= np.minimum(1.0, MAX_SLOW_LOADING / np.maximum(norm, 1e-12))
        head.slow_loadings.assign(loadings.astype("float32"))
        head.slow_persistence_logit.assign(np.log(persistence / (1.0 - persistence)).astype("float32"))
        match_levels()
