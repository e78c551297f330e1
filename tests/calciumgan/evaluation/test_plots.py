"""The report's figures name each neuron by the recording's id (a Suite2p ROI number), not by its column."""

import numpy as np
import pytest

from calciumgan.evaluation import plots

IDS = np.array([3, 7, 12, 19, 25])  # five cells of a Suite2p folder whose other ROIs were not cells


@pytest.fixture
def drawn(monkeypatch):
    """The figures the plot functions draw, kept instead of saved."""
    figures = []
    monkeypatch.setattr(plots, "_save", lambda figure, path: figures.append(figure))
    return figures


def _titles_and_labels(figure) -> list:
    return [text for axis in figure.axes for text in (axis.get_title(), axis.get_ylabel()) if text]


def test_figures_name_the_example_neurons_by_their_ids(drawn, tmp_path):
    rng = np.random.default_rng(0)
    traces, spikes = rng.random((40, 5)), rng.random((40, 5)) > 0.9
    rates = rng.random((6, 5))
    plots.traces_with_spikes(traces, spikes, traces, spikes, 24.0, [1, 4], IDS, tmp_path / "t.png")
    plots.firing_rate_distributions(rates, rates, [1, 4], IDS, np.zeros(5), tmp_path / "f.png")
    plots.van_rossum_heatmaps(rng.random((2, 3, 3)), [1, 4], IDS, tmp_path / "v.png")
    traces_figure, rates_figure, heatmaps_figure = drawn
    assert _titles_and_labels(traces_figure) == ["real (held out)", "neuron 7", "synthetic", "neuron 7", "neuron 25",
                                                 "neuron 25"]  # fmt: skip
    assert _titles_and_labels(rates_figure) == ["neuron 7, KL 0.00", "density (1/Hz)", "neuron 25, KL 0.00",
                                                "density (1/Hz)"]
    assert [axis.get_title() for axis in heatmaps_figure.axes if axis.get_title()] == ["neuron 7", "neuron 25"]
    # the firing-rate panels say which colour is which
    legend = rates_figure.axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["real", "synthetic"]
