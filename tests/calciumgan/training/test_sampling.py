"""Seeded noise for sampling, plain and truncated (BigGAN's truncation trick)."""

import keras
import numpy as np
import pytest
from scipy import stats

from calciumgan.training.sampling import sample_batches, seeded_noise

pytestmark = pytest.mark.backend

NOISE_DIM = 4


def _identity_generator() -> keras.Model:
    """G(z) = z, so the samples are the noise itself."""
    noise = keras.Input((NOISE_DIM,))
    return keras.Model(noise, keras.layers.Identity()(noise))


def _samples(count, seed, batch_size, truncation=None):
    return np.concatenate(list(sample_batches(_identity_generator(), count, seed, batch_size, truncation)))


def test_without_truncation_the_noise_is_the_seeds_standard_normal_stream():
    expected = np.random.default_rng(7).standard_normal((10, NOISE_DIM)).astype(np.float32)
    for batch_size in (3, 64):
        np.testing.assert_array_equal(_samples(10, seed=7, batch_size=batch_size), expected)


def test_truncation_redraws_only_the_components_beyond_the_threshold():
    threshold = 0.8
    plain, truncated = seeded_noise(5000, NOISE_DIM, seed=3), seeded_noise(5000, NOISE_DIM, 3, threshold)
    assert np.abs(truncated).max() <= threshold
    inside = np.abs(plain) <= threshold
    np.testing.assert_array_equal(truncated[inside], plain[inside])
    np.testing.assert_array_equal(seeded_noise(5000, NOISE_DIM, 3, threshold), truncated)  # the seed fixes it
    np.testing.assert_array_equal(_samples(5000, 3, batch_size=7, truncation=threshold), truncated)


@pytest.mark.parametrize("threshold", [0.5, 2.0])
def test_truncated_noise_follows_the_truncated_normal(threshold):
    values = seeded_noise(20_000, NOISE_DIM, seed=11, truncation=threshold).ravel().astype(np.float64)
    law = stats.truncnorm(-threshold, threshold)
    assert stats.kstest(values, law.cdf).pvalue > 0.01
    assert np.mean(np.abs(values)) == pytest.approx(2 * law.expect(lambda z: z, lb=0, ub=threshold), rel=0.01)
    assert np.var(values) == pytest.approx(law.var(), rel=0.02)


@pytest.mark.parametrize("threshold", [1e-300, 1e-3])
def test_tiny_thresholds_give_finite_noise_inside_the_bound(threshold):
    """Redrawing until inside would never end for 1e-300; the inverse CDF draws each component once."""
    values = seeded_noise(2000, NOISE_DIM, seed=5, truncation=threshold)
    assert np.isfinite(values).all() and np.abs(values).max() <= np.float32(threshold)
    # so narrow a normal is flat: uniform on [-T, T], variance T^2 / 3 (0 once T underflows float32)
    assert np.var(values.astype(np.float64)) == pytest.approx(float(np.float32(threshold)) ** 2 / 3, rel=0.03)


@pytest.mark.parametrize("threshold", [0.0, -1.0])
def test_a_threshold_that_is_not_positive_is_refused(threshold):
    with pytest.raises(ValueError, match="truncation must be positive"):
        sample_batches(_identity_generator(), 4, 0, truncation=threshold)


def test_a_generator_with_its_own_noise_samples_the_same_for_the_same_seed():
    from calciumgan.models.wavegan import build_generator

    generator = build_generator(window=16, num_neurons=3, noise_dim=NOISE_DIM, filters=4, kernel_size=4, strides=2,
                                num_blocks=2, normalization="layer", convolutions="fast", output="calcium")  # fmt: skip
    draw = lambda seed: np.concatenate(list(sample_batches(generator, 6, seed, batch_size=4)))  # noqa: E731
    first = draw(5)
    generator.predict_on_batch(np.zeros((2, NOISE_DIM), np.float32))  # moves the head's noise stream on
    np.testing.assert_array_equal(draw(5), first)
    assert not np.allclose(draw(6), first)
