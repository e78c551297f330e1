"""Draw samples from a generator with seeded noise, batch by batch (any backend)."""

import numpy as np

BATCH_SIZE = 64  # samples per generator call


def sample_batches(generator, count: int, seed: int, batch_size: int = BATCH_SIZE):
    """An iterator of float32 batches (<= batch_size, ...) of generator outputs, ``count`` samples in all.

    The noise is standard normal (count, noise_dim) from ``numpy.random.default_rng(seed)``,
    drawn in order, so the samples depend on ``seed`` alone, not on ``batch_size``. Bad
    arguments raise ``ValueError`` here, before any sample is drawn.
    """
    if count < 1 or batch_size < 1 or seed < 0:
        raise ValueError(f"count and batch_size must be positive and seed non-negative, got {count}, "
                         f"{batch_size} and {seed}")  # fmt: skip
    return _batches(generator, count, np.random.default_rng(seed), batch_size)


def _batches(generator, count: int, rng: np.random.Generator, batch_size: int):
    noise_dim = generator.input_shape[-1]
    for start in range(0, count, batch_size):
        noise = rng.standard_normal((min(batch_size, count - start), noise_dim)).astype(np.float32)
        yield np.asarray(generator.predict_on_batch(noise), dtype=np.float32)
