"""Table 5.1's building blocks: halves of the showings, the noise baseline, the evoked-response means."""

import numpy as np

from lfp.data.recording import StimulusLFP
from lfp.evaluation.table import gaussian_like, halves, image_means


def _recording(image_ids):
    onsets = np.arange(len(image_ids)) * 10
    return StimulusLFP(lfp=np.zeros((len(image_ids) * 10 + 20, 2), np.float32), sampling_rate=100.0,
                       channel_ids=np.arange(2), onsets=onsets, image_ids=np.asarray(image_ids),
                       images=np.zeros((3, 4, 4), np.float32), source="test")  # fmt: skip


def test_halves_split_each_images_showings_in_time_order():
    recording = _recording([0, 1, 0, 2, 0, 1, 0, 1, 2, 2])
    reference, scored = halves(recording, [0, 2])
    # image 0 at showings 0, 2, 4, 6; image 2 at 3, 8, 9 (odd count: the later half is larger)
    assert sorted(reference) == [0, 2, 3] and sorted(scored) == [4, 6, 8, 9]


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
