"""Gabor receptive fields on a pixel grid: the even and odd (quadrature) filters of each neuron.

A Gabor is a Gaussian envelope times a sinusoidal carrier. With the pixel grid's row y and
column x (pixels), a neuron's centre (cx, cy), envelope width ``sigma`` and aspect ``aspect``
(pixels; 1 is round), orientation theta (radians; 0: the carrier varies along the width, so its
stripes are vertical), wavelength lambda (pixels per cycle) and phase phi (radians):

    u = (x - cx) cos theta + (y - cy) sin theta,   v = -(x - cx) sin theta + (y - cy) cos theta
    E = exp(-(u^2 + aspect^2 v^2) / (2 sigma^2))
    even = E cos(2 pi u / lambda + phi),           odd = E sin(2 pi u / lambda + phi)

Each filter then has its mean luminance response removed by subtracting the envelope scaled to
the same sum (``f - (sum f / sum E) E``: the filter stays local and sums to 0, so a neuron ignores
uniform luminance changes), and is scaled to unit L2 norm. A neuron's drive is the dot product of
a filter with the image (pixel values in [0, 1]).
"""

import numpy as np


def gabor_filters(height: int, width: int, centre_x, centre_y, sigma, orientation, wavelength, phase,
                  aspect=1.0) -> np.ndarray:  # fmt: skip
    """(neurons, 2, height, width) float64 even and odd filters, each summing to 0 with unit L2 norm.

    Every parameter is a scalar or a (neurons,) array, in pixels and radians (see the module docstring).
    """
    centre_x, centre_y, sigma, orientation, wavelength, phase, aspect = (
        np.asarray(value, np.float64).reshape(-1, 1, 1)
        for value in (centre_x, centre_y, sigma, orientation, wavelength, phase, aspect)
    )
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u = (x - centre_x) * np.cos(orientation) + (y - centre_y) * np.sin(orientation)
    v = -(x - centre_x) * np.sin(orientation) + (y - centre_y) * np.cos(orientation)
    envelope = np.exp(-(u**2 + (aspect * v) ** 2) / (2 * sigma**2))
    carrier = 2 * np.pi * u / wavelength + phase
    filters = np.stack([envelope * np.cos(carrier), envelope * np.sin(carrier)], axis=1)
    envelope = envelope[:, None]
    filters -= filters.sum(axis=(2, 3), keepdims=True) / envelope.sum(axis=(2, 3), keepdims=True) * envelope
    return filters / np.linalg.norm(filters, axis=(2, 3), keepdims=True)
