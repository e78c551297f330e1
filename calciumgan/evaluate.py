"""Judge synthetic traces by the spikes inferred from them (thesis §3.2, §4.3.1, Table 4.3).

    python -m calciumgan.evaluate --run runs/demo
    python -m calciumgan.evaluate --real held_out.h5 --synthetic samples.h5 --out reports/mine

With ``--run``, real data are windows of the run's held-out validation block, and the
table compares, each against them: windows of the training block (the real-versus-real
floor), the trained generator, the same generator untrained, a dichotomized-Gaussian
model and independent Poisson neurons fitted to the training block's inferred spikes.
Spikes of every set of traces come from the same OASIS call. ``report.json``,
``report.md`` and the figures are written to ``--out`` (default ``<run>/evaluation``).

With ``--real`` and ``--synthetic``, any two files are compared: each holds ``signals``
either as samples (K, T, N) (the output of ``calciumgan.generate``) or as one recording
(T, N), which is cut into evenly spaced windows of the other file's length.
"""

import argparse
import contextlib
import dataclasses
import logging
import pathlib
import sys
import time

import h5py
import numpy as np

from calciumgan.evaluation.baselines import dichotomized_gaussian_spikes, poisson_spikes
from calciumgan.core.cli import run_command
from calciumgan.config import EvaluateConfig
from calciumgan.data.prepare import prepare_data
from calciumgan.core.errors import ConfigError, RecordingError, RunError
from calciumgan.evaluation.scoring import Divergences, SpikeStatistics, ground_truth_errors
from calciumgan.generate import sample_scaled
from calciumgan.evaluation.memorisation import memorisation_check
from calciumgan.data.recording import load_recording
from calciumgan.evaluation.report import write_report
from calciumgan.training.run_folder import RunFolder
from calciumgan.evaluation.inference import (
    SpikeInferenceSettings,
    infer_spikes,
    infer_spikes_hdf5,
    infer_spikes_parallel,
    spike_recovery,
)

logger = logging.getLogger("calciumgan.evaluate")

ROW_TITLES = {
    "floor": "real vs real (training-block windows)",
    "model": "CalciumGAN (this run)",
    "untrained": "untrained generator",
    "dichotomized_gaussian": "dichotomized Gaussian",
    "poisson": "independent Poisson",
}


def evenly_spaced_windows(signals: np.ndarray, window: int, count: int) -> np.ndarray:
    """Up to ``count`` distinct windows (k, window, N) with evenly spaced starts over (T, N) signals."""
    starts = np.unique(np.linspace(0, len(signals) - window, count).round().astype(np.int64))
    return np.stack([signals[start : start + window] for start in starts])


def spike_settings(config: EvaluateConfig) -> SpikeInferenceSettings:
    """The OASIS settings an evaluate config names."""
    try:
        return SpikeInferenceSettings(
            mode=config.spike_inference, decay=config.decay, min_spike=config.min_spike, threshold=config.threshold
        )
    except ValueError as error:
        raise ConfigError(f"evaluate: {error}") from None


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
    """Everything a report shows; arrays keep the (samples, time, neurons) layout."""

    sampling_rate: float
    neuron_ids: np.ndarray
    config: EvaluateConfig
    traces: dict  # name -> (K, W, N) traces in original units ("real", "model", ...); files: first sample
    spikes: dict  # name -> (K, W, N) spike counts
    statistics: dict  # name -> SpikeStatistics
    divergences: dict  # row name -> Divergences against "real"
    extras: dict  # ground truth, spike recovery, memorisation, timings, source


def _score(evaluation_sets: dict, sampling_rate: float, config: EvaluateConfig, timer: Timer):
    statistics, divergences = {}, {}
    with timer.stage("statistics"):
        for name, spikes in evaluation_sets.items():
            statistics[name] = SpikeStatistics.of(spikes, sampling_rate, config)
    with timer.stage("divergences"):
        for name in evaluation_sets:
            if name != "real":
                divergences[name] = Divergences.between(statistics["real"], statistics[name], config)
    return statistics, divergences


def _infer_all(traces: dict, config: EvaluateConfig, timer: Timer) -> dict:
    """Spikes of every set of (K, W, N) traces from one parallel OASIS pass."""
    with timer.stage("spike inference"):
        names = list(traces)
        joined = infer_spikes_parallel(
            np.concatenate([traces[name] for name in names]), spike_settings(config), workers=config.workers
        )
        bounds = np.cumsum([0] + [len(traces[name]) for name in names])
        return {name: joined[bounds[i] : bounds[i + 1]] for i, name in enumerate(names)}


