"""Starting the calcium head at the training data's per-neuron levels (``model.head_from_data``)."""

import keras
import numpy as np
import pytest

from calciumgan.models.heads import head_targets, start_head_from_traces
from calciumgan.models.registry import build_models

GENERATOR = {"window": 64, "noise_dim": 8, "filters": 4, "kernel_size": 8, "strides": 2, "num_blocks": 3,
             "normalization": "layer", "convolutions": "fast", "output": "calcium"}  # fmt: skip


def _recording(frames=20_000, baselines=(0.1, 0.3, 0.5), noises=(0.01, 0.02, 0.04), rates=(0.002, 0.005, 0.01), seed=0):
    """(frames, neurons) baseline + AR(1) calcium (g = 0.95) of Bernoulli events of size 0.1 + white noise."""
    rng = np.random.default_rng(seed)
    events = 0.1 * (rng.random((frames, len(rates))) < np.asarray(rates))
    calcium = np.zeros_like(events)
    for t in range(frames):
        calcium[t] = 0.95 * calcium[t - 1] + events[t] if t else events[t]
    return np.asarray(baselines) + calcium + np.asarray(noises) * rng.standard_normal(events.shape)


def test_head_targets_recover_baseline_and_noise_of_a_known_recording():
    """Neurons quiet (calcium < 0.01) for 98 %, 90 % and 70 % of frames at 0.05-0.24 events/s."""
    baseline, noise = head_targets(_recording())
    np.testing.assert_allclose(noise, [0.01, 0.02, 0.04], rtol=0.1)
    np.testing.assert_allclose(baseline, [0.1, 0.3, 0.5], atol=0.012)


def test_started_generator_matches_every_neurons_mean_level():
    keras.utils.set_random_seed(0)
    traces = _recording(frames=4000)
    generator, _ = build_models("wavegan", {**GENERATOR, "num_neurons": 3, "phase_shuffle": 0, "edge_margin": 0})
    start_head_from_traces(generator, traces, seed=1)
    baseline, noise = head_targets(traces)
    head = generator.get_layer("traces")
    np.testing.assert_allclose(np.asarray(head.baseline), baseline, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(head.noise_scale), noise, rtol=1e-4)
    generated = np.asarray(generator(keras.random.normal((256, 8), seed=2)))  # fresh noise, not the fitted draw
    np.testing.assert_allclose(generated.mean(axis=(0, 1)), traces.mean(axis=0), rtol=0.05)


def test_start_refuses_a_direct_generator_and_the_wrong_neuron_count():
    direct, _ = build_models("wavegan", {**GENERATOR, "output": "direct", "num_neurons": 3, "phase_shuffle": 0})
    with pytest.raises(ValueError, match="model.output 'calcium'"):
        start_head_from_traces(direct, np.zeros((100, 3)))
    calcium, _ = build_models("wavegan", {**GENERATOR, "num_neurons": 3, "phase_shuffle": 0})
    with pytest.raises(ValueError, match=r"shape \(100, 4\) do not match the generator's 3 neurons"):
        start_head_from_traces(calcium, np.zeros((100, 4)))
