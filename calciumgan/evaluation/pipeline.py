"""The evaluation stage: judge synthetic traces by the spikes inferred from them (thesis §3.2, §4.3.1).

Every entry point infers spikes of each set of (K, W, N) traces with the same OASIS settings,
summarises each set by its spike statistics and scores it by KL divergences from the real set
(Table 4.3); an :class:`Evaluation` holds the result.

- :func:`evaluate_generator`: a trained generator and the data it was trained on (a run folder's,
  through ``calciumgan.run_evaluation``). Real data are evenly spaced windows of the held-out
  validation block; the rows are windows of the training block (the real-versus-real floor),
  the trained generator, the untrained generator it started from, and a dichotomized-Gaussian
  model and independent Poisson neurons fitted to the spikes inferred from those training windows. Where
  known, it adds spike recovery (true spikes), ground-truth errors (surrogates) and a
  memorisation check.
- :func:`evaluate_files` and :func:`evaluate_arrays`: any two inputs (``trace_files``), with
  optional training data for the calibration, the floor row and the baselines (without it they
  are fitted to the real input itself, and the report says so).

Every row is also judged by the headline checks (``headline``: distributions over windows of
spike and trace statistics, precision and recall), which give the verdicts: worse than the
floor, beats a baseline, memorised.

Spike inference (``inference``) is "calibrated" unless configured otherwise: per-neuron values
fitted once on training data and applied to every window of every set. The baselines' spikes
are turned into traces by the same fitted calcium model and inferred window by window like
every other row (``baselines.calcium_traces``).
"""

import concurrent.futures
import contextlib
import dataclasses
import logging
import pathlib
import time

import numpy as np

from calciumgan.core.errors import RecordingError
from calciumgan.data.split import PreparedData, evenly_spaced_starts
from calciumgan.evaluation.baselines import calcium_traces, dichotomized_gaussian_spikes, poisson_spikes
from calciumgan.evaluation.coverage import standardiser
from calciumgan.evaluation.edges import edge_summary
from calciumgan.evaluation.headline import WindowValues, headline_scores, verdicts
from calciumgan.evaluation.inference import Calibration, SpikeInferenceSettings, calibrate
from calciumgan.evaluation.memorisation import memorisation_checks, shared_frame_fraction
from calciumgan.evaluation.pairs import pair_subset
from calciumgan.evaluation.recovery import spike_recovery
from calciumgan.evaluation.scoring import (
    Divergences,
    SpikeStatistics,
    bootstrap_intervals,
    example_neurons,
    ground_truth_errors,
    window_blocks,
)
from calciumgan.evaluation.settings import EvaluateConfig
from calciumgan.evaluation.statistics import van_rossum_between
from calciumgan.evaluation.trace_files import TraceFile, common_shape, windows_at
from calciumgan.evaluation.trace_statistics import MAX_PAIRS, TraceStatistics
from calciumgan.evaluation.workers import available_cpus, infer_spikes_parallel, task_executor

logger = logging.getLogger("calciumgan.evaluate")
STATISTICS_CHUNK = 64  # samples per statistics task on a Dask scheduler

GROUND_TRUTH_SETS = ("real", "model", "dichotomized_gaussian", "poisson")
BASELINES = ("dichotomized_gaussian", "poisson")
NOT_SYNTHETIC = ("real", "floor")  # rows of real data: no memorisation check, no verdict against the floor
SYNTHETIC_TITLE = "synthetic (compared traces)"  # the report's title of the model row outside a run
CALIBRATION_FRAMES = 65536  # 45 min at 24 Hz: more than a thesis recording's training block, and a bounded cost


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
    most ``config.heatmap_samples``. ``extras``: source and timings (s) per stage, the headline
    checks (``"headline"``: row -> check -> value and interval; ``"verdicts"``, see
    ``headline.verdicts``) and, where known, spike recovery, ground-truth errors and the
    memorisation check of the first synthetic row.
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

    @property
    def primary(self) -> str:
        """The synthetic row the figures and heatmaps show."""
        return primary_row(self.spikes)


