"""Small models with known derivatives, for checking the GAN engine against closed forms."""

import keras
import numpy as np


def linear_critic(weights: np.ndarray, bias: float = 0.3) -> keras.Model:
    """D(x) = <w, x> + b on samples shaped like ``weights``: its input gradient is w everywhere."""
    samples = keras.Input(weights.shape)
    dense = keras.layers.Dense(1, name="linear")
    critic = keras.Model(samples, dense(keras.layers.Flatten()(samples)))
    dense.set_weights([weights.reshape(-1, 1).astype(np.float32), np.array([bias], np.float32)])
    return critic


def quadratic_critic(shape, scale: float) -> keras.Model:
    """D(x) = scale / 2 * ||x||^2 (no weights): its input gradient is scale * x."""
    samples = keras.Input(shape)
    score = keras.layers.Lambda(lambda x: 0.5 * scale * keras.ops.sum(x * x, axis=(1, 2))[:, None])(samples)
    return keras.Model(samples, score)


def constant_generator(values: np.ndarray, noise_dim: int = 2) -> keras.Model:
    """G(z) = values for every z (a Dense layer with zero kernel and bias ``values``)."""
    noise = keras.Input((noise_dim,))
    dense = keras.layers.Dense(values.size, kernel_initializer="zeros", name="constant")
    generator = keras.Model(noise, keras.layers.Reshape(values.shape)(dense(noise)))
    dense.set_weights([np.zeros((noise_dim, values.size), np.float32), values.ravel().astype(np.float32)])
    return generator
