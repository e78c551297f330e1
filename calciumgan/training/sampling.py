"""Draw samples from a generator with seeded noise, batch by batch (any backend).

With a ``truncation`` threshold T the noise follows BigGAN's truncation trick (Brock et al.
2019): every component whose magnitude exceeds T is drawn again, from the standard normal
truncated to [-T, T], so components already inside keep their value. Smaller T trades variety
for typical samples.
"""

import numpy as np
from scipy.special import ndtr, ndtri

BATCH_SIZE = 64  # samples per generator call


def sample_batches(generator, count: int, seed: int, batch_size: int = BATCH_SIZE, truncation: float | None = None,
                   conditions=None):  # fmt: skip
    """An iterator of float32 batches (<= batch_size, ...) of generator outputs, ``count`` samples in all.

    A conditional generator (inputs ``[conditions, noise]``) takes ``conditions`` (count, ...),
    one per sample.

    The noise is :func:`seeded_noise`, so the samples depend on ``seed`` and ``truncation``, not
    on ``batch_size``. A generator that draws noise of its own (the calcium output head) has
    its random streams reset from ``seed`` first: its samples are the same for the same ``seed``
    and ``batch_size``. Bad arguments raise ``ValueError`` here, before any sample is drawn.
    """
    if count < 1 or batch_size < 1 or seed < 0:
        raise ValueError(f"count and batch_size must be positive and seed non-negative, got {count}, "
                         f"{batch_size} and {seed}")  # fmt: skip
    if (conditions is None) != (len(generator.inputs) == 1) or (conditions is not None and len(conditions) != count):
        raise ValueError(f"a generator with {len(generator.inputs)} inputs needs "
                         f"{'no conditions' if len(generator.inputs) == 1 else f'{count} conditions'}")  # fmt: skip
    noise = seeded_noise(count, tuple(generator.inputs[-1].shape[1:]), seed, truncation)
    reset_random_streams(generator, seed)

    def inputs(start):
        batch = noise[start : start + batch_size]
        return batch if conditions is None else [np.asarray(conditions[start : start + batch_size]), batch]

    return (np.asarray(generator.predict_on_batch(inputs(start)), dtype=np.float32)
            for start in range(0, count, batch_size))  # fmt: skip


def reset_random_streams(model, seed: int) -> None:
    """Set the state of every seed generator inside ``model`` to ``[seed, index]`` (index: its order)."""
    states = [variable for variable in model.variables if variable.path.endswith("seed_generator_state")]
    for index, state in enumerate(states):
        state.assign(np.array([seed, index], dtype=state.dtype))


def seeded_noise(count: int, noise_shape: int | tuple, seed: int, truncation: float | None = None) -> np.ndarray:
    """Noise (count, *noise_shape) float32: standard normal from ``numpy.random.default_rng(seed)``.

    With ``truncation`` T > 0, the components with ``|z| > T`` (in row-major order) are replaced by
    draws from the same stream of the normal truncated to [-T, T], by its inverse CDF: one uniform
    draw each, so any T, however small, costs the same (as T -> 0 the draws go to 0).
    """
    if truncation is not None and not truncation > 0:
        raise ValueError(f"truncation must be positive, got {truncation}")
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((count, *np.atleast_1d(noise_shape)))
    if truncation is not None:
        flat = noise.reshape(-1)
        outside = np.flatnonzero(np.abs(flat) > truncation)
        flat[outside] = truncated_normal(rng.random(outside.size), truncation)
    return noise.astype(np.float32)


def truncated_normal(uniform: np.ndarray, bound: float) -> np.ndarray:
    """The standard normal truncated to [-bound, bound] at quantiles ``uniform`` in [0, 1), float64."""
    low = ndtr(-bound)
    return np.clip(ndtri(low + uniform * (ndtr(bound) - low)), -bound, bound)
