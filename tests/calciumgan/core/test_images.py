"""Generated natural-like images and their descriptors."""

import numpy as np
import pytest
import scipy.fft

from calciumgan.core.images import FEATURE_NAMES, HIGH_FREQUENCY_CUTOFF, generate_images, image_features


def test_generated_images_have_the_shape_range_and_are_seeded():
    images = generate_images(5, 30, 40, seed=2)
    assert images.shape == (5, 30, 40) and images.dtype == np.float32
    assert images.min() >= 0 and images.max() <= 1
    np.testing.assert_array_equal(images, generate_images(5, 30, 40, seed=2))
    assert not np.array_equal(images, generate_images(5, 30, 40, seed=3))


def test_generated_images_differ_in_every_descriptor():
    features = image_features(generate_images(24, 48, 64, seed=0))
    spread = dict(zip(FEATURE_NAMES, features.std(axis=0)))
    assert spread["mean_luminance"] > 0.05 and spread["rms_contrast"] > 0.02
    assert spread["orientation_cos"] > 0.1 and spread["orientation_sin"] > 0.1
    assert spread["high_frequency_fraction"] > 0.03


def grating(height, width, cycles_x, cycles_y, contrast=0.2):
    y, x = np.mgrid[:height, :width]
    return 0.5 + contrast * np.sin(2 * np.pi * (cycles_x * x / width + cycles_y * y / height))


def test_features_of_gratings_are_known():
    height, width = 64, 80  # already fast FFT sizes: no zero padding
    vertical = grating(height, width, cycles_x=4, cycles_y=0)  # luminance varies along the width
    horizontal = grating(height, width, cycles_x=0, cycles_y=24)  # 0.375 cycles/pixel: above the cutoff
    diagonal = grating(height, width, cycles_x=5, cycles_y=4)  # 1/16 cycles/pixel along both axes: 45 degrees
    features = image_features(np.stack([vertical, horizontal, diagonal]))
    np.testing.assert_allclose(features[:, 0], 0.5, atol=1e-6)  # mean luminance
    np.testing.assert_allclose(features[:, 1], 0.2 / np.sqrt(2), rtol=1e-3)  # RMS contrast of a sinusoid
    np.testing.assert_allclose(features[:, 2], [1, -1, 0], atol=1e-5)  # cos 2phi
    np.testing.assert_allclose(features[:, 3], [0, 0, 1], atol=1e-5)  # sin 2phi
    np.testing.assert_allclose(features[:, 4], [0, 1, 0], atol=1e-6)  # high-frequency fraction


def test_high_frequency_fraction_of_white_noise_is_the_area_outside_the_cutoff_disc():
    noise = np.random.default_rng(0).uniform(0, 1, (4, 128, 128))
    fraction = image_features(noise)[:, 4]
    np.testing.assert_allclose(fraction, 1 - np.pi * HIGH_FREQUENCY_CUTOFF**2, atol=0.01)


def test_features_agree_with_a_full_two_dimensional_fft():
    images = generate_images(3, 45, 51, seed=1)  # odd sizes: padded to 45 x 54
    features = image_features(images)
    shape = tuple(scipy.fft.next_fast_len(size, real=True) for size in images.shape[1:])
    for image, row in zip(images.astype(np.float64), features):
        power = np.abs(np.fft.fft2(image - image.mean(), s=shape)) ** 2
        fy, fx = np.meshgrid(np.fft.fftfreq(shape[0]), np.fft.fftfreq(shape[1]), indexing="ij")
        phi = np.arctan2(fy, fx)
        total = power.sum()
        expected = [
            image.mean(),
            image.std(),
            (power * np.cos(2 * phi)).sum() / total,
            (power * np.sin(2 * phi)).sum() / total,
            power[np.hypot(fx, fy) >= HIGH_FREQUENCY_CUTOFF].sum() / total,
        ]
        np.testing.assert_allclose(row, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("count", [1, 9])  # fewer and more images than one FFT batch
def test_features_do_not_depend_on_the_batching(count):
    images = generate_images(count, 20, 24, seed=5)
    one_by_one = np.concatenate([image_features(image[None]) for image in images])
    np.testing.assert_allclose(image_features(images), one_by_one, rtol=1e-5, atol=1e-7)