def primary_row(rows) -> str:
    """The first row name that is not real data: the model of a run, the first synthetic set otherwise."""
    return next(name for name in rows if name not in NOT_SYNTHETIC)


def evaluate_generator(data: PreparedData, sample, config: EvaluateConfig, window: int, source: dict) -> Evaluation:
    """Evaluate a trained generator against the held-out validation block of ``data``, the data it trained on.

    ``sample(count, seed, untrained, truncation)`` gives (count, ``window``, N) traces of the trained
    generator (or, with ``untrained``, of the one it started from) in the recording's units;
    ``config`` is resolved (no ``auto``); ``source`` is what the report names as its source.
    """
    timer = Timer()
    with timer.stage("generation"):
        starts = evenly_spaced_starts(data.validation.num_frames, window, config.num_samples)
        count = len(starts)
        if count < config.num_samples:
            logger.warning("validation block holds only %d distinct windows; using %d samples", count, count)
        positions = {"real": starts, "floor": evenly_spaced_starts(data.train.num_frames, window, count)}
        traces = {
            "real": windows_at(data.validation.signals, starts, window),
            "floor": windows_at(data.train.signals, positions["floor"], window),
            "model": sample(count, config.sample_seed, untrained=False, truncation=config.truncation),
            "untrained": sample(count, config.sample_seed, untrained=True, truncation=config.truncation),
        }
    settings, calibration = _settings(config, data.train.signals, timer)
    spikes = _infer_all(traces, settings, config, timer)
    traces_and_spikes, adjustments = _baselines(spikes["floor"], data.recording.neuron_ids, calibration, settings,
                                                count, window, config, timer)  # fmt: skip
    for name, (baseline_traces, baseline_spikes) in traces_and_spikes.items():
        traces[name], spikes[name] = baseline_traces, baseline_spikes
    rate = data.recording.sampling_rate
    blocks = window_blocks(starts, window)
    silent = sets_without_spikes(spikes)
    statistics, divergences, heatmaps, intervals = _score(spikes, rate, config, timer, blocks)
    memorisation = _memorisation(traces, data.train.signals, timer)
    headline, verdict = _headline(traces, statistics, positions, blocks, rate, config, memorisation, silent, timer)
    extras = {"source": source,
              "headline": headline, "verdicts": verdict, "sets_without_spikes": silent,
              "memorisation": memorisation["model"].summary(),
              "intervals": intervals, "independent_windows": len(np.unique(blocks)),
              "pairs": statistics["real"].pair_summary(),
              "calibration": _calibration_summary(calibration, "the run's training block"),
              "baselines_fitted_to": "spikes inferred from the training-block windows of the floor row",
              "real_data": {"held_out": True, "frames_in_training": None},  # the validation block, by construction
              "dichotomized_gaussian_fit": adjustments, "edges": edge_summary(traces, spikes)}  # fmt: skip
    if data.validation.spikes is not None:
        true_spikes = windows_at(data.validation.spikes, starts, window)
        extras["spike_recovery"] = dataclasses.asdict(spike_recovery(true_spikes, spikes["real"]))
    if data.ground_truth is not None:
        rates, covariance = data.ground_truth["active_rate_hz"], data.ground_truth["active_covariance"]
        extras["ground_truth"] = {name: ground_truth_errors(spikes[name], rate, rates, covariance)
                                  for name in GROUND_TRUTH_SETS}  # fmt: skip
    extras["timings"] = timer.seconds
    return Evaluation(rate, data.recording.neuron_ids, config, traces, spikes, statistics, divergences, heatmaps,
                      extras)  # fmt: skip


def evaluate_files(real_path, synthetic_path, config: EvaluateConfig, out, train_path=None,
                   model_title: str = SYNTHETIC_TITLE) -> Evaluation:  # fmt: skip
    """Compare the traces of two files (samples or recordings, see ``trace_files``).

    ``train_path`` (a recording or samples) is the data the calibration, the floor row and the
    baselines are fitted on, and the memorisation check's reference; without it they are fitted
    on the real file itself, and the report says so. Inferred spikes of a samples file are
    written to ``out/<name>_spikes.h5``. ``model_title`` names the synthetic row in the report.
    """
    real, synthetic = TraceFile.open(real_path), TraceFile.open(synthetic_path)
    train = None if train_path is None else TraceFile.open(train_path)
    return compare_into(out, real, synthetic, train, config, model_title)


