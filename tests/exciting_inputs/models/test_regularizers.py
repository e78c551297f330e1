"""The core's penalties against SciPy / NumPy, and the location constraint."""

import keras
import numpy as np
import pytest
from scipy import signal

from exciting_inputs.models import Clip, GroupSparsity, LaplaceL2

pytestmark = pytest.mark.backend

LAPLACE = np.array([[0, -1, 0], [-1, 4, -1], [0, -1, 0]], np.float64)


def test_laplace_l2_is_the_mean_squared_valid_laplacian_over_two():
    kernel = np.random.default_rng(0).normal(size=(4, 4, 3, 5)).astype(np.float32)
    filtered = [signal.correlate2d(kernel[:, :, i, o].astype(np.float64), LAPLACE, mode="valid")
                for i in range(3) for o in range(5)]  # fmt: skip
    expected = 0.1 * np.mean(np.square(filtered)) / 2
    assert float(LaplaceL2(0.1)(keras.ops.convert_to_tensor(kernel))) == pytest.approx(expected, rel=1e-5)


def test_laplace_l2_is_zero_for_a_linear_ramp():
    ramp = np.add.outer(np.arange(4.0), 2 * np.arange(4.0))[:, :, None, None].astype(np.float32)
    assert float(LaplaceL2(0.1)(keras.ops.convert_to_tensor(ramp))) == pytest.approx(0.0, abs=1e-9)


def test_group_sparsity_is_the_mean_norm_of_each_input_output_kernel():
    kernel = np.random.default_rng(1).normal(size=(3, 3, 4, 6)).astype(np.float32)
    expected = 0.05 * np.mean(np.sqrt(np.sum(kernel.astype(np.float64) ** 2, axis=(0, 1))))
    assert float(GroupSparsity(0.05)(keras.ops.convert_to_tensor(kernel))) == pytest.approx(expected, rel=1e-5)


def test_clip_projects_onto_its_interval_and_every_penalty_round_trips_its_config():
    clipped = Clip(-1.0, 1.0)(keras.ops.convert_to_tensor(np.array([-3.0, -0.5, 0.2, 1.5], np.float32)))
    np.testing.assert_array_equal(np.asarray(clipped), np.float32([-1.0, -0.5, 0.2, 1.0]))
    for item in (Clip(-2.0, 0.5), GroupSparsity(0.3), LaplaceL2(0.7)):
        copy = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(item))
        assert type(copy) is type(item) and copy.get_config() == item.get_config()
