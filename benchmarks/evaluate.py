"""Speed of the evaluation: 1,000 real and 1,000 synthetic samples of 2,048 frames x 102 neurons.

    python benchmarks/evaluate.py                     # the whole evaluation, then statistics vs Elephant
    python benchmarks/evaluate.py --samples 200       # smaller

Real and synthetic traces are windows of two surrogate recordings (day-4 preset, seeds 0
and 1) written as HDF5 sample files; ``calciumgan.evaluation.pipeline.evaluate_files`` then runs
exactly as ``python -m calciumgan.evaluate --real ... --synthetic ...`` does (spike
inference, statistics, KL divergences, baselines, report), and its time per stage is
printed. Afterwards the statistics of the real set's spikes are timed with
``calciumgan.evaluation.statistics`` (all samples) and the Elephant way, one call per sample (neo
SpikeTrains, ``mean_firing_rate``, ``correlation_coefficient`` of a ``BinnedSpikeTrain``,
``van_rossum_distance``; the first ``--elephant-samples`` samples), with the largest
difference between the two on those samples.
"""

import argparse
import os
import pathlib
import sys
import tempfile
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import h5py  # noqa: E402
import numpy as np  # noqa: E402

from calciumgan.config import EvaluateConfig  # noqa: E402
from calciumgan.data.surrogate import surrogate_recording  # noqa: E402
from calciumgan.evaluation.pipeline import evaluate_files  # noqa: E402
from calciumgan.evaluation.report import write_report  # noqa: E402
from calciumgan.evaluation.statistics import correlation_matrices, firing_rates, van_rossum_matrices  # noqa: E402
from calciumgan.evaluation.trace_files import evenly_spaced_windows  # noqa: E402

ISSUE_REFERENCE = """For scale (from the issue, same 2 cores): the thesis's metrics code 0.73 s per sample (about
12 minutes per 1,000); Elephant's van Rossum alone 0.52 s per sample of 102 trains; a plain NumPy
version 0.07 s; OASIS fixed-g AR(1) 0.13 ms per 2,048-frame trace, penalised deconvolve 3 ms.
Targets: whole evaluation under 2 minutes; statistics at least 100x faster than the Elephant path."""


def write_samples(path: pathlib.Path, seed: int, count: int) -> None:
    recording = surrogate_recording("day4", seed=seed)
    with h5py.File(path, "w") as file:
        file["signals"] = evenly_spaced_windows(recording.signals, 2048, count)
        file.attrs["sampling_rate"] = recording.sampling_rate


def elephant_statistics(spikes: np.ndarray, sampling_rate: float, config: EvaluateConfig):
    """Rates, correlation and van Rossum matrices of (K, T, N) spikes, one Elephant call per sample."""
    import elephant
    import neo
    import quantities as pq

    warnings.filterwarnings("ignore", message="Binning discarded")  # Elephant drops the partial last bin
    rates, correlations, distances = [], [], []
    for sample in spikes:
        duration = sample.shape[0] / sampling_rate
        trains = [
            neo.SpikeTrain(np.repeat(np.arange(len(column)), column.astype(int)) / sampling_rate * pq.s,
                           t_start=0 * pq.s, t_stop=duration * pq.s)  # fmt: skip
            for column in sample.T
        ]
        rates.append([float(elephant.statistics.mean_firing_rate(train).rescale(pq.Hz)) for train in trains])
        binned = elephant.conversion.BinnedSpikeTrain(trains, bin_size=config.correlation_bin_width * pq.s)
        correlations.append(elephant.spike_train_correlation.correlation_coefficient(binned))
        distances.append(elephant.spike_train_dissimilarity.van_rossum_distance(
            trains, time_constant=config.van_rossum_time_constant * pq.s))  # fmt: skip
    return np.array(rates), np.array(correlations), np.array(distances)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=1000, help="samples per set")
    parser.add_argument("--elephant-samples", type=int, default=20, help="samples for the Elephant path")
    args = parser.parse_args(argv)
    config = EvaluateConfig(num_samples=args.samples)
    with tempfile.TemporaryDirectory() as folder:
        folder = pathlib.Path(folder)
        write_samples(folder / "real.h5", seed=0, count=args.samples)
        write_samples(folder / "synthetic.h5", seed=1, count=args.samples)
        start = time.perf_counter()
        evaluation = evaluate_files(folder / "real.h5", folder / "synthetic.h5", config, folder / "report")
        write_report(evaluation, folder / "report")
        total = time.perf_counter() - start
    print(f"Whole evaluation of {args.samples} real + {args.samples} synthetic samples (2048 x 102), "
          f"{os.cpu_count()} cores: {total:.1f} s")  # fmt: skip
    for stage, seconds in evaluation.extras["timings"].items():
        print(f"  {stage:<22}{seconds:>7.1f} s")
    print(f"  {'figures and report':<22}{total - sum(evaluation.extras['timings'].values()):>7.1f} s")

    spikes, rate = evaluation.spikes["real"], evaluation.sampling_rate
    start = time.perf_counter()
    ours = (firing_rates(spikes, rate), correlation_matrices(spikes, rate, config.correlation_bin_width),
            van_rossum_matrices(spikes, rate, config.van_rossum_time_constant))  # fmt: skip
    ours_seconds = (time.perf_counter() - start) / len(spikes)
    subset = spikes[: args.elephant_samples]
    start = time.perf_counter()
    reference = elephant_statistics(subset, rate, config)
    elephant_seconds = (time.perf_counter() - start) / len(subset)
    pairs = np.triu_indices(spikes.shape[2], 1)
    compared = [(ours[0][: len(subset)], reference[0])] + [
        (mine[: len(subset)][:, pairs[0], pairs[1]], theirs[:, pairs[0], pairs[1]])
        for mine, theirs in zip(ours[1:], reference[1:])
    ]
    differences = [np.nanmax(np.abs(a - b)) / np.nanmax(np.abs(b)) for a, b in compared]
    same_nans = all(np.array_equal(np.isnan(a), np.isnan(b)) for a, b in compared)
    print("\nStatistics per sample (firing rates, correlation matrix, van Rossum matrix of 102 neurons):")
    print(f"  Elephant, one call per sample ({len(subset)} samples): {elephant_seconds * 1e3:8.1f} ms")
    print(f"  calciumgan.evaluation.statistics ({len(spikes)} samples):            {ours_seconds * 1e3:8.2f} ms"
          f"   ({elephant_seconds / ours_seconds:.0f}x faster)")  # fmt: skip
    print("  largest difference over the first samples' neurons and pairs, relative to the largest value: "
          + ", ".join(f"{name} {value:.1e}" for name, value in zip(("rate", "correlation", "van Rossum"), differences))
          + f"; NaNs in the same places: {same_nans}")
    print("\n" + ISSUE_REFERENCE)


if __name__ == "__main__":
    sys.exit(main())
