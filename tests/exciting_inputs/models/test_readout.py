"""The pyramid readout: the Laplace pyramid and bilinear sampling against SciPy, the readout's formula."""

import keras
import numpy as np
import pytest
from scipy import ndimage

from exciting_inputs.models import PyramidReadout, bilinear_sample, laplace_pyramid
from exciting_inputs.models.readout import GAUSS_5X5, smoothing_matrix

pytestmark = pytest.mark.backend


def reference_pyramid(maps: np.ndarray, scales: int) -> list:
    """The PyTorch original's ``Pyramid.forward`` for (batch, height, width, channels), with its 2-D table:
    conv2d (padding 2), stride-2 subsampling, 4 x conv_transpose2d (stride 2, padding 2, output padding)."""
    table = GAUSS_5X5.astype(np.float64)
    levels = []
    for _ in range(scales):
        smooth = ndimage.correlate(maps, table[None, :, :, None], mode="constant")
        low = smooth[:, ::2, ::2]
        up = np.zeros_like(maps)
        for i, j in np.ndindex(*low.shape[1:3]):  # transposed convolution, one input pixel at a time
            for a, b in np.ndindex(5, 5):
                row, column = 2 * i - 2 + a, 2 * j - 2 + b
                if 0 <= row < maps.shape[1] and 0 <= column < maps.shape[2]:
                    up[:, row, column] += table[a, b] * low[:, i, j]
        levels.append(maps - 4 * up)
        maps = low
    return levels + [maps]


@pytest.mark.parametrize("size", [(30, 48), (15, 11)])
def test_laplace_pyramid_matches_the_seeds_filter_table(size):
    maps = np.random.default_rng(0).normal(size=(2, *size, 3))
    levels = laplace_pyramid(keras.ops.convert_to_tensor(maps.astype(np.float32)), 3)
    expected = reference_pyramid(maps, 3)
    assert [tuple(level.shape) for level in levels] == [level.shape for level in expected]
    for level, reference in zip(levels, expected):
        np.testing.assert_allclose(np.asarray(level), reference, atol=2e-5)
    if size == (30, 48):
        assert [level.shape[1:3] for level in expected] == [(30, 48), (15, 24), (8, 12), (4, 6)]


def test_smoothing_matrix_rows_are_the_filter_taps():
    matrix = smoothing_matrix(7)
    assert matrix.shape == (4, 7)
    np.testing.assert_allclose(np.outer(matrix[1, 0:5], matrix[1, 0:5]), GAUSS_5X5, atol=3e-7)
    np.testing.assert_allclose(matrix[0, :3], matrix[1, 2:5])  # the first row loses the taps in the padding


def test_bilinear_sampling_matches_scipy_and_aligns_corners():
    rng = np.random.default_rng(1)
    maps = rng.normal(size=(2, 7, 9, 3)).astype(np.float32)
    location = np.concatenate([rng.uniform(-1, 1, (6, 2)), [[-1, -1], [1, 1], [1, -1]]]).astype(np.float32)
    sampled = np.asarray(bilinear_sample(keras.ops.convert_to_tensor(maps), keras.ops.convert_to_tensor(location)))
    rows, columns = (location[:, 1] + 1) / 2 * 6, (location[:, 0] + 1) / 2 * 8
    expected = np.stack([[ndimage.map_coordinates(maps[b, :, :, c], [rows, columns], order=1) for c in range(3)]
                         for b in range(2)]).transpose(0, 2, 1)  # fmt: skip
    assert sampled.shape == (2, 9, 3)
    np.testing.assert_allclose(sampled, expected, atol=1e-5)
    np.testing.assert_allclose(sampled[:, -3:], maps[:, [0, 6, 0], [0, 8, 8]], atol=1e-6)


def test_readout_is_elu_plus_one_of_positive_weights_on_the_sampled_pyramid():
    rng = np.random.default_rng(2)
    maps = rng.normal(size=(3, 10, 12, 4)).astype(np.float32)
    readout = PyramidReadout(5, scales=2, name="readout")
    readout.build(maps.shape)
    assert [tuple(weight.shape) for weight in readout.weights] == [(5, 2), (5, 12), (5,)]
    np.testing.assert_allclose(np.asarray(readout.features), 0.25)
    assert np.all(np.abs(np.asarray(readout.location)) <= 0.1)
    location, features = rng.uniform(-1, 1, (5, 2)), rng.uniform(0, 1, (5, 12))
    readout.set_weights([location, features, rng.normal(size=5)])
    levels = reference_pyramid(maps.astype(np.float64), 2)
    rows, columns = (location[:, 1] + 1) / 2, (location[:, 0] + 1) / 2
    pooled = np.concatenate([np.stack([[ndimage.map_coordinates(level[b, :, :, c], [rows * (level.shape[1] - 1),
                                                                                    columns * (level.shape[2] - 1)],
                                                                order=1) for c in range(4)] for b in range(3)])
                             for level in levels], axis=1)  # fmt: skip  # (batch, levels * channels, neurons)
    linear = np.einsum("bfn,nf->bn", pooled, features) + readout.get_weights()[2]
    expected = np.where(linear > 0, linear, np.expm1(linear)) + 1
    np.testing.assert_allclose(np.asarray(readout(keras.ops.convert_to_tensor(maps))), expected, rtol=1e-4, atol=1e-5)


def test_constraints_keep_features_non_negative_and_locations_inside_the_image():
    readout = PyramidReadout(2, scales=1)
    readout.build((None, 6, 6, 2))
    location, features = readout.location, readout.features
    location.assign(location.constraint(keras.ops.convert_to_tensor(np.array([[1.5, -0.3], [-2.0, 0.9]], "float32"))))
    features.assign(features.constraint(keras.ops.convert_to_tensor(-np.ones((2, 4), "float32"))))
    np.testing.assert_array_equal(np.asarray(location), np.float32([[1.0, -0.3], [-1.0, 0.9]]))
    np.testing.assert_array_equal(np.asarray(features), np.zeros((2, 4)))
