import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from calciumgan.evaluation.recovery import spike_recovery

# ---- ground-truth recovery -----------------------------------------------------------------------


def train(*frames, length=10):
    spikes = np.zeros((length, 1), dtype=np.uint8)
    for frame in frames:
        spikes[frame, 0] += 1
    return spikes


def test_recovery_exact_matches():
    result = spike_recovery(train(1, 4, 8), train(1, 4, 8))
    assert (result.true_count, result.inferred_count, result.recovered, result.invented) == (3, 3, 3, 0)
    assert result.recall == 1.0 and result.precision == 1.0


def test_recovery_off_by_one_within_tolerance():
    result = spike_recovery(train(2, 6), train(3, 8))
    assert (result.recovered, result.invented, result.recall, result.precision) == (1, 1, 0.5, 0.5)
    strict = spike_recovery(train(2, 6), train(3, 8), tolerance_frames=0)
    assert strict.recovered == 0 and strict.invented == 2
    loose = spike_recovery(train(2, 6), train(3, 8), tolerance_frames=2)
    assert loose.recovered == 2


def test_recovery_uses_each_inferred_spike_once():
    result = spike_recovery(train(3, 5), train(4))
    assert (result.recovered, result.invented, result.recall, result.precision) == (1, 0, 0.5, 1.0)
    # true 1 and 2, inferred 2 and 3: a maximum matching pairs 1-2 and 2-3
    assert spike_recovery(train(1, 2), train(2, 3)).recovered == 2
    # two spikes in one frame need two inferred spikes
    assert spike_recovery(train(4, 4), train(4, 5)).recovered == 2
    assert spike_recovery(train(4, 4), train(4)).recovered == 1


def test_recovery_empty_trains():
    empty = np.zeros((10, 2), dtype=np.uint8)
    none_true = spike_recovery(empty, train(1, 2, length=10).repeat(2, axis=1))
    assert (none_true.true_count, none_true.inferred_count, none_true.invented) == (0, 4, 4)
    assert np.isnan(none_true.recall) and none_true.precision == 0.0
    none_inferred = spike_recovery(train(1, length=10), np.zeros((10, 1)))
    assert none_inferred.recall == 0.0 and np.isnan(none_inferred.precision)
    nothing = spike_recovery(empty, empty)
    assert nothing.recovered == 0 and np.isnan(nothing.recall) and np.isnan(nothing.precision)


def test_recovery_counts_trains_separately():
    true = np.zeros((2, 10, 2), dtype=np.uint8)
    inferred = np.zeros_like(true)
    true[0, 3, 0] = 1
    inferred[0, 3, 1] = 1  # same frame, other neuron: no match
    inferred[1, 3, 0] = 1  # same frame and neuron, other sample: no match
    assert spike_recovery(true, inferred).recovered == 0


def test_recovery_equals_maximum_bipartite_matching():
    rng = np.random.default_rng(12)
    for _ in range(20):
        true = (rng.random((60, 1)) < 0.2).astype(np.uint8)
        inferred = (rng.random((60, 1)) < 0.2).astype(np.uint8)
        true_frames, inferred_frames = np.flatnonzero(true), np.flatnonzero(inferred)
        close = np.abs(true_frames[:, None] - inferred_frames[None, :]) <= 1
        matching = maximum_bipartite_matching(csr_matrix(close.astype(np.int8)), perm_type="column")
        assert spike_recovery(true, inferred).recovered == int((matching >= 0).sum())
