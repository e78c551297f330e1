"""The calcium head: its AR(1) filter, its noise, its weights and its behaviour outside training."""

import keras
import numpy as np
import pytest

from calciumgan.models.heads import INITIAL_BASELINE, INITIAL_DECAY, INITIAL_NOISE, CalciumHead, ar1_filter

pytestmark = pytest.mark.backend

DECAYS = np.array([0.3, 0.9, 0.95, 0.999, 0.99999], np.float32)  # up to a time constant of 1e5 frames


def _head(neurons, decay=None, baseline=None, noise=None, seed=0):
    """A built head whose decay, baseline and noise scale are set to the given (neurons,) values."""
    head = CalciumHead(seed=seed)
    head.build((None, None, neurons))
    if decay is not None:
        head.decay_logit.assign(np.log(decay / (1 - np.asarray(decay, np.float64))).astype(np.float32))
    if baseline is not None:
        head.baseline.assign(np.asarray(baseline, np.float32))
    if noise is not None:
        head.noise_parameter.assign(np.log(np.expm1(np.asarray(noise, np.float64))).astype(np.float32))
    return head


def _recursion(events, decay):
    """c_t = g c_(t-1) + s_t in float64, frame by frame."""
    calcium, previous = np.zeros(events.shape), np.zeros(events.shape[::2])
    for t in range(events.shape[1]):
        previous = decay * previous + events[:, t]
        calcium[:, t] = previous
    return calcium


@pytest.mark.parametrize("length", [1, 7, 64, 2048])
def test_impulse_response_is_the_ar1_kernel_of_the_learned_decay(length):
    head = _head(len(DECAYS), decay=DECAYS)
    logit = np.asarray(head.decay_logit, np.float64)
    decay = 1 / (1 + np.exp(-logit))  # the weight's decay, exactly (a float32 sigmoid rounds g = 1 - 1e-5)
    impulse = np.zeros((1, length, len(DECAYS)), np.float32)
    impulse[0, 0] = 1.0
    response = np.asarray(head.calcium(impulse))[0]
    kernel = decay[None, :] ** np.arange(length)[:, None]
    np.testing.assert_allclose(response, kernel, rtol=2e-5, atol=1e-7)


def test_ar1_filter_matches_the_recursion_on_sparse_events_over_2048_frames():
    rng = np.random.default_rng(0)
    events = (rng.random((3, 2048, len(DECAYS))) < 0.05) * rng.exponential(1.0, (3, 2048, len(DECAYS)))
    calcium = np.asarray(ar1_filter(events.astype(np.float32), np.log(DECAYS)))
    expected = _recursion(events, DECAYS.astype(np.float64))
    np.testing.assert_allclose(calcium, expected, rtol=1e-5, atol=1e-5 * expected.max())


def test_ar1_gradients_are_finite_near_decay_one():
    rng = np.random.default_rng(1)
    events = rng.random((2, 2048, len(DECAYS))).astype(np.float32)
    head = _head(len(DECAYS), decay=DECAYS)
    inputs = keras.ops.convert_to_tensor(np.log(np.expm1(events)))  # softplus(inputs) = events
    gradients = _gradients(head, inputs)
    assert all(np.isfinite(np.asarray(gradient)).all() for gradient in gradients)
    assert np.all(np.asarray(gradients[0]) != 0)  # every decay gets a gradient


def _gradients(layer, inputs):
    """Gradients of sum(sin(layer(inputs))) with respect to the layer's trainable weights."""
    if keras.backend.backend() == "jax":
        import jax

        def total(weights):
            outputs, _ = layer.stateless_call(weights, [v.value for v in layer.non_trainable_variables], inputs)
            return keras.ops.sum(keras.ops.sin(outputs))

        return jax.grad(total)([v.value for v in layer.trainable_variables])
    import tensorflow as tf

    with tf.GradientTape() as tape:
        total = tf.reduce_sum(tf.sin(layer(inputs)))
    return tape.gradient(total, layer.trainable_variables)


def test_output_is_baseline_plus_calcium_plus_noise_of_its_scale():
    """Events of exactly zero leave baseline + noise: mean = baseline and std = noise scale per neuron."""
    scales = np.array([0.01, 0.05, 0.2, 1.0], np.float32)
    head = _head(4, baseline=[0.1, 0.2, 0.3, 0.4], noise=scales)
    np.testing.assert_allclose(head.noise_scale, scales, rtol=1e-5)
    silent = np.full((64, 256, 4), -200.0, np.float32)  # softplus(-200) = 0 in float32
    outputs = np.asarray(head(silent)).reshape(-1, 4)
    # 16,384 draws per neuron: the sample std's relative standard error is 1 / sqrt(2 n) = 0.55 %.
    np.testing.assert_allclose(outputs.std(axis=0), scales, rtol=0.03)
    assert np.all(np.abs(outputs.mean(axis=0) - [0.1, 0.2, 0.3, 0.4]) < 4 * scales / np.sqrt(len(outputs)))


