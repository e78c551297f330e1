"""Table 5.1 of the thesis, made fair: every row scored by one pipeline on held-out showings, like for like.

For each split (training images, test images) the showings of every image are halved by their
order: the first half ("reference") trains the stimulus classifier, the second half ("scored")
is what every row is compared with. Both halves of an image hold the same number of showings,
and every set in both tables holds the same number of windows, ``n``: the smaller split's scored
count. The larger split keeps the halves of a seeded subset of its images (the last one cut), so
that the raw Fréchet distance, which grows as sets shrink, compares like with like across rows,
floors and splits. Rows:

- each finished GAN run: one generated window per scored showing, conditioned on its image;
- Gaussian noise with the mean and variance per sample and channel of the GANs' training data
  (every showing of the training images), nothing of the scored data;
- real, other showings: the reference half itself (the floor a perfect conditional generator
  reaches: two sets of showings of the same images);
- real, train vs test images: the two splits' scored sets (a generator that ignores the image
  cannot do better).

Metrics of a set against the scored half: the Fréchet distance of raw (z-scored) windows (FD,
Eq. 2.11 without Inception); the Fréchet distance of the codes of a randomly initialised signal
encoder (fixed random features, seeded: a feature space no compared model starts from), with the
pre-trained signal encoder's codes as a labelled extra (the pre-trained GAN's critic starts from
that encoder, so it can favour that GAN); the RMS log-spectrum difference and the
channel-correlation difference; the error of the evoked responses (the RMS difference, over
images, time and channels, between each image's mean window in the set and in the scored half:
does the generator respond to the image as the brain does?) and the stimulus classifier's
Inception-score analogue and accuracy (the real row's classifier scores are of the scored half:
the classifier never saw them). Inception-v3 FID / IS are added when its weights are available
locally.
"""

import logging

import numpy as np

from calciumgan.core.errors import RunError
from lfp.data.recording import showings_of, standardize_windows
from lfp.metrics.classifier import class_probabilities, conditional_accuracy, fit_stimulus_classifier, inception_score
from lfp.metrics.frechet import frechet_distance
from lfp.metrics.inception import inception_available, inception_metrics
from lfp.metrics.signals import correlation_distance, spectral_distance
from lfp.sampling import generate_windows

logger = logging.getLogger(__name__)

ROW_TITLES = {
    "scratch": "GAN (no pre-training)",
    "pretrained": "Pre-trained GAN",
    "noise": "Gaussian noise",
    "real": "Real: other showings of the same images",
    "other_split": "Real: train vs test images",
}
METRICS = ("fd", "domain_fd", "encoder_fd", "spectral", "correlation", "evoked", "classifier_is", "accuracy")


def showing_windows(recording, showings, window: int) -> np.ndarray:
    """Standardised windows (n, window, channels) float32 of the given showings."""
    starts = np.asarray(recording.onsets)[showings]
    windows = np.asarray(recording.lfp, np.float32)[starts[:, None] + np.arange(window)]
    return np.asarray(standardize_windows(windows), np.float32)


def halves(recording, image_ids, count: int | None = None, seed: int = 0) -> tuple:
    """(reference, scored) showing indices, each sorted: each image's showings in recording order, the
    first half and as many of the rest (an odd last showing is left out).

    With ``count``, only as many showings per half: the halves of the images in a seeded order, while
    they fit, and the first showings of the next image's halves.
    """
    pairs = []
    for image in image_ids:
        own = showings_of(recording, [image])
        cut = len(own) // 2
        pairs.append((own[:cut], own[cut : 2 * cut]))
    if count is not None:
        order = np.random.default_rng(seed).permutation(len(pairs))
        kept, left = [], count
        for index in order:
            reference, scored = pairs[index]
            take = min(left, len(reference))
            kept.append((reference[:take], scored[:take]))
            left -= take
        if left:
            raise ValueError(f"{count} showings per half asked of images that hold {count - left}")
        pairs = kept
    return tuple(np.sort(np.concatenate([pair[side] for pair in pairs] or [np.zeros(0, np.int64)]))
                 for side in (0, 1))  # fmt: skip


def gaussian_like(windows: np.ndarray, count: int, seed: int) -> np.ndarray:
    """``count`` windows of independent Gaussian noise with ``windows``' mean and variance per (time, channel)."""
    windows = np.asarray(windows, np.float64)
    noise = np.random.default_rng(seed).standard_normal((count, *windows.shape[1:]))
    return (windows.mean(axis=0) + windows.std(axis=0) * noise).astype(np.float32)


def image_means(windows: np.ndarray, labels: np.ndarray, num_labels: int) -> np.ndarray:
    """(num_labels, window, channels) float64: the mean window of each label (the evoked response); NaN for a
    label without windows."""
    sums = np.zeros((num_labels, *windows.shape[1:]))
    np.add.at(sums, labels, np.asarray(windows, np.float64))
    with np.errstate(invalid="ignore"):
        return sums / np.bincount(labels, minlength=num_labels)[:, None, None]


