"""The MEI's per-step operations: the smoothing filter's closed form, the blur schedule, SciPy's blur."""

import numpy as np
import pytest
from keras import ops
from scipy import ndimage

from exciting_inputs.optimisation.filters import blur_schedule, fourier_filter, gaussian_blur, rescale, smooth_gradient

pytestmark = pytest.mark.backend


def test_smoothing_a_flat_spectrum_gives_the_closed_form_filter():
    height, width = 6, 10
    delta = np.zeros((1, height, width, 1), np.float32)
    delta[0, 0, 0, 0] = 1.0  # a flat spectrum
    gain = fourier_filter(height, width)
    smoothed = ops.convert_to_numpy(smooth_gradient(ops.convert_to_tensor(delta), gain.astype(np.float32)))
    rows, columns = np.meshgrid(np.fft.fftfreq(height), np.fft.fftfreq(width), indexing="ij")
    expected = 1 / (np.hypot(rows, columns) + 1e-8) ** 0.25
    expected /= expected[:, : width // 2 + 1].mean()
    np.testing.assert_allclose(gain, expected)
    np.testing.assert_allclose(np.fft.fft2(smoothed[0, :, :, 0]).real, expected, rtol=1e-4, atol=1e-4)
    assert gain[0, 0] == pytest.approx(100 / (1 / (np.hypot(rows, columns)[:, : width // 2 + 1] + 1e-8) ** 0.25).mean())


def test_blur_schedule_reproduces_the_seeds_computed_values():
    sigmas = blur_schedule(1000, 7.0, 0.001)
    assert sigmas[[10, 50, 100]] == pytest.approx([6.62, 1.91, 0.039], abs=0.005)
    assert sigmas[0] == 7.0 and np.all(np.abs(sigmas[150:] - 0.001) < 1e-4)


@pytest.mark.parametrize("sigma", [0.7, 2.5])
def test_blur_matches_scipy_reflect_gaussian_filter(sigma):
    image = np.random.default_rng(0).random((12, 17)).astype(np.float32)
    radii = (5, 7)
    blurred = ops.convert_to_numpy(gaussian_blur(ops.convert_to_tensor(image[None, :, :, None]), sigma, radii))
    expected = ndimage.gaussian_filter(image.astype(np.float64), sigma, mode="reflect", radius=radii)
    np.testing.assert_allclose(blurred[0, :, :, 0], expected, atol=1e-5)


def test_rescale_maps_to_the_unit_interval():
    image = np.array([[-2.0, 0.0], [1.0, 2.0]], np.float32)[None, :, :, None]
    np.testing.assert_allclose(ops.convert_to_numpy(rescale(image))[0, :, :, 0], [[0, 0.5], [0.75, 1]])