def test_noise_is_drawn_in_and_out_of_training_from_the_layer_stream():
    inputs = np.zeros((2, 32, 3), np.float32)
    head = _head(3, seed=7)
    first, second = np.asarray(head(inputs, training=False)), np.asarray(head(inputs, training=False))
    assert not np.array_equal(first, second)  # the stream moves on
    assert not np.array_equal(np.asarray(head(inputs, training=True)), second)
    again = _head(3, seed=7)
    np.testing.assert_array_equal(np.asarray(again(inputs, training=True)), first)  # same seed, same draws
    state_variables = [variable for variable in head.non_trainable_variables if "seed" in variable.path]
    assert state_variables == [head.seed_generator.state]  # so checkpoints hold it


def test_initial_weights_and_float32_under_mixed_precision():
    keras.config.set_dtype_policy("mixed_float16")
    try:
        head = CalciumHead()
        outputs = head(np.zeros((2, 8, 5), np.float16))
    finally:
        keras.config.set_dtype_policy("float32")
    assert outputs.dtype == "float32" and head.compute_dtype == "float32" and head.decay_logit.dtype == "float32"
    np.testing.assert_allclose(head.decay, INITIAL_DECAY, rtol=1e-6)
    np.testing.assert_allclose(head.baseline, INITIAL_BASELINE)
    np.testing.assert_allclose(head.noise_scale, INITIAL_NOISE, rtol=1e-5)
    assert [weight.name for weight in head.trainable_weights] == ["decay_logit", "baseline", "noise_parameter"]
    assert head.count_params() == 15


def test_head_config_round_trip_and_argument_checks():
    head = CalciumHead(initial_decay=0.8, initial_baseline=0.0, initial_noise=0.1, seed=3, name="traces")
    clone = CalciumHead.from_config(head.get_config())
    assert (clone.initial_decay, clone.initial_baseline, clone.initial_noise, clone.seed) == (0.8, 0.0, 0.1, 3)
    with pytest.raises(ValueError, match="initial_decay must lie in \\(0, 1\\)"):
        CalciumHead(initial_decay=1.0)


