"""The headline checks: distributions over windows, which neither averages nor copies can match.

Table 4.3's correlation, van Rossum and synchrony KLs pair synthetic sample i with real sample
i and compare values inside each; a set of average-looking windows scores well there. Each
headline check instead compares how a quantity is distributed *across windows* (one KL per
neuron, per pair or per window-level quantity, averaged), so a set must vary from window to
window as the real data do, and precision and recall (``coverage``) ask whether every kind of
real window is produced, and nothing else:

spikes (after inference)
    ``firing_rate``: each neuron's rate per window (Table 4.3's first column);
    ``pair_correlation``: each pair's spike-count correlation per window;
    ``population_rate``: the population's mean rate per window;
    ``mean_correlation``: the mean pairwise spike correlation per window.
traces (no inference)
    ``trace_levels``: each neuron's ΔF/F values;
    ``autocorrelation``: each neuron's trace autocorrelation at a few lags per window;
    ``rise_decay``: the skew of each neuron's frame-to-frame differences per window (fast rise,
    slow decay);
    ``trace_correlation``: each pair's trace correlation per window.
coverage
    ``precision`` and ``recall`` of window summaries (higher is better).

Each value comes with the block-bootstrap interval of ``scoring``. A row is *worse than the
floor* on a check when its whole interval lies on the worse side of the floor's interval, and
*beats* another row when its interval lies wholly on the better side of the other's.
"""

import dataclasses

import numpy as np

from calciumgan.evaluation.coverage import ball_radii, precision_recall
from calciumgan.evaluation.scoring import (
    SpikeStatistics,
    bootstrap_indices,
    resampled_mean_kl,
    resampling_weights,
    shifted_interval,
)
from calciumgan.evaluation.settings import EvaluateConfig
from calciumgan.evaluation.trace_statistics import TraceStatistics, finite_mean

SPIKE_CHECKS = ("firing_rate", "pair_correlation", "population_rate", "mean_correlation")
TRACE_CHECKS = ("trace_levels", "autocorrelation", "rise_decay", "trace_correlation")
COVERAGE_CHECKS = ("precision", "recall")
CHECKS = SPIKE_CHECKS + TRACE_CHECKS + COVERAGE_CHECKS
HIGHER_IS_BETTER = frozenset(COVERAGE_CHECKS)
TITLES = {
    "firing_rate": "firing rate per neuron",
    "pair_correlation": "spike correlation per pair",
    "population_rate": "population rate",
    "mean_correlation": "mean spike correlation",
    "trace_levels": "ΔF/F per neuron",
    "autocorrelation": "autocorrelation per neuron",
    "rise_decay": "rise/decay skew per neuron",
    "trace_correlation": "trace correlation per pair",
    "precision": "precision",
    "recall": "recall",
}


@dataclasses.dataclass(frozen=True)
class WindowValues:
    """What the headline checks compare of one set of K windows.

    ``columns``: check -> (K, S, C) values, S per window of each of C columns (neurons, pairs or
    one window-level quantity); a check's KL is taken per column over all K S values.
    ``summaries``: (K, D) standardised window summaries for the coverage checks
    (``TraceStatistics.summaries``), or ``None`` (no traces). ``positions``: (K,) start frames
    of windows cut from one recording, or ``None`` for independent samples. ``window``: frames
    per window.
    """

    columns: dict
    summaries: np.ndarray | None
    positions: np.ndarray | None
    window: int

    @classmethod
    def of(cls, spikes: SpikeStatistics, pairs: np.ndarray, window: int, traces: TraceStatistics | None = None,
           summaries: np.ndarray | None = None, positions: np.ndarray | None = None) -> "WindowValues":  # fmt: skip
        """From a set's spike statistics (``pairs``: the columns of its pairwise statistics compared per
        pair) and, where it has traces, its trace statistics."""
        columns = {
            "firing_rate": spikes.firing_rate[:, None, :],
            "pair_correlation": spikes.correlation[:, None, pairs],
            "population_rate": spikes.firing_rate.mean(axis=1)[:, None, None],
            "mean_correlation": finite_mean(spikes.correlation)[:, None, None],
        }
        if traces is not None:
            columns |= {
                "trace_levels": traces.levels,
                "autocorrelation": traces.autocorrelation[:, None, :],
                "rise_decay": traces.rise_decay[:, None, :],
                "trace_correlation": traces.correlation[:, None, :],
            }
        return cls(columns, summaries, positions, window)

    def checks(self) -> tuple:
        """The headline checks this set can be scored on."""
        return tuple(name for name in CHECKS if name in self.columns or
                     (name in COVERAGE_CHECKS and self.summaries is not None))  # fmt: skip


