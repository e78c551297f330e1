"""Phase shuffle (1D and 2D): reflection at the edges, one shift per example, identity outside training;
per-neuron batch statistics."""

import numpy as np
import pytest

from calciumgan.config import ModelConfig
from calciumgan.models.layers import NeuronBatchStatistics, PhaseShuffle, PhaseShuffle2D
from calciumgan.models.registry import build_models

pytestmark = pytest.mark.backend


def test_phase_shuffle_reflects_at_the_edges():
    inputs = np.arange(6, dtype=np.float32).reshape(1, 6, 1)
    layer = PhaseShuffle(2, seed=0)
    seen = {}
    for _ in range(200):
        outputs = np.asarray(layer(inputs, training=True))[0, :, 0]
        seen[tuple(outputs)] = True
    expected = {
        (2, 1, 0, 1, 2, 3),  # shift +2
        (1, 0, 1, 2, 3, 4),  # shift +1
        (0, 1, 2, 3, 4, 5),  # no shift
        (1, 2, 3, 4, 5, 4),  # shift -1
        (2, 3, 4, 5, 4, 3),  # shift -2
    }
    assert set(seen) == expected


def test_phase_shuffle_draws_one_shift_per_example():
    batch = np.tile(np.arange(40, dtype=np.float32).reshape(1, 40, 1), (64, 1, 1))
    outputs = np.asarray(PhaseShuffle(3, seed=1)(batch, training=True))
    shifts = 10 - outputs[:, 10, 0]  # frame 10 reads input frame 10 - shift
    assert set(shifts.astype(int).tolist()) == {-3, -2, -1, 0, 1, 2, 3}
    for example, shift in zip(outputs, shifts.astype(int)):
        np.testing.assert_array_equal(example[5:35, 0], np.arange(5, 35) - shift)


def test_phase_shuffle_is_identity_outside_training():
    inputs = np.random.default_rng(0).normal(size=(4, 20, 3)).astype(np.float32)
    layer = PhaseShuffle(5)
    np.testing.assert_array_equal(layer(inputs, training=False), inputs)
    np.testing.assert_array_equal(layer(inputs), inputs)
    np.testing.assert_array_equal(PhaseShuffle(0)(inputs, training=True), inputs)


def _grid(batch, length, neurons):
    """(batch, length, neurons, 2): channel 0 holds the frame index, channel 1 the neuron index."""
    frames, neurons = np.meshgrid(np.arange(length), np.arange(neurons), indexing="ij")
    return np.tile(np.stack([frames, neurons], axis=-1)[None].astype(np.float32), (batch, 1, 1, 1))


def _reflect(index, length):
    """Indices outside [0, length) reflected at the ends: -1 -> 1, length -> length - 2."""
    index = np.abs(index)
    return np.where(index > length - 1, 2 * (length - 1) - index, index)


def test_phase_shuffle_2d_shifts_each_example_in_time_and_across_neurons_with_reflection():
    outputs = np.asarray(PhaseShuffle2D(2, 3, seed=0)(_grid(256, 9, 8), training=True))
    time_shifts = 4 - outputs[:, 4, 0, 0]  # frame 4 reads frame 4 - shift
    neuron_shifts = 4 - outputs[:, 0, 4, 1]
    assert set(time_shifts.astype(int).tolist()) == {-2, -1, 0, 1, 2}
    assert set(neuron_shifts.astype(int).tolist()) == {-3, -2, -1, 0, 1, 2, 3}
    for example, time_shift, neuron_shift in zip(outputs, time_shifts, neuron_shifts):
        expected = _grid(1, 9, 8)[0]
        expected[..., 0] = _reflect(expected[..., 0] - time_shift, 9)
        expected[..., 1] = _reflect(expected[..., 1] - neuron_shift, 8)
        np.testing.assert_array_equal(example, expected)


def test_phase_shuffle_2d_is_identity_outside_training_and_without_shifts():
    inputs = np.random.default_rng(0).normal(size=(2, 6, 5, 3)).astype(np.float32)
    np.testing.assert_array_equal(PhaseShuffle2D(2, 2)(inputs), inputs)
    np.testing.assert_array_equal(PhaseShuffle2D(0, 0)(inputs, training=True), inputs)
    only_neurons = np.asarray(PhaseShuffle2D(0, 2, seed=1)(_grid(32, 6, 5), training=True))
    np.testing.assert_array_equal(only_neurons[..., 0], _grid(32, 6, 5)[..., 0])  # time untouched
    clone = PhaseShuffle2D.from_config(PhaseShuffle2D(3, 4, seed=5, name="shuffle").get_config())
    assert (clone.max_shift, clone.max_neuron_shift, clone.seed, clone.name) == (3, 4, 5, "shuffle")


def test_neuron_batch_statistics_are_each_neurons_mean_and_spread_over_the_batch():
    batch = np.random.default_rng(0).normal([1.0, -2.0, 0.5], [0.5, 2.0, 1.0], size=(8, 30, 3)).astype(np.float32)
    outputs = np.asarray(NeuronBatchStatistics()(batch))
    expected = np.concatenate([batch.mean(axis=(0, 1)), batch.std(axis=(0, 1))])
    assert outputs.shape == (8, 6)
    np.testing.assert_allclose(outputs, np.tile(expected, (8, 1)), rtol=1e-5)


def test_a_critic_with_neuron_statistics_has_2n_more_weights_and_scores_batch_rates():
    arguments = {**vars(ModelConfig(filters=4, kernel_size=4, num_blocks=2, phase_shuffle=0)), "window": 16,
                 "num_neurons": 5}  # fmt: skip
    _, plain = build_models("wavegan", arguments)
    _, informed = build_models("wavegan", {**arguments, "critic_neuron_statistics": True})
    assert informed.count_params() == plain.count_params() + 2 * 5
    batch = np.random.default_rng(1).normal(size=(4, 16, 5)).astype(np.float32)
    # one example's score now depends on the rest of its batch
    alone, together = np.asarray(informed(batch[:1])), np.asarray(informed(batch))[:1]
    assert not np.allclose(alone, together)
    np.testing.assert_allclose(np.asarray(plain(batch[:1])), np.asarray(plain(batch))[:1], rtol=1e-5)
