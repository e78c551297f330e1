"""Figures: each writes one PNG of the stated pixel size, with the panels (and colours) it should have."""

import matplotlib.image
import numpy as np
import pytest
from matplotlib.figure import Figure

from lfp.evaluation.plots import (
    DPI,
    PANEL_INCHES,
    plot_channel_correlations,
    plot_channel_means,
    plot_image_examples,
    plot_spectra,
)

RATE = 1250.0
PANEL_PIXELS = (PANEL_INCHES[1] * DPI, PANEL_INCHES[0] * DPI)  # height, width


@pytest.fixture
def saved_titles(monkeypatch):
    """The axes titles of every figure saved during the test, one list per figure."""
    titles = []
    original = Figure.savefig

    def recording(figure, *args, **kwargs):
        titles.append([axis.get_title() for axis in figure.axes])
        return original(figure, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", recording)
    return titles


def _sets(windows=6, time=64, channels=5):
    rng = np.random.default_rng(0)
    return {"real": rng.normal(size=(windows, time, channels)), "generated": rng.normal(size=(windows, time, channels))}


def _pixels(path):
    """The PNG's (height, width, RGBA) array; asserts it was written where the function said."""
    assert path.is_file() and path.stat().st_size > 0
    return matplotlib.image.imread(path)


@pytest.mark.parametrize("plot", [plot_channel_means, plot_spectra])
def test_per_channel_summaries_draw_one_panel_per_set(plot, tmp_path, saved_titles):
    path = plot(_sets(), RATE, tmp_path / "figure.png")
    assert path == tmp_path / "figure.png"
    assert _pixels(path).shape == (PANEL_PIXELS[0], 2 * PANEL_PIXELS[1], 4)
    assert saved_titles == [["real", "generated"]]
    assert [file.name for file in tmp_path.iterdir()] == ["figure.png"]  # no temporary file left behind


def test_correlation_matrices_share_one_colour_scale(tmp_path, saved_titles):
    base = np.random.default_rng(1).normal(size=(4, 64, 1))
    together = np.repeat(base, 4, axis=2)  # every correlation +1: red
    alternating = together * np.array([1.0, -1.0, 1.0, -1.0])  # half the entries -1: blue
    path = plot_channel_correlations({"together": together, "alternating": alternating}, tmp_path / "c.png")
    pixels = _pixels(path)
    assert pixels.shape == (PANEL_PIXELS[0], 2 * PANEL_PIXELS[1], 4)
    assert saved_titles == [["together", "alternating", ""]]  # two matrices and the colour bar
    blue = (pixels[..., 2] > pixels[..., 0] + 0.2) & (pixels[..., 2] > 0.3)
    red = (pixels[..., 0] > pixels[..., 2] + 0.2) & (pixels[..., 0] > 0.3)
    first_panel = slice(0, int(0.4 * pixels.shape[1]))
    assert red[:, first_panel].sum() > 1000 and blue[:, first_panel].sum() == 0
    assert blue[:, first_panel.stop :].sum() > 1000


def test_image_examples_show_the_stimulus_and_a_row_of_windows_per_set(tmp_path, saved_titles):
    image = np.linspace(0.0, 1.0, 12 * 16).reshape(12, 16)
    sets = {"real": _sets()["real"], "generated": _sets(windows=2)["generated"]}
    path = plot_image_examples(image, sets, RATE, tmp_path / "examples.png", num_examples=3)
    assert _pixels(path).shape == (2 * PANEL_PIXELS[0], 4 * PANEL_PIXELS[1], 4)
    assert sorted(saved_titles[0]) == sorted(
        ["stimulus", "real #1", "real #2", "real #3", "generated #1", "generated #2"]
    )


def test_an_empty_collection_of_sets_is_refused(tmp_path):
    with pytest.raises(ValueError, match="sets is empty"):
        plot_spectra({}, RATE, tmp_path / "empty.png")