def test_event_noise_makes_log_normal_events_around_the_activation():
    """With initial_event_noise s the events are softplus(x + s v), v ~ N(0, 1): at x = -3 and s = 2 their mean
    is E[softplus(-3 + 2 v)] (quadrature) and they are sparse and heavy-tailed, where s = 0 gives the constant
    softplus(-3). A decay near 0 and a tiny measurement noise leave output - baseline = events."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    expected_mean = np.sum(weights * np.logaddexp(0.0, -3.0 + 2.0 * nodes)) / np.sqrt(2 * np.pi)
    activations = np.full((64, 256, 2), -3.0, np.float32)
    for event_noise in (0.0, 2.0):
        head = CalciumHead(initial_decay=1e-4, initial_baseline=0.0, initial_noise=1e-6,
                           initial_event_noise=event_noise, seed=1)  # fmt: skip
        events = np.asarray(head(activations), np.float64).ravel()
        assert len(head.trainable_weights) == (4 if event_noise else 3)
        if not event_noise:
            np.testing.assert_allclose(events, np.logaddexp(0.0, -3.0), rtol=1e-3)
            continue
        np.testing.assert_allclose(events.mean(), expected_mean, rtol=0.03)
        assert np.quantile(events, 0.99) > 8 * np.median(events)  # a few large events among many small ones
    clone = CalciumHead.from_config(head.get_config())
    assert clone.initial_event_noise == 2.0


def test_binary_events_are_a_relaxed_bernoulli_draw_of_the_log_odds():
    """With events="binary" a frame's event exceeds half the amplitude exactly when x + l > 0 (l standard
    logistic), so with probability p = sigmoid(x); at temperature 0.2 about 4.4 * 0.2 * p (1 - p) of the frames
    (the logistic density at -x times the width of x + l that lands there) lie between 10 % and 90 % of an event
    and the rest are (nearly) 0 or the amplitude, 0.1 at the start."""
    activations = np.stack([np.full((64, 256), -3.0), np.full((64, 256), -1.0)], axis=-1).astype(np.float32)
    head = CalciumHead(initial_decay=1e-4, initial_baseline=0.0, initial_noise=1e-6, events="binary", seed=1)
    events = np.asarray(head(activations), np.float64).reshape(-1, 2)
    assert len(head.trainable_weights) == 4
    probability = 1 / (1 + np.exp([3.0, 1.0]))
    frames = len(events)
    np.testing.assert_allclose((events > 0.05).mean(axis=0), probability, atol=4 * np.sqrt(0.27 * 0.73 / frames))
    partial = ((events > 0.01) & (events < 0.09)).mean(axis=0)
    np.testing.assert_allclose(partial, 4.4 * 0.2 * probability * (1 - probability), rtol=0.2)
    clone = CalciumHead.from_config(head.get_config())
    assert clone.events == "binary"
    with pytest.raises(ValueError, match="binary events take no initial_event_noise"):
        CalciumHead(events="binary", initial_event_noise=1.0)


def test_event_size_spread_draws_log_normal_sizes_around_the_amplitude():
    """Log-odds 10 (an event in every frame), spreads 0.3 and 0.8: each event's log size is normal with standard
    deviation s around log(A) - s^2 / 2, so the sizes' mean is A = 0.1 and their third over second moment A e^(2 s^2),
    the ratio the head's start reads from a recording's cumulants. 16,384 events per neuron."""
    spreads = np.array([0.3, 0.8])
    head = CalciumHead(initial_decay=1e-4, initial_baseline=0.0, initial_noise=1e-6, events="binary",
                       event_size_spread=0.5, seed=3)  # fmt: skip
    head.build((None, None, 2))
    head.size_spread_parameter.assign(np.log(np.expm1(spreads)).astype(np.float32))
    sizes = np.asarray(head(np.full((64, 256, 2), 10.0, np.float32)), np.float64).reshape(-1, 2)
    logs = np.log(sizes)
    np.testing.assert_allclose(logs.std(axis=0), spreads, rtol=0.03)
    np.testing.assert_allclose(logs.mean(axis=0), np.log(0.1) - spreads**2 / 2, atol=0.02)
    np.testing.assert_allclose(sizes.mean(axis=0), 0.1, rtol=0.03)
    np.testing.assert_allclose((sizes**3).mean(axis=0) / (sizes**2).mean(axis=0), 0.1 * np.exp(2 * spreads**2),
                               rtol=0.1)  # fmt: skip
    assert len(head.trainable_weights) == 5 and CalciumHead.from_config(head.get_config()).event_size_spread == 0.5
    with pytest.raises(ValueError, match="event_size_spread must be >= 0 and needs binary events"):
        CalciumHead(event_size_spread=0.5)


def test_event_factors_make_the_binary_events_a_dichotomized_gaussian():
    """One factor with loadings a and a: the two neurons' normals have correlation rho = a^2 / (1 + a^2), and an
    event exceeds half the amplitude exactly when z > Phi^-1(1 - sigmoid(x)), so both fire in a frame with the
    bivariate normal probability of the dichotomized Gaussian; independent neurons fire together with p^2."""
    from scipy.stats import multivariate_normal, norm

    activations = np.full((128, 256, 2), -2.0, np.float32)
    probability = 1 / (1 + np.exp(2.0))
    threshold = norm.ppf(1 - probability)
    for loading in (0.0, 1.5):
        head = CalciumHead(initial_decay=1e-4, initial_baseline=0.0, initial_noise=1e-6, events="binary",
                           event_factors=1, seed=2)  # fmt: skip
        head.build((None, None, 2))
        head.event_loadings.assign(np.full((2, 1), loading, np.float32))
        fired = np.asarray(head(activations), np.float64).reshape(-1, 2) > 0.05
        rho = loading**2 / (1 + loading**2)
        both = multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]]).cdf([-threshold, -threshold])
        np.testing.assert_allclose(fired.mean(axis=0), probability, atol=0.01)
        np.testing.assert_allclose(fired.all(axis=1).mean(), both, atol=4 * np.sqrt(both / len(fired)))
    assert len(head.trainable_weights) == 5 and CalciumHead.from_config(head.get_config()).event_factors == 1
    with pytest.raises(ValueError, match="only they take event_factors"):
        CalciumHead(event_factors=2)


def test_synchrony_spread_makes_the_event_factor_strength_drift_at_unit_variance():
    """One factor, loading 100 (z is the factor to 1e-4), spread c = 0.5, persistence rho = 0.5: f = e exp(c u - c^2)
    with u a unit AR(1) has E f^2 = 1, E f^4 = 3 exp(4 c^2) and lag-1 correlation of f^2 (exp(4 c^2 rho) - 1) /
    (3 exp(4 c^2) - 1) = 0.091; a constant strength (c = 0) would give 3 and 0. 65,536 frames."""
    head = CalciumHead(events="binary", event_factors=1, synchrony_spread=0.5, seed=5)
    head.build((None, None, 1))
    head.event_loadings.assign(np.full((1, 1), 100.0, np.float32))
    head.synchrony_persistence_logit.assign(np.zeros(1, np.float32))
    z = np.asarray(head._event_normals(np.zeros((256, 256, 1), np.float32)), np.float64)[..., 0]
    np.testing.assert_allclose(np.mean(z**2), 1.0, atol=0.03)
    np.testing.assert_allclose(np.mean(z**4), 3 * np.e, rtol=0.1)
    squares = z**2 - np.mean(z**2)
    lagged = np.mean(squares[:, 1:] * squares[:, :-1]) / np.mean(squares**2)
    np.testing.assert_allclose(lagged, (np.exp(0.5) - 1) / (3 * np.e - 1), atol=0.02)
    np.testing.assert_allclose(np.asarray(head.synchrony_persistence), [0.5], rtol=1e-6)
    assert CalciumHead.from_config(head.get_config()).synchrony_spread == 0.5
    with pytest.raises(ValueError, match="synchrony_spread must be >= 0 and needs event_factors"):
        CalciumHead(events="binary", synchrony_spread=0.5)


def test_slow_factors_move_the_loaded_neurons_rates_together_over_frames_and_windows():
    """Log-odds -2 + m_n u_t with u a unit-variance AR(1) (0.99 per frame), m = (1.5, 0, 1.5): a loaded neuron fires
    with probability E[sigmoid(-2 + 1.5 u)] and two loaded ones together with E[sigmoid(-2 + 1.5 u)^2] (Gauss-Hermite
    over u), given u independently; the unloaded one with sigmoid(-2). Over windows of 256 frames the loaded
    neurons' firing fractions rise and fall together, the unloaded one's apart from them. The tolerances allow for
    about 300 independent values of u in 128 windows."""
    activations = np.full((128, 256, 3), -2.0, np.float32)
    head = CalciumHead(initial_decay=1e-4, initial_baseline=0.0, initial_noise=1e-6, events="binary", slow_factors=1,
                       seed=4)  # fmt: skip
    head.build((None, None, 3))
    head.slow_loadings.assign(np.array([[1.5], [0.0], [1.5]], np.float32))
    head.slow_persistence_logit.assign(np.array([np.log(0.99 / 0.01)], np.float32))
    fired = np.asarray(head(activations), np.float64) > 0.05  # (batch, time, 3)
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    weights = weights / weights.sum()
    loaded = 1 / (1 + np.exp(2.0 - 1.5 * nodes))
    np.testing.assert_allclose(fired.mean(axis=(0, 1)), [weights @ loaded, 1 / (1 + np.exp(2.0)), weights @ loaded],
                               atol=0.02)  # fmt: skip
    np.testing.assert_allclose((fired[..., 0] & fired[..., 2]).mean(), weights @ loaded**2, atol=0.02)
    fractions = fired.mean(axis=1)  # (windows, 3)
    together = np.corrcoef(fractions, rowvar=False)
    assert together[0, 2] > 0.6 and abs(together[0, 1]) < 0.25
    np.testing.assert_allclose(np.asarray(head.slow_persistence), [0.99], rtol=1e-5)
    assert CalciumHead.from_config(head.get_config()).slow_factors == 1


def test_calcium_rise_puts_a_share_of_each_event_one_frame_late():
    """With rise r and decay g an event at frame 5 gives 0 before it, (1 - r) at it and ((1 - r) g + r) g^(t - 6)
    at every later frame t: the AR(1) response to the events (1 - r) s_t + r s_(t-1)."""
    rises, decay = np.array([0.05, 0.3, 0.44]), 0.9
    head = CalciumHead(calcium_rise=True)
    head.build((None, None, len(rises)))
    head.decay_logit.assign(np.full(len(rises), np.log(decay / (1 - decay)), np.float32))
    head.rise_logit.assign(np.log(rises / (1 - rises)).astype(np.float32))
    impulse = np.zeros((1, 40, len(rises)), np.float32)
    impulse[0, 5] = 1.0
    response = np.asarray(head.calcium(impulse), np.float64)[0]
    expected = np.zeros((40, len(rises)))
    expected[5] = 1 - rises
    expected[6:] = ((1 - rises) * decay + rises) * decay ** np.arange(34)[:, None]
    np.testing.assert_allclose(response, expected, rtol=1e-5, atol=1e-7)
    assert len(head.trainable_weights) == 4 and CalciumHead.from_config(head.get_config()).calcium_rise
    np.testing.assert_allclose(np.asarray(head.rise), rises, rtol=1e-5)
