"""Figures comparing sets of LFP windows (real, autoencoded, generated, noise), after the thesis's figures.

Each function takes ``sets``, a dict from a set's name to its (batch, time, channels) windows, writes one
PNG atomically at ``path`` and returns the path. Every panel is titled with its set's name, every figure
has a title and labelled axes (values in the recording's units). Figures have a fixed size: PANEL_INCHES per panel at
DPI dots per inch, so a figure of r rows and c panels per row is (c x r) * PANEL_INCHES * DPI pixels.
"""

import pathlib

import matplotlib
import numpy as np
from matplotlib.ticker import MaxNLocator

from calciumgan.core.figures import save_png, subplots
from lfp.metrics.signals import amplitude_spectra, channel_correlations, channel_means

DPI = 100
PANEL_INCHES = (5, 4)  # width, height


def plot_channel_means(sets: dict, sampling_rate: float, path) -> pathlib.Path:
    """Figs 5.3/5.4: per-channel mean over windows ± std against time, channels stacked; one panel per set."""
    figure, axes = _panels(1, len(sets))
    for axis, (name, windows) in zip(axes[0], sets.items()):
        mean, std = channel_means(windows)
        time = np.arange(len(mean)) / sampling_rate
        spacing = np.max(mean + std) - np.min(mean - std)
        offset_means = mean.T + spacing * np.arange(mean.shape[1])[:, None]  # (channels, time)
        for colour, channel_mean, channel_std in zip(_channel_colours(mean.shape[1]), offset_means, std.T):
            axis.plot(time, channel_mean, color=colour, lw=0.8)
            axis.fill_between(time, channel_mean - channel_std, channel_mean + channel_std, color=colour, alpha=0.25)
        axis.set(title=name, xlabel="time (s)", ylabel="LFP by channel (offset), mean ± std", yticks=[])
    _title_with_channel_colours(figure, "Mean LFP over windows", mean.shape[1])
    return _save(figure, path)


def plot_spectra(sets: dict, sampling_rate: float, path) -> pathlib.Path:
    """Figs 5.2/5.5: per-channel mean FFT amplitude ± std over windows, log scale; one panel per set.

    0 Hz is left out; the lower edge of each band is clipped to that channel's smallest mean amplitude.
    Panels share the amplitude axis.
    """
    figure, axes = _panels(1, len(sets), share_y=True)
    for axis, (name, windows) in zip(axes[0], sets.items()):
        frequencies, mean, std = amplitude_spectra(windows, sampling_rate)
        frequencies, mean, std = frequencies[1:], mean[:, 1:], std[:, 1:]
        for colour, channel_mean, channel_std in zip(_channel_colours(len(mean)), mean, std):
            lower = np.maximum(channel_mean - channel_std, channel_mean.min())
            axis.plot(frequencies, channel_mean, color=colour, lw=0.8)
            axis.fill_between(frequencies, lower, channel_mean + channel_std, color=colour, alpha=0.15)
        axis.set(title=name, xlabel="frequency (Hz)", ylabel="amplitude (recording units)", yscale="log")
    _title_with_channel_colours(figure, "Amplitude spectrum per channel, mean ± std over windows", len(mean))
    return _save(figure, path)


def plot_channel_correlations(sets: dict, path) -> pathlib.Path:
    """Figs A.1-A.3: channel-correlation matrix of each set on one shared colour scale from -1 to 1."""
    figure, axes = _panels(1, len(sets))
    for axis, (name, windows) in zip(axes[0], sets.items()):
        image = axis.imshow(channel_correlations(windows), cmap="RdBu_r", vmin=-1.0, vmax=1.0)
        axis.set(title=name, xlabel="channel", ylabel="channel")
        for channel_axis in (axis.xaxis, axis.yaxis):
            channel_axis.set_major_locator(MaxNLocator(integer=True))
    figure.colorbar(image, ax=axes[0].tolist(), label="Pearson correlation", shrink=0.8)
    figure.suptitle("Correlations between channels")
    return _save(figure, path)


def plot_image_examples(image, sets: dict, sampling_rate: float, path, num_examples: int = 3) -> pathlib.Path:
    """Figs B.1-B.5: the (height, width) stimulus image, then a row per set of its first ``num_examples``
    windows for that image, drawn as channel-offset traces. The grid has num_examples + 1 columns."""
    figure, axes = _panels(len(sets), num_examples + 1)
    for row, (name, windows) in enumerate(sets.items()):
        windows = np.asarray(windows, dtype=np.float64)
        for column in range(num_examples):
            axis = axes[row, column + 1]
            if column >= len(windows):
                axis.remove()
                continue
            window = windows[column]
            spacing = np.ptp(window) / 4 or 1.0
            time = np.arange(len(window)) / sampling_rate
            axis.plot(time, window + spacing * np.arange(window.shape[1]), color="black", lw=0.5)
            axis.set(title=f"{name} #{column + 1}", xlabel="time (s)", ylabel="LFP by channel (offset)", yticks=[])
        if row > 0:
            axes[row, 0].remove()
    axes[0, 0].imshow(np.asarray(image), cmap="gray", vmin=0.0, vmax=1.0)
    axes[0, 0].set(title="stimulus", xticks=[], yticks=[])
    figure.suptitle("Windows recorded or generated for one stimulus image")
    return _save(figure, path)


def plot_first_epoch_spectra(frequencies, input_spectrum, spectra: dict, path) -> pathlib.Path:
    """Fig. 5.6: the autoencoder's mean reconstruction spectrum after shares of its first epoch, beside its input's.

    ``frequencies`` (f,) Hz; ``input_spectrum`` (f,) and each of ``spectra`` (name -> (f,)) amplitudes. 0 Hz
    is left out; log amplitude.
    """
    figure, axes = _panels(1, 1)
    axis = axes[0, 0]
    axis.plot(frequencies[1:], input_spectrum[1:], color="black", lw=1.5, label="real (input windows)")
    for colour, (name, values) in zip(_channel_colours(len(spectra)), spectra.items()):
        axis.plot(frequencies[1:], values[1:], color=colour, lw=1.0, label=f"reconstruction after {name}")
    axis.set(xlabel="frequency (Hz)", ylabel="amplitude (standardised units)", yscale="log",
             title="autoencoder, first epoch")  # fmt: skip
    axis.legend(fontsize=8)
    figure.suptitle("Signal autoencoder's spectrum during its first epoch")
    return _save(figure, path)


def _panels(rows: int, columns: int, share_y: bool = False):
    """A figure of rows x columns panels at the module's fixed panel size; axes always 2-D."""
    if rows * columns == 0:
        raise ValueError("sets is empty; give at least one named set of windows")
    size = (PANEL_INCHES[0] * columns, PANEL_INCHES[1] * rows)
    return subplots(rows, columns, figsize=size, dpi=DPI, squeeze=False, layout="constrained", sharey=share_y)


def _channel_colours(channels: int) -> np.ndarray:
    return matplotlib.colormaps["viridis"](np.linspace(0.0, 0.9, channels))


def _title_with_channel_colours(figure, title: str, channels: int) -> None:
    figure.suptitle(f"{title}\ncolour: channel 0 (dark) to {channels - 1} (light)")


def _save(figure, path) -> pathlib.Path:
    path = pathlib.Path(path)
    return save_png(figure, path, dpi=DPI)
