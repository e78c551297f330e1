"""Gradient ascent on a response model's input: the MEI optimisation of Walker et al. 2019.

The objective of an image x (pixels in [0, 1]) for one model neuron is

    L(x) = r(x) - contrast_weight * |contrast_target - std(x)|      (by default weight 2, target the
                                                                     mean std of the dataset's images)

and every step (``SmoothedAscent.update_step``) takes dL/dx, smooths it in Fourier space, adds
``step_size`` times it, blurs the image with the annealed width and min-max rescales it to [0, 1]
(``exciting_inputs.optimisation.filters``). The step is a Keras optimizer acting on the image, held as the
only trainable weight of ``ImageObjective`` (the response model frozen, batch normalisation in
inference mode), so ``train_on_batch`` takes the input gradient on either backend.

The MEI is the image after the last step, as in Walker et al.: the blur anneals from
``sigma_start`` to ``sigma_end``, so only the last images are fully sharpened. The objective
often peaks earlier, at images still shaped by the wide blur: for a model cell that is a Gabor
filter, an image of step ~110 of 300 scores within 1e-5 of the last one but correlates 0.86 with
the filter, against 0.997; for the complex cells of ``notebooks/mei.ipynb`` the objective peaks
near step 35 of 200 at images that correlate 0.2-0.3 with the true optimal stimulus, against
0.85-0.97 for the last image. Keeping the best-scoring image would prefer such barely optimised images.
``MEIResult.peak_step`` records where the objective peaked.
"""

import dataclasses

import keras
import numpy as np
from keras import ops

from calciumgan.core.errors import ConfigError
from exciting_inputs.optimisation.filters import blur_radii, fourier_filter, gaussian_blur, rescale, smooth_gradient

STARTS = ("noise", "blank")
TRAJECTORY = ("objective", "response", "std")
FLAT_VARIANCE = 1e-12  # keeps the std differentiable at a flat image


class ImageObjective(keras.Model):
    """A (1, height, width, 1) image weight and the objective L of ``neuron`` of a frozen ``response_model``.

    Called on any (1, 1) input, returns (1, 1): L of the current image.
    """

    def __init__(self, response_model, neuron: int, contrast_target: float, contrast_weight: float, **kwargs):
        super().__init__(**kwargs)
        response_model.trainable = False
        self.response_model, self.neuron = response_model, neuron
        self.contrast_target, self.contrast_weight = contrast_target, contrast_weight
        self.image = self.add_weight(shape=(1, *response_model.input_shape[1:]), initializer="zeros", name="image")

    def call(self, inputs):
        response = self.response_model(self.image, training=False)[:, self.neuron : self.neuron + 1]
        contrast = ops.abs(self.contrast_target - image_std(self.image))
        return response - self.contrast_weight * contrast + 0.0 * inputs


def image_std(image):
    """The std of all pixels, with a gradient of 0 (not NaN) for a flat image such as the blank start."""
    return ops.sqrt(ops.mean(ops.square(image - ops.mean(image))) + FLAT_VARIANCE)


def negative_objective(_, objective):
    return -ops.mean(objective)


class SmoothedAscent(keras.optimizers.Optimizer):
    """One MEI step per ``apply`` on the image weight (see the module docstring); ``learning_rate`` is alpha."""

    def __init__(self, image_size: tuple, steps: int, step_size: float = 0.1, sigma_start: float = 7.0,
                 sigma_end: float = 0.001, name: str = "smoothed_ascent", **kwargs):  # fmt: skip
        super().__init__(learning_rate=step_size, name=name, **kwargs)
        self.image_size, self.steps = tuple(image_size), steps
        self.sigma_start, self.sigma_end = sigma_start, sigma_end
        self.gain = fourier_filter(*self.image_size).astype(np.float32)
        self.radii = blur_radii(*self.image_size, sigma_start)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.sigma = self.add_variable((), initializer=keras.initializers.Constant(self.sigma_start), name="sigma")

    def update_step(self, gradient, variable, learning_rate):
        step = ops.cast(self.iterations, "float32")  # 0 on the first step
        sigma = self.sigma + (self.sigma_end - self.sigma) * step / self.steps
        self.sigma.assign(sigma)
        image = variable - learning_rate * smooth_gradient(gradient, ops.convert_to_tensor(self.gain))  # ascent on L
        variable.assign(rescale(gaussian_blur(image, sigma, self.radii)))

    def get_config(self):
        return {**super().get_config(), "image_size": self.image_size, "steps": self.steps,
                "sigma_start": self.sigma_start, "sigma_end": self.sigma_end}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class MEIResult:
    """``image``: (height, width) float32, the image after the last step (the MEI); ``trajectory``:
    (steps + 1, 3) float64 objective, model response and std of the image after each step (row 0: the
    start); ``peak_step``: the row of the highest objective (a diagnostic, not the image returned)."""

    image: np.ndarray
    trajectory: np.ndarray
    peak_step: int


def start_image(start: str, image_size: tuple, seed: int = 0) -> np.ndarray:
    """(height, width) float32 start: white (Gaussian) noise min-max scaled to [0, 1], or a blank (black) image."""
    if start == "blank":
        return np.zeros(image_size, np.float32)
    if start == "noise":
        noise = np.random.default_rng(seed).standard_normal(image_size)
        return ((noise - noise.min()) / (noise.max() - noise.min())).astype(np.float32)
    raise ConfigError(f"MEI start '{start}': must be one of {', '.join(STARTS)}")


def optimise_mei(response_model, neuron: int, start: np.ndarray, *, contrast_target: float, steps: int = 1000,
                 step_size: float = 0.1, contrast_weight: float = 2.0, sigma_start: float = 7.0,
                 sigma_end: float = 0.001) -> MEIResult:  # fmt: skip
    """The MEI of output ``neuron`` of ``response_model`` ((batch, height, width, 1) -> (batch, neurons)) from
    the (height, width) ``start`` image (see the module docstring)."""
    if not 0 <= neuron < response_model.output_shape[-1]:
        raise ConfigError(f"MEI: neuron {neuron} out of range for a model of {response_model.output_shape[-1]}")
    image_size = tuple(response_model.input_shape[1:3])
    if start.shape != image_size:
        raise ConfigError(f"MEI: start image of shape {start.shape}, the model takes {image_size}")
    objective = ImageObjective(response_model, neuron, contrast_target, contrast_weight)
    objective.build((1, 1))
    objective.image.assign(start[None, :, :, None])
    optimizer = SmoothedAscent(image_size, steps, step_size, sigma_start, sigma_end)
    objective.compile(optimizer=optimizer, loss=negative_objective)
    dummy = np.zeros((1, 1), np.float32)
    stds, values = [], []
    for _ in range(steps):
        stds.append(_current_image(objective).std(dtype=np.float64))
        values.append(-float(objective.train_on_batch(dummy, dummy)))
    image = _current_image(objective)
    stds.append(image.std(dtype=np.float64))
    values.append(float(ops.convert_to_numpy(objective(dummy)).ravel()[0]))  # a plain call: no new compiled function
    stds, values = np.array(stds), np.array(values)
    trajectory = np.stack([values, values + contrast_weight * np.abs(contrast_target - stds), stds], axis=1)
    return MEIResult(image, trajectory, int(np.argmax(values)))


def _current_image(objective: ImageObjective) -> np.ndarray:
    """(height, width) float32 copy of the objective's image weight."""
    return np.asarray(ops.convert_to_numpy(objective.image), np.float32)[0, :, :, 0]
