"""Gabor filters: zero sum, unit norm, quadrature, orientation and frequency as parameterised."""

import numpy as np
import pytest

from exciting_inputs.simulation import gabor_filters


def test_filters_sum_to_zero_with_unit_norm_and_the_requested_shape():
    filters = gabor_filters(20, 30, [10, 5.5], [9, 12], [3, 2], [0.3, 2.0], [8, 6], [0.0, 1.0], [1.0, 0.5])
    assert filters.shape == (2, 2, 20, 30)
    np.testing.assert_allclose(filters.sum(axis=(2, 3)), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(filters, axis=(2, 3)), 1.0, rtol=1e-12)


def test_odd_filter_is_the_even_filter_a_quarter_cycle_later():
    even = gabor_filters(24, 24, 11.3, 12.1, 3.0, 0.7, 7.0, 0.4)[0, 0]
    odd = gabor_filters(24, 24, 11.3, 12.1, 3.0, 0.7, 7.0, 0.4 + np.pi / 2)[0, 1]  # sin(c + pi / 2) = cos(c)
    np.testing.assert_allclose(odd, even, atol=1e-12)


def test_orientation_turns_the_filter_a_quarter_turn_into_its_transpose():
    upright = gabor_filters(25, 25, 12, 12, 3.0, 0.0, 6.0, 0.3, 0.6)[0, 0]
    turned = gabor_filters(25, 25, 12, 12, 3.0, np.pi / 2, 6.0, 0.3, 0.6)[0, 0]
    np.testing.assert_allclose(turned, upright.T, atol=1e-12)
    np.testing.assert_allclose(upright, upright[::-1], atol=1e-12)  # stripes along the height at theta 0


@pytest.mark.parametrize("orientation", [0.0, np.pi / 4, 2.0])
def test_spectrum_peaks_at_the_carrier_frequency(orientation):
    size, wavelength = 64, 8.0
    even = gabor_filters(size, size, 32, 32, 8.0, orientation, wavelength, 0.0)[0, 0]
    power = np.abs(np.fft.fft2(even)) ** 2
    row, column = np.unravel_index(np.argmax(power), power.shape)
    frequency = np.fft.fftfreq(size)[[column, row]]  # (along the width, along the height), cycles per pixel
    expected = np.array([np.cos(orientation), np.sin(orientation)]) / wavelength
    assert min(np.linalg.norm(frequency - expected), np.linalg.norm(frequency + expected)) <= 1.5 / size
