"""Starting the calcium head at the training data's per-neuron levels (``model.head_from_data``)."""

import keras
import numpy as np
import pytest
from scipy.signal import lfilter
from scipy.special import expit, logit
from scipy.stats import norm

from calciumgan.models.head_start import (
    DECAY_RANGE,
    _spike_shrinkage,
    binary_event_amplitude,
    event_loadings_from_traces,
    head_targets,
    rise_from_traces,
    slow_factors_from_traces,
    start_head_from_traces,
)
from calciumgan.models.heads import INITIAL_DECAY, INITIAL_RISE
from calciumgan.models.registry import build_models

GENERATOR = {"window": 64, "noise_dim": 8, "filters": 4, "kernel_size": 8, "strides": 2, "num_blocks": 3,
             "normalization": "layer", "convolutions": "fast", "output": "calcium"}  # fmt: skip


DECAYS = (0.95, 0.9, 0.8)


def _recording(frames=20_000, baselines=(0.1, 0.3, 0.5), noises=(0.01, 0.02, 0.04), rates=(0.002, 0.005, 0.01),
               drift=0.0, seed=0):  # fmt: skip
    """(frames, neurons) baseline + AR(1) calcium (g = ``DECAYS``) of Bernoulli events of size 0.1 + white noise,
    plus a slow drift (AR(1), g = 0.999, standard deviation ``drift``) if asked."""
    rng = np.random.default_rng(seed)
    events = 0.1 * (rng.random((frames, len(rates))) < np.asarray(rates))
    calcium = np.zeros_like(events)
    slow = np.zeros_like(events)
    kicks = drift * np.sqrt(1 - 0.999**2) * rng.standard_normal(events.shape)
    for t in range(frames):
        calcium[t] = np.asarray(DECAYS) * calcium[t - 1] + events[t] if t else events[t]
        slow[t] = 0.999 * slow[t - 1] + kicks[t] if t else kicks[t]
    return np.asarray(baselines) + calcium + slow + np.asarray(noises) * rng.standard_normal(events.shape)


def test_head_targets_recover_baseline_and_noise_of_a_known_recording():
    """Neurons quiet (calcium < 0.01) for 98 %, 90 % and 70 % of frames at 0.05-0.24 events/s."""
    baseline, noise, decay = head_targets(_recording())
    np.testing.assert_allclose(noise, [0.01, 0.02, 0.04], rtol=0.1)
    np.testing.assert_allclose(baseline, [0.1, 0.3, 0.5], atol=0.012)
    _, _, decay = head_targets(_recording(frames=60_000))  # a decay needs more frames: 60 to 600 events
    np.testing.assert_allclose(decay, DECAYS, atol=0.04)


def test_decay_is_read_through_a_slow_drift_and_falls_back_where_nothing_decays():
    """A drift as large as the calcium (sd 0.02, 1,000-frame time scale) would pull a lag-2 / lag-1 ratio
    towards 1; the constant neuron and the white-noise neuron have no calcium to read a decay from."""
    _, _, decay = head_targets(_recording(frames=60_000, drift=0.02, seed=1))
    np.testing.assert_allclose(decay, DECAYS, atol=0.04)
    rng = np.random.default_rng(2)
    _, _, decay = head_targets(np.stack([np.full(5000, 0.3), rng.standard_normal(5000)], axis=1))
    assert decay[0] == INITIAL_DECAY and DECAY_RANGE[0] <= decay[1] <= DECAY_RANGE[1]


def test_binary_event_size_is_read_from_the_calcium_cumulants():
    """The recording's events are 0.1 in 0.2 %, 0.5 % and 1 % of frames; A = k3 (1 - g^3) / (k2 (1 - g^2)) is
    exact but for the factor 1 - 2p (at least 0.98), so the estimate is 0.1 within its sampling error (120 events
    for the sparsest neuron)."""
    traces = _recording(frames=60_000, seed=3)
    _, noise, decay = head_targets(traces)
    np.testing.assert_allclose(binary_event_amplitude(traces, noise, decay), 0.1, rtol=0.25)
    constant = np.full((1000, 1), 0.3)  # nothing varies: the smallest size, the noise floor
    np.testing.assert_array_equal(binary_event_amplitude(constant, np.array([1e-4]), np.array([0.9])), [1e-4])