def compare_into(out, real: TraceFile, synthetic: TraceFile, train: TraceFile | None, config: EvaluateConfig,
                  title: str) -> Evaluation:  # fmt: skip
    """:func:`_compare` of one synthetic input, its inferred spikes written into ``out``, made only once the
    inputs are known to fit together."""
    _common_shape(real, {"model": synthetic}, train, config)
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return _compare(real, {"model": synthetic}, train, config, out, {"model": title})


def evaluate_arrays(real, synthetic, sampling_rate: float, config: EvaluateConfig | None = None,
                    train=None, model_title: str = SYNTHETIC_TITLE) -> Evaluation:  # fmt: skip
    """Compare real and synthetic traces held in memory, scored exactly as :func:`evaluate_files` scores files.

    Each of ``real``, ``synthetic`` and the optional ``train`` (the data the calibration, floor and
    baselines are fitted on) is samples (K, T, N) or one recording (T, N), cut into evenly spaced
    windows of the samples' length T; ``sampling_rate`` in Hz; ``config`` defaults to
    ``EvaluateConfig()``; ``model_title`` names the synthetic row in the report. Nothing is written.
    """
    return evaluate_sets(real, {"model": synthetic}, sampling_rate, config, train, {"model": model_title})


def evaluate_sets(real, synthetic: dict, sampling_rate: float, config: EvaluateConfig | None = None, train=None,
                  titles: dict | None = None) -> Evaluation:  # fmt: skip
    """Several synthetic sets (row name -> traces) scored against ``real`` in one report, as :func:`evaluate_arrays`.

    The real, floor and baseline rows are computed once; ``titles`` (row name -> title) name the
    synthetic rows in the report (default: their names).
    """
    config = config or EvaluateConfig()
    clashes = set(synthetic) & {*NOT_SYNTHETIC, *BASELINES, "untrained"}
    if clashes or not synthetic:
        raise ValueError(f"synthetic sets need names other than {sorted(clashes)}" if clashes else "no synthetic set")
    as_input = lambda traces, name: TraceFile.of_array(traces, sampling_rate, name)  # noqa: E731
    titles = {name: (titles or {}).get(name, name) for name in synthetic}
    return _compare(as_input(real, "real"), {name: as_input(traces, name) for name, traces in synthetic.items()},
                    None if train is None else as_input(train, "train"), config, None, titles)  # fmt: skip


