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
INITIAL_SYNCHRONY_PERSISTENCE = 0.99  # synchrony_spread: AR(1) of the factors' log-strength, 4 s at 24 Hz
INITIAL_RISE = 0.1  # calcium_rise: share of each event entering one frame late unless read from the data


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


def _logit(probability: float) -> float:
    """log(p / (1 - p)): the weight whose sigmoid is ``probability``."""
    return math.log(probability / (1 - probability))


def _inverse_softplus(value):
    """softplus^-1, elementwise, for values > 0 (float or array)."""
    return np.log(np.expm1(value))


def _stationary_ar1(white, persistence_logit):
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
    |L_n|^2)(1 + |L_m|^2))``.

    With ``synchrony_spread`` c > 0 (event factors only) each factor's strength drifts: ``f_k`` is white
    normal times ``exp(c_k u_k - c_k^2)``, u_k a unit-variance AR(1) per window (coefficient
    ``synchrony_persistence``, started at ``INITIAL_SYNCHRONY_PERSISTENCE``, learned) and ``c_k =
    softplus(synchrony_spread_parameter)`` started at c, so f keeps unit variance (its kurtosis is ``3
    exp(4 c^2)``) and neurons fire together strongly for seconds and hardly at other times, as
    cortical states and population events make a recording's synchrony vary from window to window;
    with Gaussian factors every window is about as synchronous as any other.

    With ``event_size_spread`` s > 0 (binary events only) each event's size is log-normal around the
    neuron's mean: ``amplitude * exp(sigma * w - sigma^2 / 2)``, ``w ~ N(0, 1)`` per frame and neuron and
    ``sigma = softplus(size_spread_parameter)`` a per-neuron weight started at s. A frame's calcium
    jump then varies as a recording's does (bursts of several spikes in one frame, spike-to-spike
    variation of the indicator's response): with one size, a head that must also make the large
    jumps makes every event large and few, and the small single-spike events are missing.

    With ``slow_factors`` S > 0 the activations gain ``u_t M^T`` before the events: S unit-variance AR(1)
    factors u per window (coefficients ``slow_persistence``, started at ``INITIAL_SLOW_PERSISTENCE``, learned) with
    learned loadings M (neurons, S), started small and random or from the recording's slow shared fluctuations
    (``start_head_from_traces``): every neuron's rate rises and falls with a few shared slow processes over
    seconds and from window to window, as a recording's brain states, arousal or slow population activity move
    it, which the upsampling blocks learn slowly.

    With ``calcium_rise`` each event's calcium rises over two frames: a share ``rise = sigmoid(rise_logit)`` per
    neuron (learned, started at ``INITIAL_RISE`` or from the recording's) enters one frame late, so a single event
    gives ``(1 - rise), (1 - rise) g + rise, ...``, with the same total. An indicator's rise of tens of ms sampled
    at tens of Hz, and spikes late in a frame, put part of each transient's rise into the next frame; without it
    every rise is one frame's jump, more skewed than a recording's.

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
                 slow_factors=0, calcium_rise=False, event_size_spread=0.0, synchrony_spread=0.0, seed=None,
                 **kwargs):  # fmt: skip
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
        if slow_factors < 0:
            raise ValueError(f"CalciumHead: slow_factors must be >= 0, got {slow_factors}")
        if event_size_spread < 0 or (event_size_spread and not binary):
            raise ValueError(f"CalciumHead: event_size_spread must be >= 0 and needs binary events, got "
                             f"{event_size_spread} with {events!r} events")  # fmt: skip
        if synchrony_spread < 0 or (synchrony_spread and not event_factors):
            raise ValueError(f"CalciumHead: synchrony_spread must be >= 0 and needs event_factors, got "
                             f"{synchrony_spread} with {event_factors} event factors")  # fmt: skip
        self.events = events
        self.event_factors = int(event_factors)
        self.slow_factors = int(slow_factors)
        self.calcium_rise = bool(calcium_rise)
        self.event_size_spread = float(event_size_spread)
        self.synchrony_spread = float(synchrony_spread)
        self.initial_decay = float(initial_decay)
        self.initial_baseline = float(initial_baseline)
        self.initial_noise = float(initial_noise)
        self.initial_event_noise = float(initial_event_noise)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        neurons = (input_shape[-1],)
        self.decay_logit = self._constant_weight("decay_logit", neurons, _logit(self.initial_decay))
        self.baseline = self._constant_weight("baseline", neurons, self.initial_baseline)
        self.noise_parameter = self._constant_weight("noise_parameter", neurons, _inverse_softplus(self.initial_noise))
        if self.calcium_rise:
            self.rise_logit = self._constant_weight("rise_logit", neurons, _logit(INITIAL_RISE))
        if self.initial_event_noise:
            value = _inverse_softplus(self.initial_event_noise)
            self.event_noise_parameter = self._constant_weight("event_noise_parameter", neurons, value)
        if self.events == "binary":
            value = _inverse_softplus(INITIAL_AMPLITUDE)
            self.amplitude_parameter = self._constant_weight("amplitude_parameter", neurons, value)
        if self.event_size_spread:
            value = _inverse_softplus(self.event_size_spread)
            self.size_spread_parameter = self._constant_weight("size_spread_parameter", neurons, value)
        if self.event_factors:
            self.event_loadings = self._constant_weight("event_loadings", (*neurons, self.event_factors), 0.0)
        if self.synchrony_spread:
            factors = (self.event_factors,)
            value = _inverse_softplus(self.synchrony_spread)
            self.synchrony_spread_parameter = self._constant_weight("synchrony_spread_parameter", factors, value)
            value = _logit(INITIAL_SYNCHRONY_PERSISTENCE)
            self.synchrony_persistence_logit = self._constant_weight("synchrony_persistence_logit", factors, value)
        if self.slow_factors:
            start = keras.initializers.RandomNormal(stddev=INITIAL_SLOW_LOADING, seed=self.seed)
            self.slow_loadings = self.add_weight(name="slow_loadings", shape=(*neurons, self.slow_factors),
                                                 initializer=start)  # fmt: skip
            start = _logit(INITIAL_SLOW_PERSISTENCE)
            self.slow_persistence_logit = self._constant_weight("slow_persistence_logit", (self.slow_factors,), start)

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
    def slow_persistence(self):
        """AR(1) coefficient of each slow factor from frame to frame, (slow_factors,), in (0, 1)."""
        return ops.sigmoid(self.slow_persistence_logit)

    @property
    def factor_strength_spread(self):
        """Log-normal spread c of each event factor's drifting strength, (event_factors,), >= 0."""
        return ops.softplus(self.synchrony_spread_parameter)

    @property
    def synchrony_persistence(self):
        """AR(1) coefficient of each event factor's log-strength from frame to frame, (event_factors,), in (0, 1)."""
        return ops.sigmoid(self.synchrony_persistence_logit)

    @property
    def rise(self):
        """Share of each event's calcium that enters one frame late, per neuron, (neurons,), in (0, 1)."""
        return ops.sigmoid(self.rise_logit)

    @property
    def amplitude(self):
        """Mean size of one binary event per neuron, (neurons,), >= 0, in the traces' units."""
        return ops.softplus(self.amplitude_parameter)

    @property
    def size_spread(self):
        """Log-normal standard deviation of the binary events' sizes per neuron, (neurons,), >= 0."""
        return ops.softplus(self.size_spread_parameter)

    def calcium(self, events):
        """The AR(1) response to non-negative ``events`` (batch, time, neurons), without baseline or noise (each
        event split over its frame and the next with ``calcium_rise``)."""
        if self.calcium_rise:
            late = ops.pad(events[:, :-1], [[0, 0], [1, 0], [0, 0]])
            events = events + self.rise * (late - events)
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
            slow = _stationary_ar1(white, self.slow_persistence_logit)
            inputs = inputs + ops.matmul(slow, ops.transpose(self.slow_loadings))
        if self.events == "binary":
            uniform = ops.clip(_normal_cdf(self._event_normals(inputs)), 1e-6, 1 - 1e-6)
            logistic = ops.log(uniform) - ops.log1p(-uniform)
            return self._event_sizes(ops.shape(inputs)) * ops.sigmoid((inputs + logistic) / EVENT_TEMPERATURE)
        if self.initial_event_noise:
            inputs = inputs + self.event_scale * keras.random.normal(ops.shape(inputs), seed=self.seed_generator)
        return ops.softplus(inputs)

    def _event_sizes(self, shape):
        """Binary events' sizes: the amplitude per neuron, or log-normal around it per entry of ``shape``."""
        if not self.event_size_spread:
            return self.amplitude
        spread = self.size_spread
        normals = keras.random.normal(shape, seed=self.seed_generator)
        return self.amplitude * ops.exp(spread * normals - 0.5 * ops.square(spread))

    def _event_normals(self, inputs):
        """z (batch, time, neurons): standard normal per entry, correlated over neurons by the event factors."""
        shape = ops.shape(inputs)
        normals = keras.random.normal(shape, seed=self.seed_generator)
        if not self.event_factors:
            return normals
        factors = keras.random.normal((shape[0], shape[1], self.event_factors), seed=self.seed_generator)
        if self.synchrony_spread:
            spread = self.factor_strength_spread
            white = keras.random.normal(ops.shape(factors), seed=self.seed_generator)
            drift = _stationary_ar1(white, self.synchrony_persistence_logit)
            factors = factors * ops.exp(spread * drift - ops.square(spread))
        shared = ops.matmul(factors, ops.transpose(self.event_loadings))
        return (normals + shared) / ops.sqrt(1.0 + ops.sum(ops.square(self.event_loadings), axis=1))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "initial_decay": self.initial_decay, "initial_baseline": self.initial_baseline,
                "initial_noise": self.initial_noise, "initial_event_noise": self.initial_event_noise,
                "events": self.events, "event_factors": self.event_factors,
                "slow_factors": self.slow_factors, "calcium_rise": self.calcium_rise,
                "event_size_spread": self.event_size_spread, "synchrony_spread": self.synchrony_spread,
                "seed": self.seed}  # fmt: skip


