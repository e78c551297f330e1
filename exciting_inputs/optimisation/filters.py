"""The MEI's per-step image operations (Walker et al. 2019): gradient smoothing, annealed blur, rescaling.

Images here are (1, height, width, 1) tensors (``keras.ops``, either backend); the filter and
the schedule are NumPy.

- **Fourier smoothing** multiplies the gradient's spectrum by ``t = 1 / (radius + 1e-8)^(1/4)``
  divided by its mean over the ``rfft2`` half-plane. The radius is the proper frequency radius in
  cycles per pixel, ``hypot(fftfreq(height), fftfreq(width))``, not the unwrapped indices (rows
  0 .. height - 1), so the filter is symmetric and the smoothed gradient real. The DC gain stays
  finite (``1e-8 ** -0.25 = 100`` before normalising); it only shifts the image's mean, which the
  min-max rescaling removes.
- **Gaussian blur** of the image, separable, with symmetric padding (SciPy's ``reflect``) and a
  fixed radius ``ceil(4 sigma_start)`` (capped at the image size - 1), so one compiled step serves
  every width of the schedule.
- **Blur schedule**: sigma_i = sigma_{i-1} + (sigma_end - sigma_{i-1}) i / steps for steps
  i = 0 .. steps - 1 from sigma_start (the blur of step i uses sigma_i): 7 -> 6.62 at step 10,
  1.91 at 50, 0.039 at 100 and ~0.001 from 150 of 1000.
"""

import math

import keras
import numpy as np
from keras import ops

SMOOTHING_EXPONENT = 0.25
RADIUS_OFFSET = 1e-8


def fourier_filter(height: int, width: int) -> np.ndarray:
    """(height, width) float64 gain per ``fft2`` frequency: 1 / (radius + 1e-8)^(1/4), mean 1 over the rfft half."""
    radius = np.hypot(*np.meshgrid(np.fft.fftfreq(height), np.fft.fftfreq(width), indexing="ij"))
    gain = 1.0 / (radius + RADIUS_OFFSET) ** SMOOTHING_EXPONENT
    return gain / gain[:, : width // 2 + 1].mean()


def smooth_gradient(gradient, gain):
    """(1, height, width, 1) gradient with its spectrum multiplied by the (height, width) ``gain``."""
    plane = gradient[0, :, :, 0]
    real, imaginary = ops.fft2((plane, ops.zeros_like(plane)))
    smoothed, _ = ops.ifft2((real * gain, imaginary * gain))
    return smoothed[None, :, :, None]


def blur_radii(height: int, width: int, sigma_start: float) -> tuple:
    """(rows, columns) half-widths of the blur kernels: ceil(4 sigma_start), at most the size - 1."""
    radius = max(1, math.ceil(4 * sigma_start))
    return min(radius, height - 1), min(radius, width - 1)


def gaussian_blur(image, sigma, radii: tuple):
    """(1, height, width, 1) image blurred by a Gaussian of width ``sigma`` (pixels; a scalar tensor)."""
    for axis, radius in enumerate(radii):
        offsets = ops.arange(-radius, radius + 1, dtype="float32")
        weights = ops.exp(-0.5 * ops.square(offsets / sigma))
        weights = weights / ops.sum(weights)
        shape = [1, 1, 1, 1]
        shape[axis] = 2 * radius + 1
        padding = [[0, 0], [0, 0], [0, 0], [0, 0]]
        padding[axis + 1] = [radius, radius]
        image = ops.conv(ops.pad(image, padding, mode="symmetric"), ops.reshape(weights, shape), padding="valid")
    return image


def rescale(image):
    """``image`` min-max rescaled to [0, 1] (a flat image becomes 0)."""
    low = ops.min(image)
    return (image - low) / ops.maximum(ops.max(image) - low, keras.config.epsilon())


def blur_schedule(steps: int, sigma_start: float = 7.0, sigma_end: float = 0.001) -> np.ndarray:
    """(steps,) float64 blur widths (pixels) of steps 0 .. steps - 1 (see the module docstring)."""
    sigmas = np.empty(steps)
    sigma = sigma_start
    for step in range(steps):
        sigma += (sigma_end - sigma) * step / steps
        sigmas[step] = sigma
    return sigmas
