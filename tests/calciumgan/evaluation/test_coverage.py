import numpy as np

from calciumgan.evaluation.coverage import ball_radii, inside_fraction, precision_recall, standardiser


def test_radii_are_the_kth_neighbour_distance_on_a_line():
    points = np.array([[0.0], [1.0], [3.0], [7.0], [15.0]])
    np.testing.assert_allclose(ball_radii(points, window=1, k=1), [1, 1, 2, 4, 8])
    np.testing.assert_allclose(ball_radii(points, window=1, k=2), [3, 2, 3, 6, 12])


def test_overlapping_windows_are_not_neighbours():
    points = np.array([[0.0], [0.1], [2.0], [5.0]])
    # windows of 10 frames starting at 0, 5, 20, 40: the first two overlap
    np.testing.assert_allclose(ball_radii(points, window=10, positions=np.array([0, 5, 20, 40]), k=1), [2, 1.9, 1.9, 3])


def test_identical_sets_have_full_precision_and_recall_and_a_repeated_point_no_recall():
    rng = np.random.default_rng(0)
    real = rng.standard_normal((200, 4))
    radii = ball_radii(real, window=1)
    assert precision_recall(real, real, radii, radii) == (1.0, 1.0)
    repeated = np.repeat(real[:1], 200, axis=0)
    precision, recall = precision_recall(real, repeated, radii, ball_radii(repeated, window=1))
    assert precision == 1.0 and recall == 1 / 200  # only the repeated real point is covered


def test_far_away_points_are_outside_and_a_narrow_set_misses_the_tails():
    rng = np.random.default_rng(1)
    real = rng.standard_normal((500, 2))
    radii = ball_radii(real, window=1)
    assert inside_fraction(real + 100.0, real, radii) == 0.0
    narrow = 0.2 * rng.standard_normal((500, 2))
    precision, recall = precision_recall(real, narrow, radii, ball_radii(narrow, window=1))
    assert precision > 0.95 and recall < 0.5


def test_standardiser_uses_the_reference_spread_and_keeps_constant_columns():
    reference = np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]])
    standardise = standardiser(reference)
    np.testing.assert_allclose(standardise(np.array([[2.0, 3.0]])), [[0.0, 2.0]])
    np.testing.assert_allclose(standardise(reference)[:, 0], (reference[:, 0] - 2) / np.std([0, 2, 4]))
