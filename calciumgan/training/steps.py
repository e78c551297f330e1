"""The backend's compiled GAN steps: ``TensorFlowSteps`` or ``JaxSteps``, with one interface.

``train_step(batch) -> logs``, ``test_step(batch, seed) -> logs``, ``sync()`` (write the
state into the Keras variables), ``reload()`` (read it back), ``place(arrays)`` (put the data
arrays where the steps read them) and ``device_count`` (devices a batch is split over). Logs
are dicts of scalar tensors named as the GAN's ``log_names``.
"""

import contextlib

import keras

from calciumgan.core.errors import ConfigError

SUPPORTED_BACKENDS = ("tensorflow", "jax")


def model_scope(data_parallel: bool):
    """The context the GAN must be built in for data-parallel steps (TensorFlow's mirrored strategy)."""
    if data_parallel and keras.backend.backend() == "tensorflow":
        from calciumgan.training.tensorflow_steps import model_scope as tensorflow_scope

        return tensorflow_scope(True)
    return contextlib.nullcontext()


def accelerators() -> list:
    """The GPUs (or TPUs) the running Keras backend computes on; empty on a CPU."""
    if keras.backend.backend() == "jax":
        from calciumgan.training.jax_steps import accelerators as jax_accelerators

        return jax_accelerators()
    from calciumgan.training.tensorflow_steps import accelerators as tensorflow_accelerators

    return tensorflow_accelerators()


def make_steps(gan, assemble=None, jit_compile=False, deterministic=False, data_parallel=False):
    """Compiled steps of ``gan`` for the running Keras backend (``KERAS_BACKEND``)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        from calciumgan.training.tensorflow_steps import TensorFlowSteps

        return TensorFlowSteps(gan, assemble, jit_compile=jit_compile, deterministic=deterministic,
                               data_parallel=data_parallel)  # fmt: skip
    if backend == "jax":
        from calciumgan.training.jax_steps import JaxSteps

        return JaxSteps(gan, assemble, jit_compile=jit_compile, deterministic=deterministic,
                        data_parallel=data_parallel)  # fmt: skip
    raise ConfigError(f"KERAS_BACKEND={backend} cannot train a GAN here; use one of {', '.join(SUPPORTED_BACKENDS)}")
