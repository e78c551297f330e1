"""Phase shuffle: reflection at the edges, one shift per example, identity outside training."""

import numpy as np
import pytest

from calciumgan.models.layers import PhaseShuffle

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