def _coverage(real: WindowValues, other: WindowValues, index: np.ndarray) -> tuple[float, float]:
    """(precision, recall) on the windows ``index``, one copy of each (a duplicate would be its own neighbour)."""
    unique = np.unique(index)
    radii = [ball_radii(values.summaries[unique], values.window,
                        None if values.positions is None else values.positions[unique])
             for values in (real, other)]  # fmt: skip
    return precision_recall(real.summaries[unique], other.summaries[unique], *radii)


def headline_scores(real: WindowValues, other: WindowValues, blocks: np.ndarray, config: EvaluateConfig,
                    rng: np.random.Generator) -> dict:  # fmt: skip
    """Check -> {"value", "interval"} of ``other`` against ``real``, both of K windows; ``blocks`` (K,) as
    ``scoring.window_blocks``.

    A KL check's value equals ``np.mean(kl_per_column(...))`` over all windows. Its interval is the
    block bootstrap of ``scoring.bootstrap_intervals`` on the same bins (a resample is a weighted sum
    of per-window histograms); for precision and recall each resample keeps one copy of every window drawn.
    """
    indices = list(bootstrap_indices(blocks, rng))
    weights = resampling_weights(indices, len(blocks))
    scores = {}
    for name in other.checks():
        if name in COVERAGE_CHECKS or name not in real.columns:
            continue
        value, draws = resampled_mean_kl(real.columns[name], other.columns[name], weights, config)
        scores[name] = {"value": value, "interval": shifted_interval(draws, value)}
    if real.summaries is not None and other.summaries is not None:
        values = _coverage(real, other, np.arange(len(blocks)))
        draws = np.array([_coverage(real, other, index) for index in indices])
        for column, name in enumerate(COVERAGE_CHECKS):
            scores[name] = {"value": values[column], "interval": shifted_interval(draws[:, column], values[column],
                                                                                  high=1.0)}  # fmt: skip
    return {name: scores[name] for name in CHECKS if name in scores}


def _better(first: dict, second: dict, check: str) -> bool:
    """Whether the interval of ``first`` lies wholly on the better side of that of ``second``."""
    if check in HIGHER_IS_BETTER:
        return first["interval"][0] > second["interval"][1]
    return first["interval"][1] < second["interval"][0]


def beats_on(scores: dict, row: str, other: str) -> list:
    """The checks on which ``row`` beats ``other`` (``scores``: row -> :func:`headline_scores`)."""
    return [name for name in CHECKS if name in scores[row] and name in scores[other]
            and _better(scores[row][name], scores[other][name], name)]  # fmt: skip


def winnable_won(verdicts: dict, row: str, baseline: str) -> tuple[list, list]:
    """(the checks real-versus-real beats ``baseline`` on, those of them ``row`` beats it on too).

    ``verdicts``: :func:`verdicts`. Where a baseline ties the floor no faithful generator can beat
    it, so the first list holds the checks a perfect generator would win.
    """
    winnable = verdicts[baseline]["worse_than_floor"]
    return winnable, [check for check in winnable if check in verdicts[row]["beats"][baseline]]


def verdicts(scores: dict, memorised: dict, baselines: tuple, without_spikes=()) -> dict:
    """Row -> {"worse_than_floor": [checks], "beats": {baseline: [checks]}, "memorised": bool, "spikes_found": bool}.

    ``scores``: row -> :func:`headline_scores` (with a "floor" row where training data were
    given); ``memorised``: row -> whether the memorisation check flagged it; ``baselines``: the
    rows every other row is compared with; ``without_spikes``: the rows in which spike inference
    found nothing (their spike checks compare empty sets).
    """
    return {row: {"worse_than_floor": beats_on(scores, "floor", row) if "floor" in scores else [],
                  "beats": {baseline: beats_on(scores, row, baseline)
                            for baseline in baselines if baseline != row and baseline in scores},
                  "memorised": bool(memorised.get(row, False)), "spikes_found": row not in without_spikes}
            for row in scores if row != "floor"}  # fmt: skip