def _one_factor_recording(latent_correlation, probability, frames=20_000, neurons=12, seed=4):
    """(frames, neurons) baseline 0.2 + AR(1) calcium (g = 0.9) of events of size 0.1 from a dichotomized Gaussian
    whose latent normals all correlate ``latent_correlation`` (one factor), each neuron firing in a fraction
    ``probability`` of frames, + white noise of sd 0.02."""
    rng = np.random.default_rng(seed)
    shared = np.sqrt(latent_correlation) * rng.standard_normal((frames, 1))
    latent = shared + np.sqrt(1 - latent_correlation) * rng.standard_normal((frames, neurons))
    events = 0.1 * (latent > norm.ppf(1 - probability))
    return 0.2 + lfilter([1.0], [1.0, -0.9], events, axis=0) + 0.02 * rng.standard_normal(events.shape)


def test_dense_binary_events_get_their_exact_size():
    """Events in 20 % of frames: the skew alone reads A (1 - 2 p) = 0.06; with the variance, sqrt(m^2 + 4 v) = A."""
    traces = _one_factor_recording(0.0, 0.2)
    _, noise, decay = head_targets(traces)
    np.testing.assert_allclose(binary_event_amplitude(traces, noise, decay), 0.1, rtol=0.05)


@pytest.mark.parametrize("latent_correlation, probability, tolerance", [(0.0, 0.1, 0.01), (0.1, 0.2, 0.015),
                                                                        (0.2, 0.1, 0.04)])  # fmt: skip
def test_event_loadings_recover_the_latent_correlation_of_a_dichotomized_gaussian(latent_correlation, probability,
                                                                                  tolerance):  # fmt: skip
    """Loadings L give the head's latent normals correlations B_n . B_m, B = L / sqrt(1 + |L|^2); read from the
    traces to first order in the tetrachoric series, whose next term adds rho^2 t^2 / 2 (0.026 at rho 0.2,
    p 0.1), the mean over pairs is the simulated correlation within that and its sampling error."""
    traces = _one_factor_recording(latent_correlation, probability)
    _, _, decay = head_targets(traces)
    loadings = event_loadings_from_traces(traces, decay, factors=2)
    assert loadings.shape == (12, 2)
    shared = loadings / np.sqrt(1 + np.sum(loadings**2, axis=1, keepdims=True))
    pairs = (shared @ shared.T)[~np.eye(12, dtype=bool)]
    assert abs(pairs.mean() - latent_correlation) < tolerance


def test_event_loadings_of_sparse_independent_events_stay_near_zero():
    """Events in 2 % of frames of 40 independent neurons: a pair's innovation correlation is sampling noise of
    sd 1 / sqrt(frames), which the first-order weight of a sparse neuron multiplies about 50-fold into the
    latent scale. Eigenpairs of the innovations' correlations at or below the noise's edge give nothing, so the
    started latent correlations stay small."""
    traces = _one_factor_recording(0.0, 0.02, neurons=40)
    _, _, decay = head_targets(traces)
    loadings = event_loadings_from_traces(traces, decay, factors=4)
    shared = loadings / np.sqrt(1 + np.sum(loadings**2, axis=1, keepdims=True))
    pairs = (shared @ shared.T)[~np.eye(40, dtype=bool)]
    assert np.abs(pairs).mean() < 0.06


def test_spike_shrinkage_inverts_the_sample_eigenvalue_and_is_zero_at_the_noise_edge():
    """A population eigenvalue l = 3 seen with aspect 0.25 has sample eigenvalue l + 0.25 l / (l - 1) = 3.375 and
    squared eigenvector overlap (1 - 0.25 / 4) / (1 + 0.25 / 2) = 5 / 6; the edge is (1 + 0.5)^2 = 2.25."""
    np.testing.assert_allclose(_spike_shrinkage(np.array([3.375, 2.25, 1.0]), 0.25), [np.sqrt(2 * 5 / 6), 0, 0],
                               atol=1e-6)  # fmt: skip


