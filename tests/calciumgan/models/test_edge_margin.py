"""model.edge_margin: a window's first and last frames are computed as its middle frames are."""

import keras
import numpy as np
import pytest

from calciumgan.models.heads import INITIAL_DECAY
from calciumgan.models.wavegan import build_generator

pytestmark = pytest.mark.backend

# Kernel 4, stride 2, three blocks: 8 frames per latent position, 4 latent positions per window.
SMALL = {"window": 32, "num_neurons": 3, "noise_dim": 4, "filters": 4, "kernel_size": 4, "strides": 2,
         "num_blocks": 3, "normalization": "layer"}  # fmt: skip
PERIOD = 8


def _translation_invariant(generator, noise_dim):
    """Give every latent position the same projection, so that an edge-free generator's output is periodic."""
    project = generator.get_layer("project")
    kernel, bias = project.get_weights()
    positions = kernel.shape[1] // noise_dim
    project.set_weights([np.tile(kernel[:, :noise_dim], (1, positions)), np.tile(bias[:noise_dim], positions)])


def _edge_errors(upsampling, convolutions, edge_margin):
    """Largest |x[t] - x[t + PERIOD]| at the first and at the last period of the window."""
    keras.utils.set_random_seed(1)
    generator = build_generator(**SMALL, upsampling=upsampling, convolutions=convolutions, edge_margin=edge_margin)
    _translation_invariant(generator, SMALL["noise_dim"])
    traces = np.asarray(generator(np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)))
    errors = np.abs(traces[:, :-PERIOD] - traces[:, PERIOD:]).max(axis=(0, 2))
    return errors[:PERIOD].max(), errors[-PERIOD:].max(), errors[PERIOD:-PERIOD].max()


@pytest.mark.parametrize("upsampling", ["transposed", "nearest"])
@pytest.mark.parametrize("convolutions", ["fast", "keras"])
def test_with_a_margin_edges_are_computed_like_the_middle(upsampling, convolutions):
    first, last, middle = _edge_errors(upsampling, convolutions, edge_margin=2)
    assert max(first, last, middle) < 1e-6  # float32 rounding
    # Without the margin, zero padding makes the edge periods differ from the others.
    first, last, _ = _edge_errors(upsampling, convolutions, edge_margin=0)
    assert first > 1e-2 and last > 1e-2


def test_margin_adds_only_projection_weights_and_keeps_the_window():
    plain = build_generator(**SMALL, convolutions="fast", edge_margin=0)
    margin = build_generator(**SMALL, convolutions="fast", edge_margin=2)
    noise_dim = SMALL["noise_dim"]
    assert margin.output_shape == plain.output_shape == (None, 32, 3)
    assert margin.count_params() - plain.count_params() == 2 * 2 * noise_dim * (noise_dim + 1)


def test_calcium_head_starts_warm_by_the_margin_decay():
    """Stationary events: the mean calcium at frame 0 falls short of the middle by g^(margin frames + 1)."""
    config = {**SMALL, "window": 256, "num_neurons": 16, "noise_dim": 32, "filters": 16, "kernel_size": 8,
              "num_blocks": 5, "convolutions": "fast", "output": "calcium"}  # fmt: skip
    noise = np.random.default_rng(0).normal(size=(2000, 32)).astype(np.float32)
    shortfalls = {}
    for margin in (0, 2):
        keras.utils.set_random_seed(0)
        traces = np.asarray(build_generator(**config, edge_margin=margin).predict(noise, batch_size=500, verbose=0))
        middle = traces[:, 64:-64].mean()
        shortfalls[margin] = (middle - traces[:, 0].mean()) / middle
    # The initial baseline is 0.1 of a mean near 0.2, so a cold start loses about half the mean.
    assert shortfalls[0] > 0.3
    assert abs(shortfalls[2]) < 0.02 + INITIAL_DECAY ** (2 * 32)
