"""The MEI's comparison with Gabor patches and, for a simulation, its comparison with the truth.

- ``gabor_statistics``: in a circular mask of radius r (pixels) the **luminance** (masked sum / (pi r^2))
  and **masked contrast** (std of the pixels inside), the unmasked std, and the symmetry indices.
- ``symmetry_indices``: SI_n = |sum_theta P_theta exp(i 2 n theta)| / sum_theta P_theta, with P_theta
  the mean power of the image's spectrum (mean removed; DC and frequencies beyond 0.5 cycles per pixel
  excluded) over the frequencies whose
  axial orientation (modulo pi) falls in each of ``bins`` bins of pi / bins, theta the bin centre.
  A pure grating gives 1, an isotropic pattern about 0.
- ``receptive_field_centre``: where the image's local contrast is highest: the argmax of its local
  variance, blur(x^2) - blur(x)^2 with a Gaussian of ``width`` pixels (rather than a mask placed by eye;
  a flat dark or bright region, which MEIs also have, has none).
- ``truth_correlation``: Pearson's r of the MEI with the true optimal stimulus, for a complex cell
  the best over phase: the r with the best combination of its quadrature pair (the MEI's projection
  on the pair's span), which is the r with the best-phase optimal stimulus. Over the whole image or
  inside a mask (the stage also reports r in the mask at the true centre: an MEI's background, which
  the neuron ignores, is free to carry slow luminance ramps).
"""

import numpy as np
from scipy import ndimage

SYMMETRY_BINS = 16  # bins of pi / 16


def circular_mask(shape: tuple, centre: tuple, radius: float) -> np.ndarray:
    """(height, width) bool: pixels within ``radius`` of ``centre`` (row, column)."""
    rows, columns = np.ogrid[: shape[0], : shape[1]]
    return (rows - centre[0]) ** 2 + (columns - centre[1]) ** 2 <= radius**2


def receptive_field_centre(image, width: float) -> tuple:
    """(row, column) of the image's highest local variance at scale ``width`` (see the module docstring)."""
    image = np.asarray(image, np.float64)
    local_mean = ndimage.gaussian_filter(image, width, mode="reflect")
    variance = ndimage.gaussian_filter(image**2, width, mode="reflect") - local_mean**2
    return tuple(int(index) for index in np.unravel_index(np.argmax(variance), image.shape))


def symmetry_indices(image, orders=(1, 2), bins: int = SYMMETRY_BINS) -> list:
    """[SI_n for n in ``orders``] of a (height, width) image (see the module docstring)."""
    image = np.asarray(image, np.float64)
    power = np.abs(np.fft.fft2(image - image.mean())) ** 2
    rows, columns = np.meshgrid(np.fft.fftfreq(image.shape[0]), np.fft.fftfreq(image.shape[1]), indexing="ij")
    angle = np.mod(np.arctan2(rows, columns), np.pi)
    index = np.minimum((angle / (np.pi / bins)).astype(int), bins - 1)
    radius = np.hypot(rows, columns)
    away = (radius > 0) & (radius <= 0.5)  # the Nyquist disc: the square grid's corners would favour diagonals
    counts = np.bincount(index[away], minlength=bins)
    mean_power = np.bincount(index[away], power[away], minlength=bins) / np.maximum(counts, 1)
    centres = (np.arange(bins) + 0.5) * np.pi / bins
    total = mean_power.sum()
    return [float(np.abs(np.sum(mean_power * np.exp(2j * order * centres))) / total) if total > 0 else float("nan")
            for order in orders]  # fmt: skip


def gabor_statistics(image, centre: tuple, radius: float) -> dict:
    """Luminance, masked contrast, std, SI1 and SI2 of a (height, width) image, mask at (row, column) ``centre``."""
    image = np.asarray(image, np.float64)
    inside = image[circular_mask(image.shape, centre, radius)]
    si1, si2 = symmetry_indices(image)
    return {"centre": [int(centre[0]), int(centre[1])], "luminance": float(inside.sum() / (np.pi * radius**2)),
            "masked_contrast": float(inside.std()), "std": float(image.std()), "si1": si1, "si2": si2}  # fmt: skip


def truth_correlation(image, population, neuron: int, mask=None) -> float:
    """Pearson's r of a (height, width) MEI with ``neuron``'s true optimal stimulus (best phase if complex),
    over the pixels of the (height, width) bool ``mask`` if given (default: every pixel)."""
    mask = np.ones(np.shape(image), bool) if mask is None else np.asarray(mask, bool)
    vector = np.asarray(image, np.float64)[mask]
    vector = vector - vector.mean()
    pair = population.filters()[neuron][:, mask]
    pair = pair - pair.mean(axis=1, keepdims=True)
    if not population.is_complex[neuron]:
        pair = pair[:1]
    projection = pair @ vector
    norm = np.linalg.norm(vector)
    if norm == 0:
        return float("nan")
    if len(pair) == 1:
        return float(projection[0] / (np.linalg.norm(pair[0]) * norm))
    return float(np.sqrt(projection @ np.linalg.solve(pair @ pair.T, projection)) / norm)