def _slow_recording(frames=40_000, neurons=16, persistence=0.995, seed=5):
    """(frames, neurons) traces whose events (size 0.1) have log-odds logit(0.05) + l_n u_t: u a unit-variance AR(1)
    (``persistence`` per frame, 8 s at 24 Hz), l_n from 0 to 1; calcium g = 0.9, baseline 0.2, noise sd 0.02."""
    rng = np.random.default_rng(seed)
    kicks = np.sqrt(1 - persistence**2) * rng.standard_normal(frames)
    kicks[0] = rng.standard_normal()
    slow = lfilter([1.0], [1.0, -persistence], kicks)
    probability = expit(logit(0.05) + slow[:, None] * np.linspace(0.0, 1.0, neurons))
    events = 0.1 * (rng.random((frames, neurons)) < probability)
    return 0.2 + lfilter([1.0], [1.0, -0.9], events, axis=0) + 0.02 * rng.standard_normal(events.shape)


@pytest.mark.parametrize("seed", [5, 6])
def test_slow_factors_recover_a_slow_shared_rate_and_its_time_scale(seed):
    """The most loaded neuron's calcium level has sd 0.1 / (1 - 0.9) sd(expit(logit(0.05) + z)) = 0.0713 (z standard
    normal, by Gauss-Hermite quadrature); averaging over blocks of 32 frames and the estimate take a few % off. The
    unloaded neuron gets nothing, nor does a second factor."""
    traces = _slow_recording(seed=seed)
    _, _, decay = head_targets(traces)
    loadings, persistence = slow_factors_from_traces(traces, decay, factors=2)
    assert loadings.shape == (16, 2) and persistence.shape == (2,)
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    weights = weights / weights.sum()
    levels = expit(logit(0.05) + nodes)
    expected = 0.1 / 0.1 * np.sqrt(weights @ levels**2 - (weights @ levels) ** 2)
    first = loadings[:, 0] * np.sign(loadings[:, 0].sum())
    assert first[-1] == pytest.approx(expected, rel=0.15)
    assert abs(first[0]) < 0.005 and np.corrcoef(first, np.linspace(0, 1, 16))[0, 1] > 0.97
    assert np.all(loadings[:, 1] == 0)
    assert persistence[0] == pytest.approx(0.995, abs=0.003)


def test_events_synchronous_within_frames_are_not_slow_factors():
    """A dichotomized Gaussian with latent correlation 0.3 correlates neurons within frames, and so their levels
    over the same block, but not over neighbouring blocks: no slow factor."""
    traces = _one_factor_recording(0.3, 0.05, frames=40_000, neurons=16)
    _, _, decay = head_targets(traces)
    loadings, _ = slow_factors_from_traces(traces, decay, factors=2)
    assert np.all(loadings == 0)


def test_rise_is_read_from_the_innovations_third_cross_moment_whatever_the_noise():
    """Bernoulli events (5 %, size 1) split (1 - r), r over two frames, AR(1) calcium g = 0.9 and white noise of sd
    0.3: 60,000 frames read r within 0.03. Noise alone has no skewed events, so it keeps ``INITIAL_RISE``."""
    rng = np.random.default_rng(0)
    rises = np.array([0.0, 0.15, 0.3])
    spikes = (rng.random((60_000, 3)) < 0.05).astype(float)
    events = (1 - rises) * spikes + rises * np.vstack([np.zeros((1, 3)), spikes[:-1]])
    traces = lfilter([1.0], [1.0, -0.9], events, axis=0) + 0.3 * rng.standard_normal(events.shape)
    np.testing.assert_allclose(rise_from_traces(traces, np.full(3, 0.9)), np.maximum(rises, 0.01), atol=0.03)
    noise = 0.3 * rng.standard_normal((60_000, 8))
    np.testing.assert_array_equal(rise_from_traces(noise, np.full(8, 0.9)), INITIAL_RISE)


@pytest.mark.parametrize("events", ["softplus", "binary"])
def test_started_generator_matches_every_neurons_mean_level(events):
    keras.utils.set_random_seed(0)
    traces = _recording(frames=4000)
    generator, _ = build_models("wavegan", {**GENERATOR, "num_neurons": 3, "phase_shuffle": 0, "edge_margin": 0,
                                            "events": events, "calcium_rise": True})  # fmt: skip
    start_head_from_traces(generator, traces, seed=1)
    baseline, noise, decay = head_targets(traces)
    head = generator.get_layer("traces")
    np.testing.assert_allclose(np.asarray(head.baseline), baseline, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(head.noise_scale), noise, rtol=1e-4)
    np.testing.assert_allclose(np.asarray(head.decay), decay, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(head.rise), rise_from_traces(traces, decay), rtol=1e-4)
    generated = np.asarray(generator(keras.random.normal((256, 8), seed=2)))  # fresh noise, not the fitted draw
    np.testing.assert_allclose(generated.mean(axis=(0, 1)), traces.mean(axis=0), rtol=0.05)