def _compare(real: TraceFile, synthetic: dict, train: TraceFile | None, config: EvaluateConfig, out,
             titles: dict) -> Evaluation:  # fmt: skip
    """Score the ``synthetic`` inputs (row name -> TraceFile), the floor (with ``train``) and the baselines
    against ``real``."""
    timer = Timer()
    count, window, _ = _common_shape(real, synthetic, train, config)
    fitted = train or real
    config = config.resolved("file")  # a run's mode was resolved for its recording already
    training = fitted.training_traces(count, window)  # read once: the calibration and the memorisation reference
    settings, calibration = _settings(config, training, timer)
    inputs = {"real": real, **({} if train is None else {"floor": train}), **synthetic}  # the order of the rows
    with timer.stage("spike inference"):
        spikes = {name: trace.spikes(count, window, settings, config.workers, out, config.progress, config.scheduler)
                  for name, trace in inputs.items()}  # fmt: skip
    traces = {name: trace.first_samples(count, window) for name, trace in inputs.items()}
    positions = {name: trace.positions(count, window) for name, trace in inputs.items()}
    blocks = real.blocks(count, window)
    count = min(len(values) for values in spikes.values())
    spikes, traces, blocks = _first(spikes, count), _first(traces, count), blocks[:count]
    positions = {name: None if values is None else values[:count] for name, values in positions.items()}
    fitted_spikes = spikes["floor"] if train is not None else spikes["real"]
    baselines, adjustments = _baselines(fitted_spikes, real.neuron_ids, calibration, settings, count, window, config,
                                        timer)  # fmt: skip
    for name, (baseline_traces, baseline_spikes) in baselines.items():
        spikes[name] = baseline_spikes
        if baseline_traces is not None:
            traces[name] = baseline_traces
    silent = sets_without_spikes(spikes)
    statistics, divergences, heatmaps, intervals = _score(spikes, real.sampling_rate, config, timer, blocks)
    memorisation = {} if train is None else _memorisation(traces, training, timer)
    held_out = _held_out(real.name, traces["real"], None if train is None else training)
    headline, verdict = _headline(traces, statistics, positions, blocks, real.sampling_rate, config, memorisation,
                                  silent, timer)  # fmt: skip
    fitted_to = (f"the training data {train.name}" if train is not None else
                 f"the real file {real.name} itself (no training data given): the baselines saw the data they are "
                 "scored against, which flatters them")  # fmt: skip
    first = next(iter(synthetic))
    extras = {"source": {"real": real.name, "synthetic": synthetic[first].name, "window": window},
              "calibration": _calibration_summary(calibration, fitted.name), "baselines_fitted_to": fitted_to,
              "dichotomized_gaussian_fit": adjustments, "edges": edge_summary(traces, spikes),
              "intervals": intervals, "independent_windows": len(np.unique(blocks)), "headline": headline,
              "pairs": statistics["real"].pair_summary(),
              "verdicts": verdict, "sets_without_spikes": silent, "row_titles": titles, "real_data": held_out,
              "timings": timer.seconds}  # fmt: skip
    if first in memorisation:
        extras["memorisation"] = memorisation[first].summary()
    return Evaluation(real.sampling_rate, real.neuron_ids, config, traces, spikes, statistics, divergences, heatmaps,
                      extras)  # fmt: skip


def _held_out(name: str, real: np.ndarray, training: np.ndarray | None) -> dict:
    """Whether the (K, W, N) real windows are known to be held out: ``{"held_out": bool, "frames_in_training":
    fraction or None}``, with one warning line when they are not."""
    if training is None:
        return {"held_out": False, "frames_in_training": None}
    shared = shared_frame_fraction(real, training)
    if shared > 0:
        logger.warning("%.0f%% of the frames of the real windows of %s are frames of the training data: the real set "
                       "is not held out, and the scores flatter a generator that copies its training data; give "
                       "--real data the generator never saw (evaluate --run RUN --synthetic FILE uses the run's "
                       "held-out block)", 100 * shared, name)  # fmt: skip
    return {"held_out": shared == 0, "frames_in_training": shared}


def sets_without_spikes(spikes: dict) -> list:
    """The names of the sets of (K, W, N) spike trains in which inference found no spike at all, after one
    warning line naming them: their spike statistics compare empty histograms and say nothing."""
    silent = [name for name, values in spikes.items() if not np.any(values)]
    if silent:
        logger.warning("no spikes were found in %s: the spike checks (firing rate, correlations, van Rossum, "
                       "synchrony) say nothing about %s; check that the traces are fluorescence or ΔF/F with "
                       "transients, and the spike-inference settings", ", ".join(silent),
                       "it" if len(silent) == 1 else "them")  # fmt: skip
    return silent


def _first(arrays: dict, count: int) -> dict:
    return {name: values[:count] for name, values in arrays.items()}


def _common_shape(real: TraceFile, synthetic: dict, train: TraceFile | None, config: EvaluateConfig):
    """(count, window, N) of the comparison; the training data must fit the samples too."""
    shapes = []
    for trace in synthetic.values():
        if train is not None:
            common_shape(train, trace, config)
        shapes.append(common_shape(real, trace, config))
    if len({shape[1:] for shape in shapes}) > 1:
        described = ", ".join(f"{name} {shape[1]} frames x {shape[2]} neurons"
                              for name, shape in zip(synthetic, shapes))  # fmt: skip
        raise RecordingError(f"the synthetic sets differ in shape: {described}")
    return min(shapes)