def _generated_traces(generator, data, count: int, seed: int) -> np.ndarray:
    """``count`` generator samples (count, W, N) in the recording's units."""
    return data.scaler.inverse(np.concatenate(list(sample_scaled(generator, count, seed))))


def evaluate_run(run_dir, num_samples: int | None = None) -> Evaluation:
    """Evaluate the run in ``run_dir`` against its held-out block."""
    run = RunFolder(run_dir)
    experiment = run.config()

    import keras  # after the run folder is known to be one, as TensorFlow takes seconds to load

    from calciumgan.models.wavegan import build_generator
    from calciumgan.data.surrogate import SAMPLING_RATE_HZ, preset_model

    config = experiment.evaluate
    if num_samples:
        config = dataclasses.replace(config, num_samples=num_samples)
    timer = Timer()
    with timer.stage("data and generation"):
        data = prepare_data(experiment.data)
        window = experiment.data.window
        real = evenly_spaced_windows(data.validation.signals, window, config.num_samples)
        count = len(real)
        if count < config.num_samples:
            logger.warning("validation block holds only %d distinct windows; using %d samples", count, count)
        generator = run.load_model(run.generator_path)
        keras.utils.set_random_seed(experiment.train.seed)  # the model's weights before training
        untrained = build_generator(experiment.model, window, data.recording.num_neurons)
        traces = {
            "real": real,
            "floor": evenly_spaced_windows(data.train.signals, window, count),
            "model": _generated_traces(generator, data, count, config.sample_seed),
            "untrained": _generated_traces(untrained, data, count, config.sample_seed),
        }
    spikes = _infer_all(traces, config, timer)
    with timer.stage("spike inference"):
        training_spikes = infer_spikes(data.train.signals, spike_settings(config))
    rng = np.random.default_rng(config.sample_seed)
    with timer.stage("baselines"):
        spikes["dichotomized_gaussian"] = dichotomized_gaussian_spikes(training_spikes, count, window, rng)
        spikes["poisson"] = poisson_spikes(training_spikes, count, window, rng)
    statistics, divergences = _score(spikes, data.recording.sampling_rate, config, timer)
    extras = {"source": {"run": str(run.root), "recording": data.recording.source, "window": window}}
    if data.recording.spikes is not None:
        true_real = evenly_spaced_windows(data.validation.spikes, window, count)
        extras["spike_recovery"] = dataclasses.asdict(spike_recovery(true_real, spikes["real"]))
    if experiment.data.source == "surrogate":
        model = preset_model(experiment.data.preset)
        neurons = data.recording.num_neurons
        true_rates = model.spike_probabilities()[:neurons] * SAMPLING_RATE_HZ
        true_covariance = model.covariance()[:neurons, :neurons]
        extras["ground_truth"] = {
            name: ground_truth_errors(spikes[name], data.recording.sampling_rate, true_rates, true_covariance)
            for name in ("real", "model", "dichotomized_gaussian", "poisson")
        }
    with timer.stage("memorisation"):
        extras["memorisation"] = memorisation_check(traces["model"], real, data.train.signals).summary()
    extras["timings"] = timer.seconds
    return Evaluation(data.recording.sampling_rate, data.recording.neuron_ids, config, traces, spikes,
                      statistics, divergences, extras)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class TraceFile:
    """One input of ``--real`` / ``--synthetic``: an HDF5 samples file or a recording.

    ``samples_shape`` is (K, T, N) for a samples file (dataset ``signals``, read in
    chunks, never whole); ``recording`` holds the (T, N) traces of a recording file.
    """

    path: pathlib.Path
    sampling_rate: float
    neuron_ids: np.ndarray
    samples_shape: tuple | None = None
    recording: np.ndarray | None = None

    @classmethod
    def open(cls, path) -> "TraceFile":
        path = pathlib.Path(path)
        if path.suffix in (".h5", ".hdf5") and path.is_file():
            with h5py.File(path, "r") as file:
                if "signals" in file and file["signals"].ndim == 3:
                    if "sampling_rate" not in file.attrs:
                        raise RecordingError(f"{path}: missing root attribute 'sampling_rate'")
                    shape = file["signals"].shape
                    ids = np.asarray(file.attrs.get("neuron_ids", np.arange(shape[2])))
                    return cls(path, float(file.attrs["sampling_rate"]), ids, samples_shape=shape)
        recording = load_recording(path)
        return cls(path, recording.sampling_rate, recording.neuron_ids, recording=recording.signals)

    def first_samples(self, count: int, window: int) -> np.ndarray:
        """The first ``count`` samples (count, window, N): read from the file or cut from the recording."""
        if self.samples_shape is None:
            return evenly_spaced_windows(self.recording, window, count)
        with h5py.File(self.path, "r") as file:
            return file["signals"][:count]

    def spikes(self, count: int, window: int, config: EvaluateConfig, out: pathlib.Path) -> np.ndarray:
        """Spikes of the first ``count`` samples; a samples file streams through OASIS chunk by chunk."""
        if self.samples_shape is None:
            return infer_spikes_parallel(self.first_samples(count, window), spike_settings(config), config.workers)
        spikes_path = infer_spikes_hdf5(self.path, "signals", out / f"{self.path.stem}_spikes.h5",
                                        spike_settings(config), workers=config.workers)  # fmt: skip
        with h5py.File(spikes_path, "r") as file:
            return file["spikes"][:count]


