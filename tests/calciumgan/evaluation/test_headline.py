import numpy as np

from calciumgan.config import EvaluateConfig
from calciumgan.evaluation.coverage import standardiser
from calciumgan.evaluation.divergence import kl_per_column
from calciumgan.evaluation.headline import CHECKS, WindowValues, beats_on, headline_scores, verdicts
from calciumgan.evaluation.scoring import SpikeStatistics
from calciumgan.evaluation.trace_statistics import TraceStatistics

CONFIG = EvaluateConfig(workers=1)
RATE = 24.0


def _values(traces, spikes, standardise, positions=None):
    spike_statistics = SpikeStatistics.of(spikes, RATE, CONFIG)  # all 15 pairs of 6 neurons
    statistics = TraceStatistics.of(traces, RATE, spike_statistics.pairs)
    every_pair = np.arange(len(spike_statistics.pairs[0]))
    return WindowValues.of(spike_statistics, every_pair, traces.shape[1], statistics,
                           standardise(statistics.summaries()), positions)  # fmt: skip


def _standardiser(traces):
    return standardiser(TraceStatistics.of(traces, RATE).summaries())


def _recording(seed, windows=60, frames=96, neurons=6):
    """(K, W, N) transients with window-to-window changes in activity, and their spikes."""
    rng = np.random.default_rng(seed)
    activity = rng.uniform(0.01, 0.08, size=(windows, 1, neurons))
    spikes = (rng.random((windows, frames, neurons)) < activity).astype(np.uint8)
    traces = np.zeros(spikes.shape)
    for t in range(frames):
        traces[:, t] = (0.85 * traces[:, t - 1] if t else 0.0) + spikes[:, t]
    return traces + 0.02 * rng.standard_normal(traces.shape), spikes


def test_a_set_scored_against_itself_is_perfect_and_its_interval_holds_the_value():
    traces, spikes = _recording(0)
    values = _values(traces, spikes, _standardiser(traces))
    scores = headline_scores(values, values, np.arange(60), CONFIG, np.random.default_rng(0))
    assert set(scores) == set(CHECKS)
    for name, score in scores.items():
        assert score["value"] == (1.0 if name in ("precision", "recall") else 0.0)
        assert score["interval"][0] <= score["value"] <= score["interval"][1]


def test_headline_checks_see_what_per_sample_averages_miss():
    real_traces, real_spikes = _recording(0)
    other_traces, other_spikes = _recording(1)
    standardise = _standardiser(real_traces)
    real = _values(real_traces, real_spikes, standardise)
    rng = np.random.default_rng(0)
    honest = headline_scores(real, _values(other_traces, other_spikes, standardise), np.arange(60), CONFIG, rng)
    repeated = _values(np.repeat(other_traces[:1], 60, 0), np.repeat(other_spikes[:1], 60, 0), standardise)
    reversed_ = _values(other_traces[:, ::-1], other_spikes[:, ::-1], standardise)
    repeated = headline_scores(real, repeated, np.arange(60), CONFIG, rng)
    reversed_ = headline_scores(real, reversed_, np.arange(60), CONFIG, rng)
    assert repeated["recall"]["value"] <= 1 / 60 < honest["recall"]["interval"][0]
    assert repeated["population_rate"]["interval"][0] > honest["population_rate"]["interval"][1]
    assert reversed_["rise_decay"]["interval"][0] > 5 * honest["rise_decay"]["interval"][1]
    np.testing.assert_allclose(reversed_["firing_rate"]["value"], honest["firing_rate"]["value"], atol=0.1)


def _score(value, low, high):
    return {"value": value, "interval": [low, high]}


def test_verdicts_need_intervals_that_do_not_overlap():
    scores = {
        "floor": {"firing_rate": _score(0.1, 0.05, 0.15), "recall": _score(0.8, 0.7, 0.9)},
        "model": {"firing_rate": _score(0.3, 0.2, 0.4), "recall": _score(0.75, 0.6, 0.85)},
        "poisson": {"firing_rate": _score(0.9, 0.5, 1.2), "recall": _score(0.5, 0.4, 0.59)},
        "copies": {"firing_rate": _score(0.12, 0.1, 0.16), "recall": _score(0.3, 0.2, 0.4)},
    }
    result = verdicts(scores, {"copies": True}, ("poisson",), without_spikes=("copies",))
    assert result["model"] == {"worse_than_floor": ["firing_rate"], "beats": {"poisson": ["firing_rate", "recall"]},
                               "memorised": False, "spikes_found": True}  # fmt: skip
    assert result["copies"] == {"worse_than_floor": ["recall"], "beats": {"poisson": ["firing_rate"]},
                                "memorised": True, "spikes_found": False}  # fmt: skip
    assert result["poisson"]["beats"] == {} and result["poisson"]["worse_than_floor"] == ["firing_rate", "recall"]
    assert beats_on(scores, "poisson", "copies") == []
    assert beats_on(scores, "model", "poisson") == ["firing_rate", "recall"]


def test_kl_checks_equal_the_mean_kl_per_column_over_all_windows():
    real_traces, real_spikes = _recording(0)
    other_traces, other_spikes = _recording(1)
    standardise = _standardiser(real_traces)
    real, other = _values(real_traces, real_spikes, standardise), _values(other_traces, other_spikes, standardise)
    scores = headline_scores(real, other, np.arange(60), CONFIG, np.random.default_rng(0))
    for name in ("firing_rate", "pair_correlation", "trace_levels", "rise_decay"):
        first, second = real.columns[name], other.columns[name]
        expected = np.mean(kl_per_column(first.reshape(-1, first.shape[-1]), second.reshape(-1, second.shape[-1])))
        np.testing.assert_allclose(scores[name]["value"], expected, rtol=1e-6)
