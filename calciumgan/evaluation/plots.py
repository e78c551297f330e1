"""Figures of the evaluation report, after Figs. 4.4-4.7 of the thesis (PNG files).

Real data are drawn in blue, synthetic in orange; every figure has a title, labelled axes with
their units and a legend (or panel titles) saying which set is which. Every function takes arrays with the
(samples, time, neurons) layout and a path, and writes one figure. ``neurons`` are column
indices; a figure names each neuron by its id in ``neuron_ids`` (N,), the recording's own (a
Suite2p ROI number, an NWB ROI id), which is not the column when non-cells were left out.
"""

import numpy as np
from matplotlib.figure import Figure

from calciumgan.core.figures import save_png, subplots
from calciumgan.evaluation.scoring import STATISTICS

REAL, SYNTHETIC = "tab:blue", "tab:orange"


def _save(figure, path) -> None:
    save_png(figure, path, dpi=110, bbox_inches="tight")


def traces_with_spikes(real, real_spikes, synthetic, synthetic_spikes, sampling_rate, neurons, neuron_ids,
                       path) -> None:  # fmt: skip
    """Fig. 4.4: a real and a synthetic sample's traces (K=1 slices (W, N)) with inferred spikes in gray."""
    figure, axes = subplots(len(neurons), 2, figsize=(12, 1.4 * len(neurons)), sharex=True, squeeze=False)
    time = np.arange(len(real)) / sampling_rate
    for row, neuron in enumerate(neurons):
        for column, (traces, spikes, color) in enumerate(
            [(real, real_spikes, REAL), (synthetic, synthetic_spikes, SYNTHETIC)]
        ):
            axis = axes[row, column]
            axis.plot(time, traces[:, neuron], color=color, lw=0.7)
            low, high = traces[:, neuron].min(), traces[:, neuron].max()
            axis.vlines(time[spikes[:, neuron] > 0], low - 0.25 * (high - low), low - 0.05 * (high - low), color="gray")
            axis.set_ylabel(f"neuron {neuron_ids[neuron]}", fontsize=8)
    axes[0, 0].set_title("real (held out)")
    axes[0, 1].set_title("synthetic")
    for axis in axes[-1]:
        axis.set_xlabel("time (s)")
    figure.suptitle("Traces (the recording's units) with their inferred spikes (gray ticks)")
    _save(figure, path)


def raster_with_marginals(real_spikes, synthetic_spikes, sampling_rate, path) -> None:
    """Fig. 4.5: raster of one real and one synthetic sample (W, N), spike counts over time and neurons."""
    figure = Figure(figsize=(10, 6))
    grid = figure.add_gridspec(2, 2, width_ratios=(5, 1), height_ratios=(1, 4), hspace=0.05, wspace=0.05)
    raster = figure.add_subplot(grid[1, 0])
    over_time = figure.add_subplot(grid[0, 0], sharex=raster)
    over_neurons = figure.add_subplot(grid[1, 1], sharey=raster)
    frames = np.arange(len(real_spikes))
    bins = np.linspace(0, len(real_spikes) / sampling_rate, 50)
    for spikes, color, offset in [(real_spikes, REAL, -0.2), (synthetic_spikes, SYNTHETIC, 0.2)]:
        frame, neuron = np.nonzero(spikes)
        raster.scatter(frames[frame] / sampling_rate, neuron + offset, s=2, color=color, marker="|")
        over_time.hist(frame / sampling_rate, bins=bins, color=color, alpha=0.6)
        over_neurons.barh(np.arange(spikes.shape[1]), spikes.sum(axis=0), color=color, alpha=0.6, height=1.0)
    raster.set(xlabel="time (s)", ylabel="neuron")
    over_time.set_ylabel("spikes")
    over_neurons.set_xlabel("spikes")
    over_time.tick_params(labelbottom=False)
    over_neurons.tick_params(labelleft=False)
    over_time.legend(["real", "synthetic"], fontsize=8)
    figure.suptitle("Inferred spikes of one real and one synthetic sample")
    _save(figure, path)


def firing_rate_distributions(real_rates, synthetic_rates, neurons, neuron_ids, kl, path) -> None:
    """Fig. 4.6a: per-neuron firing-rate distributions over samples ((K, N) Hz), with each neuron's KL."""
    figure, axes = subplots(1, len(neurons), figsize=(3 * len(neurons), 2.6), squeeze=False)
    for axis, neuron in zip(axes[0], neurons):
        bins = np.linspace(min(real_rates[:, neuron].min(), synthetic_rates[:, neuron].min()),
                           max(real_rates[:, neuron].max(), synthetic_rates[:, neuron].max()) + 1e-9, 30)  # fmt: skip
        axis.hist(real_rates[:, neuron], bins=bins, color=REAL, alpha=0.6, density=True, label="real")
        axis.hist(synthetic_rates[:, neuron], bins=bins, color=SYNTHETIC, alpha=0.6, density=True, label="synthetic")
        axis.set(title=f"neuron {neuron_ids[neuron]}, KL {kl[neuron]:.2f}", xlabel="firing rate (Hz)",
                 ylabel="density (1/Hz)")  # fmt: skip
    axes[0, 0].legend(fontsize=7)
    figure.suptitle("Firing rate per sample, real and synthetic", y=1.04)
    _save(figure, path)


