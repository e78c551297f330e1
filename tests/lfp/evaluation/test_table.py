"""Table 5.1's building blocks: halves of the showings, the noise baseline, the evoked-response means, and
floors that compare like with like."""

import dataclasses

import numpy as np

from lfp.config import LFPConfig
from lfp.data.recording import StimulusLFP
from lfp.evaluation.table import evaluate_splits, gaussian_like, halves, image_means, random_signal_encoder
from lfp.metrics.frechet import frechet_distance


def _recording(image_ids):
    onsets = np.arange(len(image_ids)) * 10
    return StimulusLFP(lfp=np.zeros((len(image_ids) * 10 + 20, 2), np.float32), sampling_rate=100.0,
                       channel_ids=np.arange(2), onsets=onsets, image_ids=np.asarray(image_ids),
                       images=np.zeros((int(np.max(image_ids)) + 1, 4, 4), np.float32), source="test")  # fmt: skip


def test_halves_split_each_images_showings_in_time_order():
    recording = _recording([0, 1, 0, 2, 0, 1, 0, 1, 2, 2])
    reference, scored = halves(recording, [0, 2])
    # image 0 at showings 0, 2, 4, 6; image 2 at 3, 8, 9 (odd count: its last showing is left out)
    assert reference.tolist() == [0, 2, 3] and scored.tolist() == [4, 6, 8]


def test_halves_of_a_given_size_take_whole_images_then_cut_the_last():
    recording = _recording(np.tile(np.arange(6), 4))  # 6 images, 4 showings each: 2 per half
    full_reference, full_scored = halves(recording, range(6))
    reference, scored = halves(recording, range(6), count=5, seed=3)
    assert len(reference) == len(scored) == 5
    assert set(reference) <= set(full_reference) and set(scored) <= set(full_scored)
    # each image keeps as many showings in both halves: two images whole, one cut to its first showing
    counts = [tuple(int(np.sum(recording.image_ids[half] == image)) for half in (reference, scored))
              for image in range(6)]  # fmt: skip
    assert sorted(counts) == [(0, 0)] * 3 + [(1, 1), (2, 2), (2, 2)]
    np.testing.assert_array_equal(halves(recording, range(6), count=5, seed=3)[1], scored)  # seeded


def test_gaussian_baseline_has_the_data_moments_per_sample_and_channel():
    rng = np.random.default_rng(0)
    data = rng.normal(loc=np.linspace(-2, 2, 6)[None, :, None], scale=[0.5, 3.0], size=(400, 6, 2))
    noise = gaussian_like(data, 20_000, seed=1)
    assert noise.shape == (20_000, 6, 2) and noise.dtype == np.float32
    np.testing.assert_allclose(noise.mean(axis=0), data.mean(axis=0), atol=0.05)
    np.testing.assert_allclose(noise.std(axis=0), data.std(axis=0), rtol=0.02)
    np.testing.assert_array_equal(gaussian_like(data, 5, seed=1), noise[:5])


def test_image_means_average_the_windows_of_each_label():
    windows = np.arange(5 * 3 * 2, dtype=np.float32).reshape(5, 3, 2)
    labels = np.array([1, 0, 1, 2, 1])
    means = image_means(windows, labels, 3)
    np.testing.assert_allclose(means[0], windows[1])
    np.testing.assert_allclose(means[1], windows[[0, 2, 4]].mean(axis=0))
    np.testing.assert_allclose(means[2], windows[3])


def test_floors_of_splits_of_different_sizes_are_comparable():
    """One distribution (noise, images irrelevant), a training split with 4 times the test split's
    images: every set is cut to the test split's size, so the two tables' real-versus-real floors
    agree; scored at the training split's full size, its floor would be far lower (FD shrinks as
    sets grow; 120 against 30 windows), and the train-versus-test floor matches both."""
    rng = np.random.default_rng(0)
    window, channels, showings = 313, 2, 6  # the signal encoder (Table 4.1) needs 313 samples
    image_ids = np.tile(np.arange(50), showings)
    rng.shuffle(image_ids)
    recording = StimulusLFP(lfp=rng.standard_normal((len(image_ids) * window + window, channels)).astype(np.float32),
                            sampling_rate=250.0, channel_ids=np.arange(channels),
                            onsets=np.arange(len(image_ids)) * window, image_ids=image_ids,
                            images=np.zeros((50, 8, 8), np.float32), source="test")  # fmt: skip
    config = LFPConfig()
    config = dataclasses.replace(config, data=dataclasses.replace(config.data, window=window),
                                 evaluate=dataclasses.replace(config.evaluate, classifier_epochs=1))
    splits = {"train": list(range(40)), "test": list(range(40, 50))}
    encoder = random_signal_encoder(window, channels, seed=1)
    results = evaluate_splits(recording, splits, {}, encoder, config, training_images=splits["train"])
    assert results["windows"] == 10 * showings // 2
    floors = {split: results["table"][split]["real"]["fd"] for split in splits}
    assert abs(floors["train"] - floors["test"]) < 0.1 * floors["test"]
    assert abs(results["table"]["test"]["other_split"]["fd"] - floors["test"]) < 0.1 * floors["test"]
    reference, scored = halves(recording, splits["train"])  # the whole training split: 4 times as many
    full = frechet_distance(*(recording.lfp[recording.onsets[half][:, None] + np.arange(window)] for half in
                              (reference, scored)))  # fmt: skip
    assert full < 0.85 * floors["train"]  # measured: 810 against 1,071
    for split in splits:
        assert len(results["sets"][split]["noise"]) == len(results["sets"][split]["real"]) == results["windows"]
