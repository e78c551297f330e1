"""Orthogonal weight initialisation (Saxe et al. 2014; the GAN-tricks slides, BigGAN), for any built Keras model."""

import keras


def orthogonalise_kernels(model: keras.Model, seed: int) -> int:
    """Redraw every kernel of ``model`` (a weight named ``kernel`` with two or more axes) as an orthogonal matrix.

    A kernel of shape (..., fan_out) is drawn as a (prod(...), fan_out) matrix with orthonormal rows or
    columns, whichever are fewer (``keras.initializers.Orthogonal``), and reshaped back; biases and
    normalisation weights keep their values. Kernel i in the model's weight order is drawn with seed
    ``seed + i``. Returns how many kernels were redrawn.
    """
    kernels = [weight for weight in model.weights if weight.name == "kernel" and len(weight.shape) >= 2]
    for index, kernel in enumerate(kernels):
        values = keras.initializers.Orthogonal(seed=seed + index)(kernel.shape, dtype=kernel.dtype)
        kernel.assign(values)
    return len(kernels)
