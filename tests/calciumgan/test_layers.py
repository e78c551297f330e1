import keras
import numpy as np
import pytest
import tensorflow as tf

from calciumgan.layers import PhaseShuffle, SubPixelConv1DTranspose


@pytest.mark.parametrize("kernel_size, strides", [(24, 2), (8, 2), (2, 2), (4, 4), (6, 3), (12, 4), (25, 5)])
def test_subpixel_equals_conv1d_transpose(kernel_size, strides):
    rng = np.random.default_rng(kernel_size * 10 + strides)
    inputs = rng.normal(size=(3, 7, 5)).astype(np.float32)
    reference = keras.layers.Conv1DTranspose(6, kernel_size, strides, padding="same")
    expected_shape = reference(inputs).shape
    subpixel = SubPixelConv1DTranspose(6, kernel_size, strides)
    subpixel.build(inputs.shape)
    assert subpixel.kernel.shape == reference.kernel.shape
    assert subpixel.count_params() == reference.count_params()
    reference.bias.assign(rng.normal(size=6).astype(np.float32))
    subpixel.set_weights(reference.get_weights())
    outputs = subpixel(inputs)
    assert outputs.shape == expected_shape == (3, 7 * strides, 6)
    np.testing.assert_allclose(outputs, reference(inputs), atol=1e-5)


def test_subpixel_gradients_match_conv1d_transpose():
    inputs = tf.constant(np.random.default_rng(0).normal(size=(2, 9, 3)), tf.float32)
    reference = keras.layers.Conv1DTranspose(4, 8, 2, padding="same")
    reference(inputs)
    subpixel = SubPixelConv1DTranspose(4, 8, 2)
    subpixel.build(inputs.shape)
    subpixel.set_weights(reference.get_weights())
    gradients = []
    for layer in (reference, subpixel):
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            loss = tf.reduce_sum(tf.sin(layer(inputs)))
        gradients.append(tape.gradient(loss, [inputs, *layer.trainable_variables]))
    for expected, actual in zip(*gradients):
        np.testing.assert_allclose(actual, expected, atol=1e-5)


def test_subpixel_rejects_kernel_not_multiple_of_stride():
    with pytest.raises(ValueError, match="multiple of strides"):
        SubPixelConv1DTranspose(4, 25, 2)


def test_subpixel_config_round_trip():
    layer = SubPixelConv1DTranspose(4, 8, 2, name="up")
    clone = SubPixelConv1DTranspose.from_config(layer.get_config())
    assert (clone.filters, clone.kernel_size, clone.strides, clone.name) == (4, 8, 2, "up")


def test_phase_shuffle_reflects_at_the_edges():
    inputs = np.arange(6, dtype=np.float32).reshape(1, 6, 1)
    layer = PhaseShuffle(2, seed=0)
    seen = {}
    for _ in range(200):
        outputs = layer(inputs, training=True).numpy()[0, :, 0]
        seen[tuple(outputs)] = True
    expected = {
        (2, 1, 0, 1, 2, 3),  # shift +2
        (1, 0, 1, 2, 3, 4),  # shift +1
        (0, 1, 2, 3, 4, 5),  # no shift
        (1, 2, 3, 4, 5, 4),  # shift -1
        (2, 3, 4, 5, 4, 3),  # shift -2
    }
    assert set(seen) == expected


def test_phase_shuffle_draws_one_shift_per_example():
    batch = np.tile(np.arange(40, dtype=np.float32).reshape(1, 40, 1), (64, 1, 1))
    outputs = PhaseShuffle(3, seed=1)(batch, training=True).numpy()
    shifts = 10 - outputs[:, 10, 0]  # frame 10 reads input frame 10 - shift
    assert set(shifts.astype(int).tolist()) == {-3, -2, -1, 0, 1, 2, 3}
    for example, shift in zip(outputs, shifts.astype(int)):
        np.testing.assert_array_equal(example[5:35, 0], np.arange(5, 35) - shift)


def test_phase_shuffle_is_identity_outside_training():
    inputs = np.random.default_rng(0).normal(size=(4, 20, 3)).astype(np.float32)
    layer = PhaseShuffle(5)
    np.testing.assert_array_equal(layer(inputs, training=False), inputs)
    np.testing.assert_array_equal(layer(inputs), inputs)
    np.testing.assert_array_equal(PhaseShuffle(0)(inputs, training=True), inputs)
