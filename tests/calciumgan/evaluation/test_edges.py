"""Edge ratios: a window's first and last frames against its middle half."""

import numpy as np
import pytest

from calciumgan.evaluation.edges import edge_summary, frame_difference_ratios, rate_ratios


def _alternating(frames=40, samples=3, neurons=2):
    """(K, T, N) traces alternating 0, 1, 0, 1, ...: every frame-to-frame change is 1."""
    return np.tile((np.arange(frames) % 2).astype(float)[None, :, None], (samples, 1, neurons))


def test_frame_difference_ratios_have_the_known_answer():
    traces = _alternating()
    assert frame_difference_ratios(traces) == (1.0, 1.0)
    traces[:, 0] = 3.0  # |x1 - x0| = 2: twice the middle
    traces[:, -1] = -3.0  # x[-2] = 0, so |x[-1] - x[-2]| = 3
    assert frame_difference_ratios(traces) == (2.0, 3.0)


def test_rate_ratios_have_the_known_answer():
    spikes = np.zeros((4, 20, 5))
    spikes[:, 5:15] = 1  # the middle half: frames 5..14, one spike per neuron and frame
    spikes[:, 0, :2] = 1  # 2 of 5 neurons at the first frame
    spikes[:, -1] = 3  # three spikes per neuron at the last frame
    assert rate_ratios(spikes) == pytest.approx((0.4, 3.0))
    assert np.isnan(rate_ratios(np.zeros((2, 20, 3)))).all()


def test_stationary_noise_has_edges_like_its_middle():
    traces = np.random.default_rng(0).normal(size=(2000, 64, 10))
    np.testing.assert_allclose(frame_difference_ratios(traces), 1.0, atol=0.03)


def test_summary_covers_every_set_and_frame_differences_only_where_traces_are():
    traces, spikes = _alternating(), np.ones((3, 40, 2))
    summary = edge_summary({"real": traces}, {"real": spikes, "poisson": spikes})
    assert summary == {"real": {"spike_rate": (1.0, 1.0), "frame_difference": (1.0, 1.0)},
                       "poisson": {"spike_rate": (1.0, 1.0)}}  # fmt: skip
