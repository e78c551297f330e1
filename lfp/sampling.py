"""Generated LFP windows for given showings: one window per showing, conditioned on its image; the samples file
of a trained experiment's GAN (``python -m lfp.generate``)."""

import logging

import numpy as np

from calciumgan.core.files import check_output_file
from calciumgan.core.samples import LFP, SUFFIXES, write_samples
from calciumgan.training.sampling import BATCH_SIZE, sample_batches

logger = logging.getLogger("lfp.generate")
IMAGE_SETS = ("train", "test", "all")


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


def generate(experiment_dir, out, init: str = "pretrained", images: str = "test", seed: int = 0,
             overwrite: bool = False) -> None:  # fmt: skip
    """Write one generated window per showing of the ``images`` set (``IMAGE_SETS``) of the experiment's split
    to the samples file ``out``, HDF5 or NWB by its suffix (``calciumgan.core.samples``): (n, window, channels)
    float32 in the standardised units the GAN learned (each window z-scored), the channel ids, per-sample
    ``image_ids`` (n,) and ``showings`` (n,) (the showings of the recording they stand for), and the provenance
    ``seed``, ``run`` and ``init``."""
    from lfp.data.recording import showings_of
    from lfp.experiment import Experiment

    out = check_output_file(out, SUFFIXES, overwrite)
    experiment = Experiment(experiment_dir)
    run = experiment.gan_run(init)
    run.check_finished()
    recording, train_ids, test_ids = experiment.load_data()
    chosen = {"train": train_ids, "test": test_ids, "all": [*train_ids, *test_ids]}[images]
    showings = showings_of(recording, chosen)
    generator = run.load_model(run.generator_path)
    windows = generate_windows(generator, recording.images, recording.image_ids[showings], seed)
    write_samples(out, [windows], windows.shape, recording.sampling_rate, recording.channel_ids,
                  {"seed": seed, "run": str(run.root), "init": init}, signal=LFP,
                  per_sample={"image_ids": np.asarray(recording.image_ids[showings], np.int64),
                              "showings": np.asarray(showings, np.int64)})  # fmt: skip
    logger.info("wrote %d windows of %d samples x %d channels (%s images) to %s", *windows.shape, images, out)