def output_layers(output: str, units: int, dtype=None, head_name: str = "traces", event_noise: float = 0.0,
                  events: str = "softplus", event_factors: int = 0, slow_factors: int = 0, calcium_rise: bool = False,
                  event_size_spread: float = 0.0, synchrony_spread: float = 0.0):
    """(projection, head) ending a generator: a Dense of ``units`` named ``per_frame_dense`` and a head.

    ``"direct"``: a sigmoid into [0, 1] (Table 3.1). ``"calcium"``: ``CalciumHead`` with
    ``initial_event_noise=event_noise``, ``events``, ``event_factors``, ``slow_factors``, ``calcium_rise``,
    ``event_size_spread`` and ``synchrony_spread``,
    the Dense's bias started at ``EVENT_BIAS`` (``BINARY_EVENT_BIAS`` for binary events). The head is named ``head_name`` and returns float32.
    """
    if output == "direct":
        dense = keras.layers.Dense(units, dtype=dtype, name="per_frame_dense")
        return dense, keras.layers.Activation("sigmoid", dtype="float32", name=head_name)
    if output == "calcium":
        bias = keras.initializers.Constant(BINARY_EVENT_BIAS if events == "binary" else EVENT_BIAS)
        dense = keras.layers.Dense(units, bias_initializer=bias, dtype=dtype, name="per_frame_dense")
        return dense, CalciumHead(initial_event_noise=event_noise, events=events, event_factors=event_factors,
                                  slow_factors=slow_factors, calcium_rise=calcium_rise,
                                  event_size_spread=event_size_spread, synchrony_spread=synchrony_spread,
                                  name=head_name)  # fmt: skip
    raise ValueError(f"unknown generator output '{output}' (known: direct, calcium)")
