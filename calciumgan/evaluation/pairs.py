"""Which pairs of neurons the pairwise statistics compare: all of them, or a fixed random sample.

A recording of N neurons has N (N - 1) / 2 pairs: 5,151 at 102 neurons, 499,500 at 1,000 and
12.5 million at 5,000. A KL divergence over the pairs of a window, or over windows per pair,
is estimated as well from ten thousand pairs as from all of them, so beyond ``limit`` pairs
the statistics use a sample drawn once with a fixed seed, the same for every set scored.

Pairs are named by their position in the upper triangle in row-major order, the order of
``np.triu_indices(N, 1)``: (0, 1), (0, 2), ..., (0, N-1), (1, 2), ...
"""

import numpy as np

DEFAULT_MAX_PAIRS = 10_000
"""Pairs the spike correlation and van Rossum distributions use (``evaluate.max_pairs``). All
5,151 pairs of a 102-neuron recording, as the thesis compared; at 1,000 neurons one in 50.
With 30 KL bins, 10,000 values per window put about 330 in each bin: the KL from them reads
a little more than from all pairs (fewer values, more noise), within 5 % on the test's
300-neuron assemblies (0.081 against 0.079 nats for correlations, ``tests/calciumgan/evaluation/
test_pairs.py``), while the cost of the pairwise statistics stops growing as N^2."""


def pair_count(num_neurons: int) -> int:
    """N (N - 1) / 2."""
    return num_neurons * (num_neurons - 1) // 2


def pair_subset(count: int, limit: int) -> np.ndarray:
    """Sorted positions into ``count`` pairs: all of them, or ``limit`` drawn once with seed 0 (the same
    draw for the same count and limit)."""
    if count <= limit:
        return np.arange(count)
    return np.sort(np.random.default_rng(0).choice(count, size=limit, replace=False))


def pair_neurons(num_neurons: int, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, second) neuron indices, each (P,), first < second, of upper-triangle ``positions`` (P,),
    without forming all N (N - 1) / 2 pairs."""
    positions = np.asarray(positions, dtype=np.int64)
    rows = np.arange(num_neurons, dtype=np.int64)
    row_starts = rows * num_neurons - rows * (rows + 1) // 2  # position of pair (i, i + 1)
    first = np.searchsorted(row_starts, positions, side="right") - 1
    return first, positions - row_starts[first] + first + 1
