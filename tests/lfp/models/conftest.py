"""Shared helpers of the model tests."""

import numpy as np
import pytest


def _randomize_weights(model, seed: int) -> None:
    """Every weight drawn from NumPy (the same on every backend): He-scaled kernels, non-trivial batch-norm
    parameters and statistics and biases (fresh ones are 0 and 1)."""
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        shape = tuple(weight.shape)
        if weight.name == "kernel":
            weight.assign(rng.normal(0.0, np.sqrt(2.0 / np.prod(shape[:-1])), shape))
        elif weight.name in ("bias", "beta", "moving_mean"):
            weight.assign(rng.normal(0.0, 0.3, shape))
        else:  # gamma, moving_variance
            weight.assign(rng.uniform(0.5, 2.0, shape))


@pytest.fixture(scope="session")
def randomize_weights():
    """``randomize(model, seed)``: every weight of ``model`` drawn from NumPy, in place."""
    return _randomize_weights
