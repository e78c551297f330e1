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
