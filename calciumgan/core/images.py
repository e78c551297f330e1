"""Generated greyscale natural-like images, and interpretable descriptors of any greyscale images.

``generate_images`` stands in for the Allen natural scenes (118 images, 918 x 1174) when no real
images are at hand. Each image sums, with random weights:

- 1/f^alpha noise: amplitude spectrum ``(f^2 + f0^2)^(-alpha/2)`` with alpha in [0.8, 1.5] (natural
  images have alpha near 1) and f0 one cycle per image, made anisotropic by a factor
  ``1 + a cos(2 (phi - theta))``, a in [0, 0.7], theta any orientation;
- a sinusoidal grating (2-40 cycles per image height, any orientation) under a Gaussian window;
- two soft-edged rectangles of random luminance, position and size; one reaching past the image's
  border is a luminance edge;

and is then set to a random mean luminance in [0.3, 0.7] and RMS contrast in [0.06, 0.25] and
clipped to [0, 1]. Geometry is in units of the image height, so an image looks alike at any size.
The grating and the rectangles are separable, so they cost one batched matrix product.
"""

import numpy as np
import scipy.fft

FEATURE_NAMES = ("mean_luminance", "rms_contrast", "orientation_cos", "orientation_sin", "high_frequency_fraction")
HIGH_FREQUENCY_CUTOFF = 0.125  # cycles per pixel: a quarter of the Nyquist frequency
CHUNK = 8  # images per FFT batch, to bound memory at full size


