"""Draw samples from a generator with seeded noise, batch by batch (any backend)."""

import numpy as np

BATCH_SIZE = 64  # samples per generator call


def sample_batches(generator, count: int, seed: int, batch_size: int = BATCH_SIZE):
    """Yield float32 batches (<= batch_size, ...) of generator outputs, ``count`` samples in all.

    The noise is standard normal (count, noise_dim) from ``numpy.random.default_rng(seed)``,
    drawn in order, so the samples depend on ``seed`` alone, not on ``batch_size``.
    """
    if count < 1 or batch_size < 1:
        raise ValueError(f"count and batch_size must be positive, got {count} and {batch_size}")
    rng = np.random.default_rng(seed)
    noise_dim = generator.input_shape[-1]
    for start in range(0, count, batch_size):
        noise = rng.standard_normal((min(batch_size, count - start), noise_dim)).astype(np.float32)
        yield np.asarray(generator.predict_on_batch(noise), dtype=np.float32)
