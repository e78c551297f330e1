import numpy as np
import pytest
from scipy import stats

from calciumgan.evaluation.trace_statistics import TraceStatistics, lag_frames


def _transients(rng, windows=6, frames=400, neurons=5, decay=0.9):
    """(K, W, N) calcium-like traces: instant rises, exponential decays, a little noise."""
    spikes = rng.random((windows, frames, neurons)) < 0.03
    traces = np.zeros(spikes.shape)
    for t in range(frames):
        traces[:, t] = (decay * traces[:, t - 1] if t else 0.0) + spikes[:, t]
    return traces + 0.01 * rng.standard_normal(traces.shape)


def test_skew_of_differences_matches_scipy_and_flips_sign_when_reversed():
    traces = _transients(np.random.default_rng(0))
    forward = TraceStatistics.of(traces, 24.0).rise_decay
    backward = TraceStatistics.of(traces[:, ::-1], 24.0).rise_decay
    np.testing.assert_allclose(forward, stats.skew(np.diff(traces, axis=1), axis=1), rtol=1e-10)
    np.testing.assert_allclose(backward, -forward, rtol=1e-10)
    assert np.all(forward > 1.0)  # fast rises, slow decays


def test_autocorrelation_of_an_ar1_process_is_its_coefficient_to_the_lag():
    rng = np.random.default_rng(1)
    coefficient, frames = 0.8, 20000
    noise = rng.standard_normal((1, frames, 2))
    traces = np.zeros_like(noise)
    for t in range(1, frames):
        traces[:, t] = coefficient * traces[:, t - 1] + noise[:, t]
    lags = lag_frames(24.0, frames)
    np.testing.assert_array_equal(lags, [1, 6, 24])  # 0.05, 0.25 and 1 s at 24 Hz
    values = TraceStatistics.of(traces, 24.0).autocorrelation.reshape(len(lags), 2)
    np.testing.assert_allclose(values, (coefficient ** lags)[:, None].repeat(2, axis=1), atol=0.03)


def test_pair_correlations_equal_numpy_and_levels_keep_every_stride_frame():
    traces = np.random.default_rng(2).standard_normal((3, 64, 4))
    traces[1, :, 2] = 5.0  # constant: no correlation defined
    statistics = TraceStatistics.of(traces, 24.0)
    first, second = np.triu_indices(4, 1)
    for k in (0, 2):
        expected = np.corrcoef(traces[k].T)[first, second]
        np.testing.assert_allclose(statistics.correlation[k], expected, rtol=1e-10)
    assert np.isnan(statistics.correlation[1, (first == 2) | (second == 2)]).all()
    assert np.isnan(statistics.rise_decay[1, 2])
    np.testing.assert_array_equal(statistics.levels, traces[:, ::2])  # 64 frames -> 32 values


def test_short_windows_are_refused():
    with pytest.raises(ValueError, match="W >= 3"):
        TraceStatistics.of(np.zeros((2, 2, 3)), 24.0)


def test_chunks_of_windows_give_the_statistics_of_the_whole_set(monkeypatch):
    from calciumgan.evaluation import trace_statistics

    traces = _transients(np.random.default_rng(3), windows=11, frames=64).astype(np.float32)
    whole = TraceStatistics.of(traces, 24.0)
    monkeypatch.setattr(trace_statistics, "CHUNK_BYTES", 8 * 64 * 5 * 3)  # three windows per chunk
    chunked = TraceStatistics.of(traces, 24.0)
    for name in ("levels", "autocorrelation", "rise_decay", "correlation", "population"):
        np.testing.assert_array_equal(getattr(chunked, name), getattr(whole, name))
