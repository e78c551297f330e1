"""The backend's compiled GAN steps: ``TensorFlowSteps`` or ``JaxSteps``, with one interface.

``train_step(batch) -> logs``, ``test_step(batch, seed) -> logs``, ``sync()`` (write the
state into the Keras variables) and ``reload()`` (read it back). Logs are dicts of scalar
tensors named as ``calciumgan.training.gan.LOG_NAMES``.
"""

import keras

from calciumgan.core.errors import ConfigError

SUPPORTED_BACKENDS = ("tensorflow", "jax")


def make_steps(gan, assemble=None, jit_compile=False, deterministic=False):
    """Compiled steps of ``gan`` for the running Keras backend (``KERAS_BACKEND``)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        from calciumgan.training.tensorflow_steps import TensorFlowSteps

        return TensorFlowSteps(gan, assemble, jit_compile=jit_compile, deterministic=deterministic)
    if backend == "jax":
        from calciumgan.training.jax_steps import JaxSteps

        return JaxSteps(gan, assemble, jit_compile=jit_compile, deterministic=deterministic)
    raise ConfigError(f"KERAS_BACKEND={backend} cannot train a GAN here; use one of {', '.join(SUPPORTED_BACKENDS)}")
