"""MEI gradient ascent: a model that is a Gabor cell gets its filter back; the contrast term's pull."""

import keras
import numpy as np
import pytest

from exciting_inputs.optimisation.ascent import ImageObjective, negative_objective, optimise_mei, start_image
from exciting_inputs.optimisation.filters import fourier_filter
from exciting_inputs.simulation import gabor_filters

pytestmark = pytest.mark.backend

HEIGHT, WIDTH = 32, 48


def gabor_cell(kernel: np.ndarray) -> keras.Model:
    """(batch, height, width, 1) -> (batch, 1): ELU(<kernel, image>) + 1, the kernel a fixed full-size convolution.

    ELU + 1 (the readout's output) rather than ReLU: the first steps' heavy blur can push the drive
    below 0, where a ReLU has no gradient and the ascent stops.
    """
    images = keras.Input((*kernel.shape, 1))
    convolution = keras.layers.Conv2D(1, kernel.shape, use_bias=False, trainable=False)
    drive = keras.layers.Flatten()(convolution(images))
    model = keras.Model(images, keras.layers.Lambda(lambda x: keras.ops.elu(x) + 1)(drive))
    convolution.set_weights([kernel[:, :, None, None].astype(np.float32)])
    return model


@pytest.fixture(scope="module")
def filter_and_model():
    kernel = gabor_filters(HEIGHT, WIDTH, 24, 16, 4, 0.5, 12, 0.3)[0, 0]
    return kernel, gabor_cell(kernel)


@pytest.mark.parametrize("start", ["noise", "blank"])
def test_mei_of_a_gabor_cell_is_its_filter(filter_and_model, start):
    """Contrast target: the std of the smoothed filter rescaled to [0, 1] (the constrained optimum).

    Measured (300 steps): the returned image (the last) has r = 0.997 with the filter from both starts.
    From the noise start the objective peaks near step 110, at an image with r = 0.86 that scores within
    1e-5 of the last one: returning it would fail here.
    """
    kernel, model = filter_and_model
    smoothed = np.real(np.fft.ifft2(np.fft.fft2(kernel) * fourier_filter(HEIGHT, WIDTH)))
    target = float(((smoothed - smoothed.min()) / np.ptp(smoothed)).std())
    result = optimise_mei(model, 0, start_image(start, (HEIGHT, WIDTH), seed=0), contrast_target=target, steps=300)
    assert result.trajectory.shape == (301, 3) and result.image.shape == (HEIGHT, WIDTH)
    assert np.corrcoef(result.image.ravel(), kernel.ravel())[0, 1] > 0.99
    assert result.trajectory[result.peak_step, 0] == result.trajectory[:, 0].max()
    assert result.trajectory[-1, 2] == pytest.approx(target, abs=1e-3)
    assert 0 <= result.image.min() and result.image.max() <= 1


@pytest.mark.parametrize("target", [0.05, 0.6])
def test_contrast_term_alone_pulls_the_std_toward_the_target(target):
    """One plain gradient step on the objective, the model's response constant: the image moves by
    alpha * lambda * sign(C* - std) (x - mean) / (N std) (closed form) and its std toward C*.

    (In the full step the min-max rescaling undoes such a change of scale: the pull then only acts
    through the image's shape, which is why an MEI's std can end far below C*.)
    """
    images = keras.Input((HEIGHT, WIDTH, 1))
    constant = keras.Model(images, keras.layers.Lambda(lambda x: 0.0 * keras.ops.mean(x, axis=(1, 2)) + 1.0)(images))
    objective = ImageObjective(constant, 0, contrast_target=target, contrast_weight=2.0)
    objective.build((1, 1))
    start = start_image("noise", (HEIGHT, WIDTH), seed=1).astype(np.float64)
    objective.image.assign(start[None, :, :, None])
    objective.compile(optimizer=keras.optimizers.SGD(0.5), loss=negative_objective)
    dummy = np.zeros((1, 1), np.float32)
    assert -float(objective.train_on_batch(dummy, dummy)) == pytest.approx(1 - 2 * abs(target - start.std()), abs=1e-5)
    after = keras.ops.convert_to_numpy(objective.image)[0, :, :, 0]
    expected = start + 0.5 * 2 * np.sign(target - start.std()) * (start - start.mean()) / (start.size * start.std())
    np.testing.assert_allclose(after, expected, atol=1e-6)
    assert abs(after.std() - target) < abs(start.std() - target)
