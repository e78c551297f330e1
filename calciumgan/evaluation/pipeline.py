"""The evaluation stage: judge synthetic traces by the spikes inferred from them (thesis §3.2, §4.3.1).

Every entry point infers spikes of each set of (K, W, N) traces with the same OASIS settings,
summarises each set by its spike statistics and scores it by KL divergences from the real set
(Table 4.3); an :class:`Evaluation` holds the result.

- :func:`evaluate_run`: a finished run folder, read through :class:`calciumgan.run.CalciumRun`
  alone (no data stage, no model building). Real data are evenly spaced windows of the held-out
  validation block; the rows are windows of the training block (the real-versus-real floor),
  the trained generator, the untrained generator it started from, and a dichotomized-Gaussian
  model and independent Poisson neurons fitted to the training block's inferred spikes. Where
  known, it adds spike recovery (true spikes), ground-truth errors (surrogates) and a
  memorisation check.
- :func:`evaluate_files` and :func:`evaluate_arrays`: any two inputs (``trace_files``), the
  baselines fitted to the real input's own inferred spikes.
"""

import contextlib
import dataclasses
import logging
import pathlib
import time

import numpy as np

from calciumgan.config import EvaluateConfig
from calciumgan.data.split import evenly_spaced_starts
from calciumgan.evaluation.baselines import dichotomized_gaussian_spikes, poisson_spikes
from calciumgan.evaluation.inference import infer_spikes
from calciumgan.evaluation.memorisation import memorisation_check
from calciumgan.evaluation.recovery import spike_recovery
from calciumgan.evaluation.scoring import Divergences, SpikeStatistics, example_neurons, ground_truth_errors
from calciumgan.evaluation.statistics import van_rossum_between
from calciumgan.evaluation.trace_files import (
    TraceFile,
    check_sample_shape,
    common_shape,
    evenly_spaced_windows,
    windows_at,
)
from calciumgan.evaluation.workers import infer_spikes_parallel
from calciumgan.run import CalciumRun

logger = logging.getLogger("calciumgan.evaluate")

GROUND_TRUTH_SETS = ("real", "model", "dichotomized_gaussian", "poisson")


class Timer:
    """Seconds spent per named stage, in the order the stages first ran."""

    def __init__(self):
        self.seconds = {}

    @contextlib.contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


@dataclasses.dataclass
class Evaluation:
    """Everything a report shows; arrays keep the (samples, time, neurons) layout.

    ``traces``: set name ("real", "model", ...) -> (K, W, N) traces in original units (for two
    files or arrays, the first sample of each). ``spikes``: set name -> (K, W, N) spike counts.
    ``statistics``: set name -> :class:`SpikeStatistics`. ``divergences``: row name ->
    :class:`Divergences` from "real". ``van_rossum_heatmaps``: (n, k, k) van Rossum distances
    of each example neuron between the first k real (rows) and model samples (Fig. 4.6c), k at
    most ``config.heatmap_samples``. ``extras``: source and timings (s) per stage and, where
    known, spike recovery, ground-truth errors and the memorisation check.
    """

    sampling_rate: float
    neuron_ids: np.ndarray
    config: EvaluateConfig
    traces: dict
    spikes: dict
    statistics: dict
    divergences: dict
    van_rossum_heatmaps: np.ndarray
    extras: dict

    def table(self) -> dict:
        """Mean KL divergence (nats) of every row from the real set: row -> {statistic: value}."""
        return {name: divergences.means() for name, divergences in self.divergences.items()}

    def mean_firing_rates(self) -> dict:
        """Set name -> firing rate (Hz) averaged over samples and neurons."""
        return {name: float(np.mean(statistics.firing_rate)) for name, statistics in self.statistics.items()}

    def example_neurons(self) -> list:
        """The neuron columns the figures show, spread over the real set's firing rates."""
        return example_neurons(self.statistics["real"].firing_rate)


def evaluate_run(run_dir, num_samples: int | None = None) -> Evaluation:
    """Evaluate the run in ``run_dir`` against its held-out block (``num_samples`` per set, default the config's)."""
    run = CalciumRun(run_dir)
    run.check_finished()
    experiment = run.config()
    config = dataclasses.replace(experiment.evaluate, num_samples=num_samples or experiment.evaluate.num_samples)
    window = experiment.data.window
    neurons = len(run.recording_info()["neuron_ids"])
    check_sample_shape(window, neurons, run.sampling_rate, config, str(run.config_path))
    timer = Timer()
    with timer.stage("data and generation"):
        data = run.load_data()
        starts = evenly_spaced_starts(data.validation.num_frames, window, config.num_samples)
        count = len(starts)
        if count < config.num_samples:
            logger.warning("validation block holds only %d distinct windows; using %d samples", count, count)
        traces = {
            "real": windows_at(data.validation.signals, starts, window),
            "floor": evenly_spaced_windows(data.train.signals, window, count),
            "model": run.sample(count, config.sample_seed),
            "untrained": run.sample(count, config.sample_seed, untrained=True),
        }
    spikes = _infer_all(traces, config, timer)
    with timer.stage("spike inference"):
        training_spikes = infer_spikes(data.train.signals, config.spike_settings())
    spikes.update(_baselines(training_spikes, count, window, config, timer))
    rate = data.recording.sampling_rate
    statistics, divergences, heatmaps = _score(spikes, rate, config, timer)
    extras = {"source": {"run": str(run.root), "recording": run.recording_info()["source"], "window": window}}
    if data.validation.spikes is not None:
        true_spikes = windows_at(data.validation.spikes, starts, window)
        extras["spike_recovery"] = dataclasses.asdict(spike_recovery(true_spikes, spikes["real"]))
    if data.ground_truth is not None:
        rates, covariance = data.ground_truth["firing_rate_hz"], data.ground_truth["spike_covariance"]
        extras["ground_truth"] = {name: ground_truth_errors(spikes[name], rate, rates, covariance)
                                  for name in GROUND_TRUTH_SETS}  # fmt: skip
    with timer.stage("memorisation"):
        extras["memorisation"] = memorisation_check(traces["model"], traces["real"], data.train.signals).summary()
    extras["timings"] = timer.seconds
    return Evaluation(rate, data.recording.neuron_ids, config, traces, spikes, statistics, divergences, heatmaps,
                      extras)  # fmt: skip


