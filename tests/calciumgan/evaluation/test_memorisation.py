import numpy as np
import pytest

from calciumgan.evaluation.memorisation import (
    memorisation_checks,
    nearest_window_distances,
    shared_frame_fraction,
)


def _brute_force(samples, reference):
    window = samples.shape[1]
    starts = range(len(reference) - window + 1)
    return np.array(
        [min(np.sqrt(np.mean((sample - reference[t : t + window]) ** 2)) for t in starts) for sample in samples]
    )


@pytest.mark.parametrize("window, length", [(16, 200), (33, 100), (8, 8), (50, 1000)])
def test_nearest_distances_equal_brute_force(window, length):
    rng = np.random.default_rng(window)
    reference = rng.normal(size=(length, 3))
    samples = rng.normal(size=(5, window, 3))
    samples[0] = reference[length - window :] + 0.01  # near the very last window
    np.testing.assert_allclose(nearest_window_distances(samples, reference), _brute_force(samples, reference),
                               rtol=1e-9, atol=1e-9)  # fmt: skip


def test_a_copied_window_is_at_distance_zero():
    reference = np.random.default_rng(0).normal(size=(500, 4))
    copies = np.stack([reference[17:81], reference[400:464]])
    np.testing.assert_allclose(nearest_window_distances(copies, reference), 0.0, atol=1e-7)


def test_many_neurons_are_projected_keeping_copies_at_zero_and_distances_within_ten_percent():
    """600 neurons (above PROJECTED_NEURONS): a copied window is still at distance 0, a noisy copy (sd 0.1) and
    new windows are within 10 % of their exact distances."""
    rng = np.random.default_rng(1)
    reference = rng.normal(size=(300, 600))
    samples = np.stack([reference[40:72], reference[100:132] + 0.1 * rng.normal(size=(32, 600)),
                        rng.normal(size=(32, 600))])  # fmt: skip
    distances = nearest_window_distances(samples, reference)
    assert distances[0] < 1e-6
    np.testing.assert_allclose(distances[1:], _brute_force(samples[1:], reference), rtol=0.1)


def test_copying_generator_is_flagged_and_independent_or_smooth_ones_are_not():
    rng = np.random.default_rng(1)
    training = rng.normal(size=(3000, 4))
    held_out = np.stack([rng.normal(size=(32, 4)) for _ in range(100)])
    starts = rng.integers(0, 3000 - 32, size=100)
    copier = np.stack([training[s : s + 32] + 0.05 * rng.normal(size=(32, 4)) for s in starts])
    independent = np.stack([rng.normal(size=(32, 4)) for _ in range(100)])
    smooth = 0.3 * independent  # low-variance samples lie closer to everything, but copy nothing
    checks = memorisation_checks({"copier": copier, "independent": independent, "smooth": smooth}, held_out, training)
    copying = checks["copier"]
    assert copying.copies_training_data and copying.near_copy_fraction == 1.0
    assert copying.closer_probability == 1.0
    honest = checks["independent"]
    assert not honest.copies_training_data and honest.near_copy_fraction == 0.0
    assert abs(honest.closer_probability - 0.5) < 0.15
    assert honest.summary()["synthetic_median"] == pytest.approx(honest.summary()["held_out_median"], rel=0.05)
    blurry = checks["smooth"]
    assert not blurry.copies_training_data and blurry.closer_probability > 0.9


def test_closer_probability_is_the_mann_whitney_statistic():
    from scipy.stats import mannwhitneyu

    from calciumgan.evaluation.memorisation import MemorisationCheck

    rng = np.random.default_rng(2)
    check = MemorisationCheck(synthetic=rng.normal(1.0, 0.2, 50), held_out=rng.normal(1.1, 0.2, 70))
    expected = mannwhitneyu(check.held_out, check.synthetic).statistic / (50 * 70)
    assert check.closer_probability == pytest.approx(expected)


def test_reference_shorter_than_a_window_is_refused():
    with pytest.raises(ValueError, match="reference must be"):
        nearest_window_distances(np.zeros((1, 10, 2)), np.zeros((5, 2)))


def test_shared_frames_are_counted_exactly():
    rng = np.random.default_rng(3)
    training = rng.normal(size=(300, 5)).astype(np.float32)
    copied = np.stack([training[10:30], training[200:220]])
    assert shared_frame_fraction(copied, training) == 1.0
    assert shared_frame_fraction(rng.normal(size=(2, 20, 5)), training) == 0.0
    nudged = copied.copy()
    nudged[1] = np.nextafter(nudged[1], np.inf)  # one float32 step away: not the same frames
    assert shared_frame_fraction(nudged, training) == 0.5