def test_spread_event_sizes_start_with_the_recordings_third_over_second_moment():
    """Log-normal sizes of spread s and mean A have third over second moment A e^(2 s^2): the start divides the
    one-size estimate (that ratio in the recording's cumulants) by e^(2 s^2), so the two agree."""
    keras.utils.set_random_seed(0)
    traces = _recording(frames=4000)
    generator, _ = build_models("wavegan", {**GENERATOR, "num_neurons": 3, "phase_shuffle": 0, "edge_margin": 0,
                                            "events": "binary", "event_size_spread": 0.6})  # fmt: skip
    start_head_from_traces(generator, traces, seed=1)
    head = generator.get_layer("traces")
    baseline, noise, decay = head_targets(traces)
    np.testing.assert_allclose(np.asarray(head.size_spread), 0.6, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(head.amplitude) * np.exp(2 * 0.6**2),
                               binary_event_amplitude(traces, noise, decay), rtol=1e-4)  # fmt: skip


def test_started_event_factors_hold_the_loadings_read_from_the_traces():
    traces = _one_factor_recording(0.2, 0.1, frames=4000, neurons=3)
    generator, _ = build_models("wavegan", {**GENERATOR, "num_neurons": 3, "phase_shuffle": 0, "edge_margin": 0,
                                            "events": "binary", "event_factors": 2})  # fmt: skip
    start_head_from_traces(generator, traces, seed=1)
    _, _, decay = head_targets(traces)
    expected = event_loadings_from_traces(traces, decay, factors=2, seed=1)
    assert np.abs(expected).max() > 0.1
    np.testing.assert_allclose(np.asarray(generator.get_layer("traces").event_loadings), expected, rtol=1e-5)


@pytest.mark.parametrize("events", ["softplus", "binary"])
def test_started_slow_factors_give_windows_the_recordings_spread_of_levels(events):
    """Windows of 64 frames of ``_slow_recording``: with slow factors the four most loaded neurons' window means
    spread over windows about as the recording's do (ratio 0.8-0.9 for softplus and 1.0-2.0 for binary events over
    five weight seeds: the loadings are read to first order, and sparse binary events respond more than linearly
    to a shift of their log-odds), where without them the untrained generator's spread is 0.07-0.09 (softplus)
    and 0.7-0.75 (binary) of it; each neuron's mean level stays matched within 8 % (the slow factors of 512 windows
    move a loaded neuron's mean by a few %). Weights seeded, so the values are fixed."""
    keras.utils.set_random_seed(0)
    traces = _slow_recording()
    generator, _ = build_models("wavegan", {**GENERATOR, "num_neurons": 16, "phase_shuffle": 0, "events": events,
                                            "slow_factors": 2})  # fmt: skip
    start_head_from_traces(generator, traces, samples=256, seed=0)
    generated = np.asarray(generator(keras.random.normal((512, 8), seed=1)), np.float64)
    windows = traces[: len(traces) // 64 * 64].reshape(-1, 64, 16)
    ratio = generated.mean(axis=1).std(axis=0) / windows.mean(axis=1).std(axis=0)
    assert 0.75 < ratio[-4:].mean() < 2.0
    np.testing.assert_allclose(generated.mean(axis=(0, 1)), traces.mean(axis=0), rtol=0.08)


def test_start_refuses_a_direct_generator_and_the_wrong_neuron_count():
    direct, _ = build_models("wavegan", {**GENERATOR, "output": "direct", "num_neurons": 3, "phase_shuffle": 0})
    with pytest.raises(ValueError, match="model.output 'calcium'"):
        start_head_from_traces(direct, np.zeros((100, 3)))
    calcium, _ = build_models("wavegan", {**GENERATOR, "num_neurons": 3, "phase_shuffle": 0})
    with pytest.raises(ValueError, match=r"shape \(100, 4\) do not match the generator's 3 neurons"):
        start_head_from_traces(calcium, np.zeros((100, 4)))