def _settings(config: EvaluateConfig, training: np.ndarray, timer: Timer):
    """The inference settings of the (resolved) mode and the calibration on (T, N) training traces.

    The calibration is fitted in every mode (the baselines' calcium model needs it), on at most
    the first ``CALIBRATION_FRAMES`` frames.
    """
    with timer.stage("calibration"):
        calibration = calibrate(training[:CALIBRATION_FRAMES], config.spike_settings("estimated"))
    size = _finite_median(calibration.spike_size)
    if config.spike_inference == "fixed" and size is not None and size < config.min_spike:
        logger.warning("fixed spike inference needs events of at least %g, but a spike in these traces measures "
                       "about %.3g (median over neurons): most spikes will be missed; use spike_inference "
                       "'calibrated'", config.min_spike, size)  # fmt: skip
    return config.spike_settings(calibration=calibration), calibration


def _calibration_summary(calibration: Calibration, fitted_on: str) -> dict:
    """Medians over neurons of the calibrated values (``None`` where no neuron has one), and where they were fitted."""
    return {"fitted_on": fitted_on,
            **{f"median_{name}": _finite_median(getattr(calibration, name))
               for name in ("decay", "noise", "min_spike", "baseline", "spike_size")}}  # fmt: skip


def _finite_median(values) -> float | None:
    """The median of the finite entries of ``values``, or ``None`` where there are none."""
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else None


def _infer_all(traces: dict, settings: SpikeInferenceSettings, config: EvaluateConfig, timer: Timer) -> dict:
    """Spikes of every set of (K, W, N) traces from one parallel OASIS pass."""
    with timer.stage("spike inference"):
        names = list(traces)
        joined = np.concatenate([traces[name] for name in names])
        joined = infer_spikes_parallel(joined, settings, workers=config.workers, progress=config.progress,
                                       scheduler=config.scheduler,
                                       label=f"spikes of {', '.join(names)}")  # fmt: skip
        bounds = np.cumsum([0] + [len(traces[name]) for name in names])
        return {name: joined[bounds[i] : bounds[i + 1]] for i, name in enumerate(names)}


def _baselines(fitted_to: np.ndarray, neuron_ids, calibration: Calibration, settings: SpikeInferenceSettings,
               count: int, window: int, config: EvaluateConfig, timer: Timer) -> dict:  # fmt: skip
    """Row name -> (traces or None, spikes) of the DG and Poisson baselines fitted to (K, W, N) spikes of the
    neurons ``neuron_ids`` (N,), and the DG fit's adjustments.

    With ``config.baseline_traces`` their spikes become traces through the calibrated calcium
    model and are inferred like every other set; otherwise the spikes are scored directly (thesis).
    """
    rng = np.random.default_rng(config.sample_seed)
    training_spikes = fitted_to.reshape(-1, fitted_to.shape[-1])
    with timer.stage("baselines"):
        dichotomized, adjustments = dichotomized_gaussian_spikes(training_spikes, count, window, rng, neuron_ids)
        drawn = {"dichotomized_gaussian": dichotomized, "poisson": poisson_spikes(training_spikes, count, window, rng)}
    if not config.baseline_traces:
        return {name: (None, spikes) for name, spikes in drawn.items()}, adjustments
    with timer.stage("baselines"):
        traces = {name: calcium_traces(spikes, calibration, rng) for name, spikes in drawn.items()}
    inferred = _infer_all(traces, settings, config, timer)
    return {name: (traces[name], inferred[name]) for name in drawn}, adjustments


