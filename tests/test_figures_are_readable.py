"""Every figure the package draws says what it shows without the code: a title, labelled axes with their
units, and which set is real and which synthetic (a legend where sets share a panel, panel titles where each
has its own). Checked on the figures' artists, not their pixels."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from calciumgan.evaluation import plots
from lfp.evaluation import plots as lfp_plots

RNG = np.random.default_rng(0)
IDS = np.arange(5)
TRACES, SPIKES = RNG.random((40, 5)), RNG.random((40, 5)) > 0.8
RATES, CORRELATIONS = RNG.random((6, 5)), RNG.uniform(-1, 1, (6, 10))
LFP_SETS = {"real": RNG.normal(size=(4, 64, 3)), "GAN": RNG.normal(size=(4, 64, 3))}


class _Rows:
    firing_rate = correlation = van_rossum = synchrony = RNG.random(5)


DRAWINGS = {
    "traces": (lambda path: plots.traces_with_spikes(TRACES, SPIKES, TRACES, SPIKES, 24.0, [1, 2], IDS, path),
               None),
    "raster": (lambda path: plots.raster_with_marginals(SPIKES, SPIKES, 24.0, path), "real"),
    "firing rates": (lambda path: plots.firing_rate_distributions(RATES, RATES, [1, 2], IDS, np.zeros(5), path),
                     "real"),
    "correlations": (lambda path: plots.correlation_distributions(CORRELATIONS, CORRELATIONS, [0, 1], np.zeros(6),
                                                                  path), "real"),
    "van Rossum": (lambda path: plots.van_rossum_heatmaps(RNG.random((2, 3, 3)), [1, 2], IDS, path), None),
    "KL histograms": (lambda path: plots.kl_histograms({"model": _Rows}, {"model": dict.fromkeys(
        ("firing_rate", "correlation", "van_rossum", "synchrony"), 0.5)}, {"model": "CalciumGAN"}, path), "CalciumGAN"),
    "LFP means": (lambda path: lfp_plots.plot_channel_means(LFP_SETS, 1250.0, path), None),
    "LFP spectra": (lambda path: lfp_plots.plot_spectra(LFP_SETS, 1250.0, path), None),
    "LFP correlations": (lambda path: lfp_plots.plot_channel_correlations(LFP_SETS, path), None),
    "LFP examples": (lambda path: lfp_plots.plot_image_examples(np.eye(8), LFP_SETS, 1250.0, path), None),
    "LFP first epoch": (lambda path: lfp_plots.plot_first_epoch_spectra(
        np.arange(33.0), np.ones(33), {"2%": np.ones(33), "100%": np.ones(33)}, path), "real"),
}  # name -> (draw into path, a set the legend must name; None where each set has its own titled panel or axis)


@pytest.fixture
def saved(monkeypatch):
    figures = []
    original = Figure.savefig

    def keep(figure, *args, **kwargs):
        figures.append(figure)
        return original(figure, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    return figures


def _data_axes(figure) -> list:
    return [axis for axis in figure.axes if axis.get_label() != "<colorbar>"
            and (axis.lines or axis.patches or axis.images or axis.collections)]  # fmt: skip


def _labelled(axis, which: str) -> bool:
    """Whether the x or y axis says what it shows: its own label, a shared sibling's, or no ticks at all."""
    label = getattr(axis, f"get_{which}label")
    shared = getattr(axis, f"get_shared_{which}_axes")().get_siblings(axis)
    ticks = getattr(axis, f"get_{which}ticks")()
    return bool(label()) or any(getattr(other, f"get_{which}label")() for other in shared) or len(ticks) == 0


@pytest.mark.parametrize("name", DRAWINGS)
def test_every_figure_has_a_title_labelled_axes_and_names_its_sets(name, saved, tmp_path):
    draw, legend_word = DRAWINGS[name]
    draw(tmp_path / "figure.png")
    (figure,) = saved
    assert figure.get_suptitle(), f"{name}: no figure title"
    for axis in _data_axes(figure):
        assert _labelled(axis, "x") and _labelled(axis, "y"), f"{name}: panel '{axis.get_title()}' lacks an axis label"
    for colorbar in (axis for axis in figure.axes if axis.get_label() == "<colorbar>"):
        assert colorbar.get_ylabel(), f"{name}: a colour bar without a label"
    if legend_word is None:
        names = " ".join(text for axis in figure.axes for text in (axis.get_title(), axis.get_xlabel(), axis.get_ylabel()))
        assert "real" in names and ("synthetic" in names or "GAN" in names), f"{name}: sets not named in {names!r}"
    else:
        legends = [axis.get_legend() for axis in figure.axes if axis.get_legend() is not None]
        texts = [text.get_text() for legend in legends for text in legend.get_texts()]
        assert any(legend_word in text for text in texts), f"{name}: legend {texts}"