class Scorer:
    """The metrics of candidate sets against one split's scored showings (with their image ``labels``).

    ``encoders``: metric name -> encoder model whose codes the Fréchet distance of that name compares.
    """

    def __init__(self, scored: np.ndarray, labels, encoders: dict, classifier, sampling_rate: float,
                 max_frequency: float, inception_weights=None):  # fmt: skip
        self.scored, self.labels, self.encoders, self.classifier = scored, labels, encoders, classifier
        self.sampling_rate, self.max_frequency, self.inception_weights = sampling_rate, max_frequency, inception_weights
        self.scored_codes = {name: codes(encoder, scored) for name, encoder in encoders.items()}
        self.scored_means = None if labels is None else image_means(scored, labels, int(labels.max()) + 1)

    def distances(self, candidate: np.ndarray) -> dict:
        scores = {"fd": frechet_distance(candidate, self.scored),
                  **{name: frechet_distance(codes(encoder, candidate), self.scored_codes[name])
                     for name, encoder in self.encoders.items()},
                  "spectral": spectral_distance(self.scored, candidate, self.sampling_rate, self.max_frequency),
                  "correlation": correlation_distance(self.scored, candidate)}  # fmt: skip
        if self.inception_weights is not None:
            inception = inception_metrics(self.scored, candidate, self.inception_weights)
            scores.update(inception_fid=inception["fid"], inception_is=inception["inception_score"])
        return scores

    def evoked(self, windows: np.ndarray, labels: np.ndarray) -> dict:
        """RMS difference of the per-image mean windows of ``windows`` (image ``labels``) and the scored ones."""
        difference = image_means(windows, labels, len(self.scored_means)) - self.scored_means
        return {"evoked": float(np.sqrt(np.mean(difference[np.unique(self.labels)] ** 2)))}

    def recognition(self, windows: np.ndarray, labels: np.ndarray) -> dict:
        probabilities = class_probabilities(self.classifier, windows)
        return {"classifier_is": inception_score(probabilities)[0],
                "accuracy": conditional_accuracy(probabilities, labels)}  # fmt: skip


def codes(encoder, windows: np.ndarray) -> np.ndarray:
    """(n, features) float64 codes of (n, window, channels) windows, flattened."""
    return np.asarray(encoder.predict(windows, batch_size=256, verbose=0), np.float64).reshape(len(windows), -1)


def random_signal_encoder(window: int, channels: int, seed: int):
    """The signal encoder's architecture with seeded random weights: fixed random features for the domain FD."""
    import keras

    from lfp.models import build_signal_encoder

    keras.utils.set_random_seed(seed)
    return build_signal_encoder(window=window, channels=channels)


def evaluate_splits(recording, splits: dict, generators: dict, encoder, config, training_images) -> dict:
    """``{split: {row: {metric: value}}}`` for ``splits`` ``{name: image ids}`` and ``generators`` ``{init: model}``;
    ``encoder`` is the pre-trained signal encoder, ``training_images`` the image ids the GANs were trained on.

    Returned as ``{"table": ..., "windows": n (every set's size), "sets": {split: {row: windows}},
    "scored_images": {split: (n,) image ids of the scored showings, the order of every set's windows},
    "inception": why Inception-v3 ran or not}``.
    """
    settings, window = config.evaluate, config.data.window
    inception_weights = settings.inception_weights
    available, reason = inception_available(inception_weights)
    if not available:
        logger.info("Inception-v3 FID / IS skipped: %s", reason)
    count = min(len(halves(recording, image_ids)[1]) for image_ids in splits.values())
    if count < 2:
        raise RunError(f"{count} scored showing(s) in the smaller split: the Fréchet distances need 2 or more, "
                       "so its images need 4 or more showings in all")  # fmt: skip
    encoders = {"domain_fd": random_signal_encoder(window, recording.lfp.shape[1], settings.sample_seed),
                "encoder_fd": encoder}  # fmt: skip
    training = showing_windows(recording, showings_of(recording, training_images), window)
    noise = gaussian_like(training, count, settings.sample_seed)
    table, sets, scored_sets, scored_images = {}, {}, {}, {}
    for split, image_ids in splits.items():
        reference, scored = halves(recording, image_ids, count, settings.sample_seed)
        real_reference = showing_windows(recording, reference, window)
        real_scored = showing_windows(recording, scored, window)
        label_of = {image: index for index, image in enumerate(image_ids)}
        reference_labels = np.array([label_of[i] for i in recording.image_ids[reference]])
        scored_labels = np.array([label_of[i] for i in recording.image_ids[scored]])
        classifier = fit_stimulus_classifier(
            real_reference, reference_labels, len(image_ids), epochs=settings.classifier_epochs,
            batch_size=settings.classifier_batch_size, seed=settings.sample_seed,
        )  # fmt: skip
        scorer = Scorer(real_scored, scored_labels, encoders, classifier, recording.sampling_rate,
                        settings.max_frequency, inception_weights if available else None)  # fmt: skip
        shown = recording.image_ids[scored]
        candidates = {init: generate_windows(generator, recording.images, shown, settings.sample_seed)
                      for init, generator in generators.items()}  # fmt: skip
        candidates["noise"] = noise
        rows = {}
        for name, windows in candidates.items():
            rows[name] = {**scorer.distances(windows), **scorer.evoked(windows, scored_labels),
                          **scorer.recognition(windows, scored_labels)}  # fmt: skip
        rows["real"] = {**scorer.distances(real_reference), **scorer.evoked(real_reference, reference_labels),
                        **scorer.recognition(real_scored, scored_labels)}  # fmt: skip
        logger.info("%s images: %d reference and %d scored showings", split, len(reference), len(scored))
        table[split] = rows
        scored_sets[split] = real_scored
        scored_images[split] = recording.image_ids[scored]
        sets[split] = {"real": real_scored, **candidates}
    if len(scored_sets) == 2:
        first, second = scored_sets.values()
        other = Scorer(first, None, encoders, None, recording.sampling_rate, settings.max_frequency,
                       inception_weights if available else None).distances(second)  # fmt: skip
        for rows in table.values():
            rows["other_split"] = other
    return {"table": table, "windows": count, "sets": sets, "scored_images": scored_images, "inception": reason}