def generate_images(count: int, height: int, width: int, seed: int = 0) -> np.ndarray:
    """(count, height, width) float32 greyscale images in [0, 1]; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    images = np.empty((count, height, width), np.float32)
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        images[start : start + size] = _natural_like(rng, size, height, width)
    return images


def image_features(images) -> np.ndarray:
    """(count, 5) float64 descriptors of (count, height, width) images, columns as in ``FEATURE_NAMES``.

    - mean luminance, and RMS contrast (the standard deviation of the pixel values);
    - orientation: the power-weighted mean of (cos 2phi, sin 2phi) over the mean-free image's spectrum,
      phi the angle of the frequency vector from the width axis: +1 for vertical stripes (luminance
      varying along the width), -1 for horizontal stripes, 0 for isotropic images;
    - the fraction of the mean-free image's power above ``HIGH_FREQUENCY_CUTOFF`` cycles per pixel.

    Spectra are taken with the mean-free image zero-padded to the next fast FFT size.
    """
    images = np.asarray(images)
    count = len(images)
    shape = tuple(scipy.fft.next_fast_len(size, real=True) for size in images.shape[1:])
    weights = _spectral_weights(*shape)
    features = np.empty((count, len(FEATURE_NAMES)))
    for start in range(0, count, CHUNK):
        chunk = images[start : start + CHUNK].astype(np.float32)
        mean = chunk.mean(axis=(1, 2), dtype=np.float64)
        spectrum = scipy.fft.rfft2(chunk - mean[:, None, None].astype(np.float32), s=shape, workers=-1)
        power = (spectrum.real**2 + spectrum.imag**2).reshape(len(chunk), -1)
        sums = (power @ weights.T).astype(np.float64)
        total = np.where(sums[:, 3] > 0, sums[:, 3], 1.0)
        contrast = chunk.std(axis=(1, 2), dtype=np.float64)
        features[start : start + len(chunk)] = np.column_stack([mean, contrast, *(sums[:, :3] / total[:, None]).T])
    return features


def _spectral_weights(height: int, width: int) -> np.ndarray:
    """(4, height * (width // 2 + 1)) float32 weights over an rfft2 grid: cos 2phi, sin 2phi, high, all.

    rfft2 keeps one of each pair of conjugate columns, so the others count twice.
    """
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    radius_squared = fx**2 + fy**2
    safe = np.where(radius_squared > 0, radius_squared, 1.0)
    multiplicity = np.where((fx == 0) | ((width % 2 == 0) & (fx == 0.5)), 1.0, 2.0) + 0 * fy
    weights = np.stack(
        [(fx**2 - fy**2) / safe, 2 * fx * fy / safe, radius_squared >= HIGH_FREQUENCY_CUTOFF**2, np.ones_like(safe)]
    )
    return (weights * multiplicity).reshape(4, -1).astype(np.float32)


def _natural_like(rng: np.random.Generator, count: int, height: int, width: int) -> np.ndarray:
    """(count, height, width) float32 images (see the module docstring)."""

    def per_image(low, high, shape=(count, 1)):
        return rng.uniform(low, high, shape).astype(np.float32)

    y = (np.arange(height, dtype=np.float32) - height / 2) / height  # image heights from the centre
    x = (np.arange(width, dtype=np.float32) - width / 2) / height
    # grating * Gaussian window = sin(u + v) g(x) g(y) = [sin u g(x)][cos v g(y)] + [cos u g(x)][sin v g(y)]
    angle, cycles, spread = per_image(0, np.pi), per_image(2, 40), per_image(0.1, 0.35)
    phase_x = 2 * np.pi * cycles * np.cos(angle) * x + per_image(0, 2 * np.pi)
    phase_y = 2 * np.pi * cycles * np.sin(angle) * y
    window_x = np.exp(-((x - per_image(-0.4, 0.4)) ** 2) / (2 * spread**2))
    window_y = np.exp(-((y - per_image(-0.3, 0.3)) ** 2) / (2 * spread**2)) * per_image(0, 1.2)
    rows = [np.cos(phase_y) * window_y, np.sin(phase_y) * window_y]
    columns = [np.sin(phase_x) * window_x, np.cos(phase_x) * window_x]
    for _ in range(2):  # rectangles: soft box along the height times soft box along the width
        rows.append(_soft_box(y, per_image(-0.8, 0.3), per_image(0.1, 1.0), per_image(0.002, 0.03)) * per_image(-1, 1))
        columns.append(_soft_box(x, per_image(-1.0, 0.4), per_image(0.1, 1.2), per_image(0.002, 0.03)))
    structure = np.stack(rows, axis=2) @ np.stack(columns, axis=1)  # (count, height, width)
    image = _standardised(_oriented_noise(rng, count, height, width)) * per_image(0.4, 1.0, (count, 1, 1)) + structure
    image = _standardised(image)
    return np.clip(per_image(0.3, 0.7, (count, 1, 1)) + per_image(0.06, 0.25, (count, 1, 1)) * image, 0, 1)


def _soft_box(position: np.ndarray, start, length, softness) -> np.ndarray:
    """(count, n): about 1 on [start, start + length] of ``position`` (n,), 0 outside, logistic edges."""
    rise = 0.5 + 0.5 * np.tanh((position - start) / (2 * softness))
    fall = 0.5 + 0.5 * np.tanh((start + length - position) / (2 * softness))
    return rise * fall


def _oriented_noise(rng: np.random.Generator, count: int, height: int, width: int) -> np.ndarray:
    """(count, height, width) float32 noise with an anisotropic 1/f^alpha amplitude spectrum.

    Made on a fast FFT grid at least as large, from a random complex spectrum, and cropped.
    """
    fast_height, fast_width = (scipy.fft.next_fast_len(size, real=True) for size in (height, width))
    fy = np.fft.fftfreq(fast_height).astype(np.float32)[:, None]
    fx = np.fft.rfftfreq(fast_width).astype(np.float32)[None, :]
    floor = 1.0 / max(height, width)  # f0: one cycle per image
    log_radius = np.log(fx**2 + fy**2 + floor**2) / 2
    angle = np.arctan2(fy, fx)
    cos_angle, sin_angle = np.cos(2 * angle), np.sin(2 * angle)
    alpha, anisotropy, orientation = (
        rng.uniform(low, high, (count, 1, 1)).astype(np.float32) for low, high in ((0.8, 1.5), (0, 0.7), (0, np.pi))
    )
    # 1 + a cos(2 (phi - theta)), expanded so that the per-pixel angle terms are computed once
    directional = 1 + anisotropy * (cos_angle * np.cos(2 * orientation) + sin_angle * np.sin(2 * orientation))
    amplitude = np.exp(-alpha * log_radius) * directional
    white = rng.standard_normal((count, *log_radius.shape, 2), dtype=np.float32).view(np.complex64)[..., 0]
    noise = scipy.fft.irfft2(white * amplitude, s=(fast_height, fast_width), workers=-1)
    return noise[:, :height, :width]


def _standardised(images: np.ndarray) -> np.ndarray:
    """Each image shifted and scaled to mean 0 and standard deviation 1 (flat images stay 0)."""
    images = images - images.mean(axis=(1, 2), keepdims=True)
    std = images.std(axis=(1, 2), keepdims=True)
    return images / np.where(std > 0, std, 1)