def _score(spikes: dict, sampling_rate: float, config: EvaluateConfig, timer: Timer, blocks: np.ndarray):
    """Statistics of every set, divergences of every set but "real" from "real", the heatmaps, and
    row -> statistic -> block-bootstrap interval of the mean KL (``blocks`` (K,) of the real windows)."""
    with timer.stage("statistics"):
        statistics = statistics_of_sets(spikes, sampling_rate, config)
        neurons, count = example_neurons(statistics["real"].firing_rate), config.heatmap_samples
        primary = primary_row(spikes)
        heatmaps = van_rossum_between(spikes["real"][:count, :, neurons], spikes[primary][:count, :, neurons],
                                      sampling_rate, config.van_rossum_time_constant)  # fmt: skip
    with timer.stage("divergences"):
        divergences = {name: Divergences.between(statistics["real"], statistics[name], config)
                       for name in spikes if name != "real"}  # fmt: skip
        rng = np.random.default_rng(config.sample_seed)
        intervals = {name: bootstrap_intervals(statistics["real"], statistics[name], divergences[name], blocks, config,
                                               rng) for name in divergences}  # fmt: skip
    return statistics, divergences, heatmaps, intervals


def statistics_of_sets(spikes: dict, sampling_rate: float, config: EvaluateConfig) -> dict:
    """Set name -> :class:`SpikeStatistics` of its (K, T, N) spikes: here, one set per thread (``config.workers``
    threads, default one per CPU; NumPy releases the interpreter lock in the work), or with
    ``config.scheduler`` as tasks of ``STATISTICS_CHUNK`` samples each on the Dask workers (every statistic
    is computed sample by sample, so the chunks join into the same values)."""
    if not config.scheduler:
        threads = min(len(spikes), available_cpus() if config.workers is None else config.workers)
        with concurrent.futures.ThreadPoolExecutor(max(1, threads)) as pool:
            computed = pool.map(lambda values: SpikeStatistics.of(values, sampling_rate, config), spikes.values())
            return dict(zip(spikes, computed))
    with task_executor(1, config.scheduler) as (executor, _):
        tasks = {name: [executor.submit(SpikeStatistics.of, values[start : start + STATISTICS_CHUNK], sampling_rate,
                                        config) for start in range(0, len(values), STATISTICS_CHUNK)]
                 for name, values in spikes.items()}  # fmt: skip
        return {name: SpikeStatistics.joined([task.result() for task in parts]) for name, parts in tasks.items()}


def _memorisation(traces: dict, training: np.ndarray, timer: Timer) -> dict:
    """Row -> :class:`MemorisationCheck` of every synthetic set of (K, W, N) ``traces`` against the (T, N)
    training traces (training samples end to end), the held-out real windows showing what "not a copy" is."""
    with timer.stage("memorisation"):
        synthetic = {name: values for name, values in traces.items() if name not in NOT_SYNTHETIC}
        return memorisation_checks(synthetic, traces["real"], training)


def _headline(traces: dict, statistics: dict, positions: dict, blocks: np.ndarray, sampling_rate: float,
              config: EvaluateConfig, memorisation: dict, silent: list, timer: Timer):  # fmt: skip
    """Row -> check -> {"value", "interval"} of every set but "real", and the verdicts (``headline``).

    Window summaries are standardised on the floor's windows (training data) where there are, else
    on the real ones.
    """
    with timer.stage("headline checks"):
        compared = pair_subset(statistics["real"].correlation.shape[1], MAX_PAIRS)  # columns of the statistics' pairs
        pairs = tuple(neurons[compared] for neurons in statistics["real"].pairs)
        window = traces["real"].shape[1]
        trace_statistics = {name: TraceStatistics.of(values, sampling_rate, pairs) for name, values in traces.items()}
        standardise = standardiser(trace_statistics.get("floor", trace_statistics["real"]).summaries())
        values = {}
        for name, spike_statistics in statistics.items():
            own = trace_statistics.get(name)
            values[name] = WindowValues.of(spike_statistics, compared, window, traces=own,
                                           summaries=None if own is None else standardise(own.summaries()),
                                           positions=positions.get(name))  # fmt: skip
        rng = np.random.default_rng(config.sample_seed)
        scores = {name: headline_scores(values["real"], values[name], blocks, config, rng)
                  for name in values if name != "real"}  # fmt: skip
        memorised = {name: check.copies_training_data for name, check in memorisation.items()}
        return scores, verdicts(scores, memorised, BASELINES, silent)