def evaluate_files(real_path, synthetic_path, config: EvaluateConfig, out) -> Evaluation:
    """Compare the traces of two files (samples or recordings) with the same statistics.

    Inferred spikes of a samples file are written to ``out/<name>_spikes.h5``.
    """
    timer = Timer()
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    real, synthetic = TraceFile.open(real_path), TraceFile.open(synthetic_path)
    if real.sampling_rate != synthetic.sampling_rate:
        raise RecordingError(f"{synthetic_path}: sampling rate {synthetic.sampling_rate} Hz, "
                             f"{real_path} has {real.sampling_rate} Hz")  # fmt: skip
    shapes = [file.samples_shape for file in (real, synthetic) if file.samples_shape]
    if not shapes:
        raise RecordingError(f"{synthetic_path}: one of the two files must hold samples (K, T, N)")
    window, neurons = shapes[0][1:]
    if any(shape[1:] != (window, neurons) for shape in shapes) or any(
        file.recording is not None and file.recording.shape[1] != neurons for file in (real, synthetic)
    ):
        raise RecordingError(f"{synthetic_path}: its samples or neurons do not match those of {real_path}")
    count = min([config.num_samples] + [shape[0] for shape in shapes])
    with timer.stage("spike inference"):
        spikes = {"real": real.spikes(count, window, config, out), "model": synthetic.spikes(count, window, config, out)}
    count = min(len(spikes["real"]), len(spikes["model"]))
    spikes = {name: value[:count] for name, value in spikes.items()}
    traces = {"real": real.first_samples(1, window), "model": synthetic.first_samples(1, window)}
    rng = np.random.default_rng(config.sample_seed)
    with timer.stage("baselines"):
        fitted_to = spikes["real"].reshape(-1, neurons)
        spikes["dichotomized_gaussian"] = dichotomized_gaussian_spikes(fitted_to, count, window, rng)
        spikes["poisson"] = poisson_spikes(fitted_to, count, window, rng)
    statistics, divergences = _score(spikes, real.sampling_rate, config, timer)
    extras = {"source": {"real": str(real_path), "synthetic": str(synthetic_path), "window": window},
              "baselines_fitted_to": "the real file's own inferred spikes", "timings": timer.seconds}  # fmt: skip
    return Evaluation(real.sampling_rate, real.neuron_ids, config, traces, spikes, statistics, divergences, extras)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calciumgan.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("--run", help="run folder written by calciumgan.train")
    parser.add_argument("--real", help="file of real traces (samples or a recording)")
    parser.add_argument("--synthetic", help="file of synthetic traces (samples or a recording)")
    parser.add_argument("--out", help="report folder (default: <run>/evaluation)")
    parser.add_argument("--num-samples", type=int, help="samples per set (default: the run's evaluate.num_samples)")
    args = parser.parse_args(argv)
    if bool(args.run) == bool(args.real or args.synthetic) or bool(args.real) != bool(args.synthetic):
        parser.error("give either --run, or both --real and --synthetic")

    def action():
        if args.run:
            evaluation = evaluate_run(args.run, args.num_samples)
            out = args.out or pathlib.Path(args.run) / "evaluation"
        else:
            if not args.out:
                raise RunError("--out is required with --real and --synthetic")
            config = EvaluateConfig(**({"num_samples": args.num_samples} if args.num_samples else {}))
            out = args.out
            evaluation = evaluate_files(args.real, args.synthetic, config, out)
        write_report(evaluation, out, ROW_TITLES)

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