def correlation_distributions(real_correlations, synthetic_correlations, samples, kl, path) -> None:
    """Fig. 4.6b: pairwise correlation distributions ((K, P)) of a few samples, with each sample's KL."""
    figure, axes = subplots(1, len(samples), figsize=(3 * len(samples), 2.6), squeeze=False)
    for axis, sample in zip(axes[0], samples):
        real, synthetic = real_correlations[sample], synthetic_correlations[sample]
        pooled = np.concatenate([real[np.isfinite(real)], synthetic[np.isfinite(synthetic)]])
        bins = np.linspace(pooled.min(), pooled.max() + 1e-9, 30) if len(pooled) else 30
        for values, colour, label in ((real, REAL, "real"), (synthetic, SYNTHETIC, "synthetic")):
            finite = values[np.isfinite(values)]  # a sample without spikes has no defined correlation
            axis.hist(finite, bins=bins, color=colour, alpha=0.6, density=bool(finite.size), label=label)
        axis.set(title=f"sample {sample}, KL {kl[sample]:.2f}", xlabel="correlation (Pearson)", ylabel="density")
    axes[0, 0].legend(fontsize=7)
    figure.suptitle("Pairwise spike-count correlations within a sample, real and synthetic", y=1.04)
    _save(figure, path)


def greedy_sorted(distances: np.ndarray) -> np.ndarray:
    """Reorder rows and columns of (K, M) distances: smallest pair top left, then the next smallest, ..."""
    rows, columns = [], []
    remaining = distances.astype(np.float64).copy()
    for _ in range(min(remaining.shape)):
        row, column = np.unravel_index(np.argmin(remaining), remaining.shape)
        rows.append(row)
        columns.append(column)
        remaining[row, :] = np.inf
        remaining[:, column] = np.inf
    rows += [r for r in range(distances.shape[0]) if r not in rows]
    columns += [c for c in range(distances.shape[1]) if c not in columns]
    return distances[np.ix_(rows, columns)]


def van_rossum_heatmaps(distances, neurons, neuron_ids, path) -> None:
    """Fig. 4.6c: same-neuron van Rossum distances, real samples (rows) x synthetic (columns), sorted."""
    figure, axes = subplots(1, len(neurons), figsize=(3.6 * len(neurons), 3), squeeze=False)
    for axis, neuron_distances, neuron in zip(axes[0], distances, neurons):
        image = axis.imshow(greedy_sorted(neuron_distances), cmap="viridis")
        axis.set(title=f"neuron {neuron_ids[neuron]}", xlabel="synthetic sample", ylabel="real sample")
        figure.colorbar(image, ax=axis, fraction=0.046, label="van Rossum distance")
    figure.suptitle("Van Rossum distances between real and synthetic samples of one neuron (sorted)")
    figure.tight_layout()
    _save(figure, path)


def kl_histograms(divergences: dict, means: dict, titles: dict, path) -> None:
    """Fig. 4.7: histograms of the per-neuron / per-sample KL divergences of each row, with their means.

    ``divergences``: row -> ``Divergences``; ``means``: row -> {statistic: mean KL}; ``titles``: row -> title.
    """
    labels = {"firing_rate": "KL per neuron, firing rate", "correlation": "KL per sample, correlation",
              "van_rossum": "KL per sample, van Rossum distance",
              "synchrony": "KL per sample, neurons per frame"}  # fmt: skip
    figure, axes = subplots(1, len(STATISTICS), figsize=(18, 3.2))
    for axis, statistic in zip(axes, STATISTICS):
        values = {name: getattr(rows, statistic) for name, rows in divergences.items()}
        finite = np.concatenate([v[np.isfinite(v)] for v in values.values()])
        bins = np.linspace(0, finite.max() + 1e-9, 40) if len(finite) else 40
        for name, value in values.items():
            axis.hist(value[np.isfinite(value)], bins=bins, histtype="step", lw=1.5,
                      label=f"{titles[name]} (mean {means[name][statistic]:.2f})")  # fmt: skip
        axis.set(xlabel=labels[statistic], ylabel="count")
    axes[0].legend(fontsize=7)
    figure.suptitle("KL divergences from the held-out real data (nats), per row of the report", y=1.02)
    _save(figure, path)
