"""Generated LFP windows for given showings: one window per showing, conditioned on its image."""

import numpy as np

from calciumgan.training.sampling import BATCH_SIZE, sample_batches


class _ShownImages:
    """The images of ``image_ids`` as (n, height, width, 1), looked up a slice at a time (never all at once)."""

    def __init__(self, images: np.ndarray, image_ids: np.ndarray):
        self.images, self.image_ids = images, np.asarray(image_ids)

    def __len__(self) -> int:
        return len(self.image_ids)

    def __getitem__(self, rows: slice) -> np.ndarray:
        return np.asarray(self.images[self.image_ids[rows]], np.float32)[..., None]


def generate_windows(generator, images: np.ndarray, image_ids, seed: int, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Windows (n, window, channels) float32 in standardised units, the i-th conditioned on image
    ``images[image_ids[i]]`` (images (I, height, width) in [0, 1]); an image-free generator ignores them."""
    count = len(image_ids)
    conditions = _ShownImages(images, image_ids) if len(generator.inputs) == 2 else None
    return np.concatenate(list(sample_batches(generator, count, seed, batch_size, conditions=conditions)))
