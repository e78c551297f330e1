"""The Gabor comparison: mask statistics in closed form, symmetry indices, correlation with the truth."""

import numpy as np
import pytest

from exciting_inputs.optimisation.comparison import (
    circular_mask,
    gabor_statistics,
    receptive_field_centre,
    symmetry_indices,
    truth_correlation,
)
from exciting_inputs.simulation import Population


def test_luminance_and_contrast_in_a_mask_are_the_closed_forms():
    image = np.zeros((30, 40))
    image[:, ::2] = 1.0  # stripes: half the pixels 1
    centre, radius = (15, 20), 6
    inside = circular_mask(image.shape, centre, radius)
    ones = int(inside[:, ::2].sum())
    stats = gabor_statistics(image, centre, radius)
    assert stats["luminance"] == pytest.approx(ones / (np.pi * radius**2))
    share = ones / inside.sum()
    assert stats["masked_contrast"] == pytest.approx(np.sqrt(share * (1 - share)))
    assert stats["std"] == pytest.approx(0.5)


def test_symmetry_indices_of_a_grating_are_one_and_of_an_isotropic_blob_near_zero():
    rows, columns = np.mgrid[0:48, 0:48]
    grating = np.cos(2 * np.pi * (3 * rows + 5 * columns) / 48)
    assert symmetry_indices(grating) == pytest.approx([1.0, 1.0], abs=1e-9)
    blob = np.exp(-((rows - 23.5) ** 2 + (columns - 23.5) ** 2) / (2 * 1.5**2))
    assert max(symmetry_indices(blob)) < 0.05


def _population(kind: int) -> Population:
    values = dict(centre_x=20.0, centre_y=12.0, sigma=4.0, aspect=1.0, orientation=0.6, wavelength=11.0, phase=0.4,
                  baseline=0.1, gain=1.0, noiseless=False)  # fmt: skip
    return Population(24, 40, kind=np.array([kind]), **{key: np.array([value]) for key, value in values.items()})


def test_truth_correlation_is_one_for_the_optimal_stimulus_and_any_phase_of_a_complex_cell():
    simple, complex_cell = _population(0), _population(1)
    assert truth_correlation(simple.optimal_stimulus(0, 0.5, 0.1), simple, 0) == pytest.approx(1.0)
    assert truth_correlation(1 - simple.optimal_stimulus(0, 0.5, 0.1), simple, 0) == pytest.approx(-1.0)
    even, odd = complex_cell.filters()[0]
    shifted = 0.5 + np.cos(1.1) * even + np.sin(1.1) * odd  # another phase of the quadrature pair
    assert truth_correlation(shifted, complex_cell, 0) == pytest.approx(1.0)
    assert truth_correlation(0.5 + even, simple, 0) == pytest.approx(1.0)
    assert abs(truth_correlation(0.5 + odd, simple, 0)) < 0.2


def test_receptive_field_centre_is_the_gabor_and_not_a_flat_bright_region():
    population = _population(0)
    image = 0.45 + 3 * population.filters()[0, 0]
    image[:, :8] = 1.0  # a flat bright band departs most from the mean (its blurred square peaks at (17, 0))
    assert receptive_field_centre(image, 2.0) == pytest.approx((12, 20), abs=1)


def test_truth_correlation_in_a_mask_ignores_the_background():
    simple = _population(0)
    stimulus = simple.optimal_stimulus(0, 0.5, 0.1)
    ramp = np.linspace(0, 3, stimulus.shape[1])[None, :] * np.ones((stimulus.shape[0], 1))
    inside = circular_mask(stimulus.shape, (12, 20), 8)
    assert truth_correlation(stimulus + ramp, simple, 0) < 0.5
    assert truth_correlation(stimulus + ramp * ~inside, simple, 0, inside) == pytest.approx(1.0)
