"""The simulated population: expected rates with known answers, Poisson trials, optimal stimuli, calibration."""

import dataclasses

import numpy as np
import pytest

from calciumgan.core.errors import RecordingError
from exciting_inputs.simulation import KINDS, Population, random_population

HEIGHT, WIDTH = 24, 32


def population(kinds=("simple", "complex"), noiseless=False, phase=0.4, orientation=0.5) -> Population:
    count = len(kinds)
    return Population(HEIGHT, WIDTH, kind=np.array([KINDS.index(kind) for kind in kinds]),
                      centre_x=np.full(count, 15.2), centre_y=np.full(count, 11.7), sigma=np.full(count, 3.0),
                      aspect=np.full(count, 0.8), orientation=np.full(count, orientation),
                      wavelength=np.full(count, 7.0), phase=np.full(count, phase), baseline=np.full(count, 0.5),
                      gain=np.full(count, 2.0), noiseless=np.full(count, noiseless))  # fmt: skip


def test_simple_cell_rectifies_its_filter_response():
    cells = population(("simple",))
    even = cells.filters()[0, 0]
    images = np.stack([0.5 + 0.3 * even, 0.5 - 0.3 * even, np.full((HEIGHT, WIDTH), 0.8)])
    # <even, m + c even> = c (unit norm, zero sum): rate = baseline + gain max(0, c)
    np.testing.assert_allclose(cells.true_response(images)[:, 0], [0.5 + 2.0 * 0.3, 0.5, 0.5], rtol=1e-12)


def test_complex_cell_is_the_energy_of_its_quadrature_pair():
    cells = population(("complex",))
    even, odd = cells.filters()[0]
    overlap = np.sum(even * odd)
    images = np.stack([0.5 + 0.3 * even, 0.5 - 0.3 * even])
    expected = 0.5 + 2.0 * 0.3**2 * (1 + overlap**2)
    np.testing.assert_allclose(cells.true_response(images)[:, 0], [expected, expected], rtol=1e-12)


def test_complex_cells_ignore_the_phase_of_a_grating_and_simple_cells_do_not():
    cells = population(("simple", "complex"))
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    carrier = 2 * np.pi * ((x - 15.2) * np.cos(0.5) + (y - 11.7) * np.sin(0.5)) / 7.0
    gratings = np.stack([0.5 + 0.2 * np.cos(carrier + shift) for shift in np.linspace(0, 2 * np.pi, 12)])
    rates = cells.true_response(gratings)
    simple, energy = rates[:, 0], rates[:, 1] - 0.5
    assert simple.min() == pytest.approx(0.5) and simple.max() > 1.5  # rectified: silent at the opposite phase
    assert energy.min() > 0.9 * energy.max()


@pytest.mark.parametrize("kind", KINDS)
def test_optimal_stimulus_has_the_requested_mean_and_contrast_and_beats_any_other(kind):
    cells = population((kind,))
    best = cells.optimal_stimulus(0, mean=0.45, std=0.2656)
    assert best.shape == (HEIGHT, WIDTH)
    assert best.mean() == pytest.approx(0.45, abs=1e-12) and best.std() == pytest.approx(0.2656, rel=1e-12)
    rng = np.random.default_rng(0)
    even, odd = cells.filters()[0]
    phases = np.linspace(0, 2 * np.pi, 73)[:, None, None]
    others = np.concatenate([rng.normal(size=(200, HEIGHT, WIDTH)), np.cos(phases) * even + np.sin(phases) * odd])
    others = 0.45 + 0.2656 * (others - others.mean(axis=(1, 2), keepdims=True)) / others.std(axis=(1, 2), keepdims=True)
    assert cells.true_response(best[None])[0, 0] >= cells.true_response(others)[:, 0].max() - 1e-9
    if kind == "simple":
        assert np.corrcoef(best.ravel(), even.ravel())[0, 1] == pytest.approx(1.0, abs=1e-12)


def test_poisson_trials_average_to_the_expected_rate_and_noiseless_trials_repeat_it():
    images = np.random.default_rng(1).uniform(size=(5, HEIGHT, WIDTH))
    noisy, quiet = population(("simple",)), population(("complex",), noiseless=True)
    trials = noisy.sample_responses(images, 4000, seed=3)
    assert trials.shape == (4000, 5, 1) and trials.dtype == np.float32
    np.testing.assert_array_equal(trials, np.round(trials))
    rates = noisy.true_response(images)[:, 0]
    assert np.all(np.abs(trials[:, :, 0].mean(axis=0) - rates) < 4 * np.sqrt(rates / 4000))
    np.testing.assert_array_equal(trials, noisy.sample_responses(images, 4000, seed=3))
    repeated = quiet.sample_responses(images, 3, seed=3)
    np.testing.assert_array_equal(repeated, np.broadcast_to(quiet.true_response(images).astype(np.float32), (3, 5, 1)))


def test_random_population_has_its_drawn_rates_kinds_and_centres():
    images = np.random.default_rng(2).uniform(0.2, 0.8, size=(50, 40, 60))
    cells = random_population(images, 30, complex_fraction=0.4, noiseless=5, centre_extent=0.5,
                              mean_count_range=(1.0, 3.0), baseline_fraction_range=(0.2, 0.5), seed=7)  # fmt: skip
    means = cells.true_response(images).mean(axis=0)
    assert np.all((means > 1.0 - 1e-9) & (means < 3.0 + 1e-9))
    assert np.all((cells.baseline / means > 0.2 - 1e-9) & (cells.baseline / means < 0.5 + 1e-9))
    assert cells.is_complex.sum() == 12 and cells.noiseless.tolist() == [True] * 5 + [False] * 25
    assert np.all(np.abs(cells.centre_x - 29.5) <= 0.25 * 59 + 1e-9)
    assert np.all(np.abs(cells.centre_y - 19.5) <= 0.25 * 39 + 1e-9)
    again = random_population(images, 30, complex_fraction=0.4, noiseless=5, centre_extent=0.5,
                              mean_count_range=(1.0, 3.0), baseline_fraction_range=(0.2, 0.5), seed=7)  # fmt: skip
    for name, values in cells.parameters().items():
        np.testing.assert_array_equal(values, getattr(again, name))


def test_bad_images_and_parameters_are_one_line_errors():
    cells = population()
    with pytest.raises(RecordingError, match=r"images of shape \(2, 24, 31\): expected \(images, 24, 32\)"):
        cells.true_response(np.zeros((2, 24, 31)))
    with pytest.raises(RecordingError, match="'sigma' has shape"):
        dataclasses.replace(cells, sigma=np.ones(3))
    with pytest.raises(RecordingError, match="'wavelength' must be at least 2.0, got 1.0"):
        dataclasses.replace(cells, wavelength=np.ones(2))
    with pytest.raises(RecordingError, match="'gain' has a value that is not finite"):
        dataclasses.replace(cells, gain=np.array([1.0, np.nan]))
    with pytest.raises(RecordingError, match=r"'kind' must index \('simple', 'complex'\), got \[0, 2\]"):
        dataclasses.replace(cells, kind=np.array([0, 2]))