def evaluate_files(real_path, synthetic_path, config: EvaluateConfig, out) -> Evaluation:
    """Compare the traces of two files (samples or recordings, see ``trace_files``).

    Inferred spikes of a samples file are written to ``out/<name>_spikes.h5``.
    """
    real, synthetic = TraceFile.open(real_path), TraceFile.open(synthetic_path)
    common_shape(real, synthetic, config)  # refuse before creating the output folder
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return _compare(real, synthetic, config, out, "the real file's own inferred spikes")


def evaluate_arrays(real, synthetic, sampling_rate: float, config: EvaluateConfig | None = None) -> Evaluation:
    """Compare real and synthetic traces held in memory, scored exactly as :func:`evaluate_files` scores files.

    Each of ``real`` and ``synthetic`` is samples (K, T, N) or one recording (T, N), cut into
    evenly spaced windows of the other's length T; ``sampling_rate`` in Hz; ``config``
    defaults to ``EvaluateConfig()``. Nothing is written.
    """
    config = config or EvaluateConfig()
    real, synthetic = (TraceFile.of_array(traces, sampling_rate, name)
                       for traces, name in ((real, "real"), (synthetic, "synthetic")))  # fmt: skip
    return _compare(real, synthetic, config, None, "the real traces' own inferred spikes")


def _compare(real: TraceFile, synthetic: TraceFile, config: EvaluateConfig, out, fitted_to: str) -> Evaluation:
    """Score ``synthetic`` and baselines fitted to ``real``'s spikes against ``real``."""
    timer = Timer()
    count, window, neurons = common_shape(real, synthetic, config)
    with timer.stage("spike inference"):
        spikes = {"real": real.spikes(count, window, config, out),
                  "model": synthetic.spikes(count, window, config, out)}  # fmt: skip
    count = min(len(spikes["real"]), len(spikes["model"]))
    spikes = {name: value[:count] for name, value in spikes.items()}
    traces = {"real": real.first_samples(1, window), "model": synthetic.first_samples(1, window)}
    spikes.update(_baselines(spikes["real"].reshape(-1, neurons), count, window, config, timer))
    statistics, divergences, heatmaps = _score(spikes, real.sampling_rate, config, timer)
    extras = {"source": {"real": real.name, "synthetic": synthetic.name, "window": window},
              "baselines_fitted_to": fitted_to, "timings": timer.seconds}  # fmt: skip
    return Evaluation(real.sampling_rate, real.neuron_ids, config, traces, spikes, statistics, divergences, heatmaps,
                      extras)  # fmt: skip


def _infer_all(traces: dict, config: EvaluateConfig, timer: Timer) -> dict:
    """Spikes of every set of (K, W, N) traces from one parallel OASIS pass."""
    with timer.stage("spike inference"):
        names = list(traces)
        joined = infer_spikes_parallel(np.concatenate([traces[name] for name in names]), config.spike_settings(),
                                       workers=config.workers)  # fmt: skip
        bounds = np.cumsum([0] + [len(traces[name]) for name in names])
        return {name: joined[bounds[i] : bounds[i + 1]] for i, name in enumerate(names)}


def _baselines(fitted_to: np.ndarray, count: int, window: int, config: EvaluateConfig, timer: Timer) -> dict:
    """Dichotomized-Gaussian and Poisson spikes (count, window, N) fitted to (T, N) spikes."""
    rng = np.random.default_rng(config.sample_seed)
    with timer.stage("baselines"):
        return {
            "dichotomized_gaussian": dichotomized_gaussian_spikes(fitted_to, count, window, rng),
            "poisson": poisson_spikes(fitted_to, count, window, rng),
        }


def _score(spikes: dict, sampling_rate: float, config: EvaluateConfig, timer: Timer):
    """Statistics of every set, divergences of every set but "real" from "real", and the heatmaps."""
    with timer.stage("statistics"):
        statistics = {name: SpikeStatistics.of(values, sampling_rate, config) for name, values in spikes.items()}
        neurons, count = example_neurons(statistics["real"].firing_rate), config.heatmap_samples
        heatmaps = van_rossum_between(spikes["real"][:count, :, neurons], spikes["model"][:count, :, neurons],
                                      sampling_rate, config.van_rossum_time_constant)  # fmt: skip
    with timer.stage("divergences"):
        divergences = {name: Divergences.between(statistics["real"], statistics[name], config)
                       for name in spikes if name != "real"}  # fmt: skip
    return statistics, divergences, heatmaps
