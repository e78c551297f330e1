"""The StimulusLFP value: validation, the HDF5 round trip, the image split and the window helpers."""

import h5py
import numpy as np
import pytest

from calciumgan.core.errors import ConfigError, RecordingError
from lfp.data.recording import (
    StimulusLFP,
    load_stimulus_lfp,
    pretraining_starts,
    save_stimulus_lfp,
    showings_of,
    split_images,
    standardize_windows,
)


def small_recording(**overrides) -> StimulusLFP:
    """100 samples x 3 channels, 4 showings of 3 images (8 x 6 pixels)."""
    rng = np.random.default_rng(0)
    fields = dict(
        lfp=rng.normal(0, 50, (100, 3)),
        sampling_rate=1250.0,
        channel_ids=[7, 3, 9],
        onsets=[10, 20, 30, 60],
        image_ids=[0, 2, 1, 2],
        images=rng.uniform(0, 1, (3, 8, 6)),
        source="test",
    )
    return StimulusLFP(**{**fields, **overrides})


def test_fields_are_normalised_to_the_documented_dtypes():
    recording = small_recording()
    assert recording.lfp.dtype == np.float32 and recording.lfp.shape == (100, 3)
    assert recording.images.dtype == np.float32 and recording.images.shape == (3, 8, 6)
    for name in ("channel_ids", "onsets", "image_ids"):
        assert getattr(recording, name).dtype == np.int64
    assert recording.num_channels == 3 and recording.duration == pytest.approx(0.08)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"lfp": np.zeros(100)}, "'lfp' must be a non-empty"),
        ({"lfp": np.full((100, 3), np.nan)}, "'lfp' holds 300 NaN"),
        ({"sampling_rate": 0.0}, "'sampling_rate' must be a positive number of Hz, got 0.0"),
        ({"sampling_rate": "fast"}, "'sampling_rate' must be a positive number of Hz, got 'fast'"),
        ({"channel_ids": [1, 1, 2]}, "'channel_ids' must be 3 distinct"),
        ({"channel_ids": [1.0, 2.0, 3.0]}, "'channel_ids' must hold integers"),
        ({"onsets": [10, 20, 30]}, "equal-length"),
        ({"onsets": [10, 20, 30, 100]}, "'onsets' must lie in [0, 100)"),
        ({"image_ids": [0, 2, 1, -1]}, "negative ids"),
        ({"image_ids": [0, 2, 1, 3]}, "'image_ids' reaches 3 but there are 3 images"),
        ({"images": np.full((3, 8, 6), 1.5)}, "'images' must hold values in [0, 1]"),
        ({"images": np.zeros((3, 8))}, "'images' must be (num_images, height, width)"),
    ],
)
def test_invalid_fields_are_one_line_errors_naming_the_field(overrides, message):
    with pytest.raises(RecordingError) as error:
        small_recording(**overrides)
    assert message in str(error.value) and str(error.value).startswith("test: ") and "\n" not in str(error.value)


def test_check_refuses_a_window_running_past_the_end():
    recording = small_recording()
    recording.check(40)  # the last onset, 60, has room for 40 samples
    with pytest.raises(RecordingError, match="1 showing\\(s\\) start too late for a 41-sample window"):
        recording.check(41)


def test_save_and_load_round_trip(tmp_path):
    recording = small_recording()
    path = save_stimulus_lfp(recording, tmp_path / "data.h5")
    loaded = load_stimulus_lfp(path)
    for name in ("lfp", "channel_ids", "onsets", "image_ids", "images"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(recording, name))
    assert loaded.sampling_rate == 1250.0 and loaded.source == str(path)
    assert [p.name for p in tmp_path.iterdir()] == ["data.h5"]  # no temporary left behind


def test_a_recording_without_images_round_trips(tmp_path):
    loaded = load_stimulus_lfp(save_stimulus_lfp(small_recording(images=None), tmp_path / "data.h5"))
    assert loaded.images is None


def test_load_errors_name_the_file_and_the_key(tmp_path):
    with pytest.raises(RecordingError, match="absent.h5: no such file"):
        load_stimulus_lfp(tmp_path / "absent.h5")
    (tmp_path / "text.h5").write_text("not hdf5")
    with pytest.raises(RecordingError, match="text.h5: not a readable HDF5 file"):
        load_stimulus_lfp(tmp_path / "text.h5")
    path = save_stimulus_lfp(small_recording(), tmp_path / "data.h5")
    with h5py.File(path, "a") as file:
        del file["onsets"]
    with pytest.raises(RecordingError, match="data.h5: missing key 'onsets'"):
        load_stimulus_lfp(path)


def test_split_images_is_94_24_disjoint_and_seeded():
    train, test = split_images(118, 24, seed=3)
    assert len(train) == 94 and len(test) == 24
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(118))
    again, other = split_images(118, 24, seed=3), split_images(118, 24, seed=4)
    np.testing.assert_array_equal(again[1], test)
    assert not np.array_equal(other[1], test)
    with pytest.raises(ConfigError, match="test_images: must be in \\[1, 117\\]"):
        split_images(118, 118, seed=0)


def test_showings_of_lists_the_showings_of_the_given_images_in_time_order():
    np.testing.assert_array_equal(showings_of(small_recording(), [2]), [1, 3])
    np.testing.assert_array_equal(showings_of(small_recording(), [0, 1]), [0, 2])


def test_pretraining_starts_skip_exactly_the_windows_overlapping_a_test_showing():
    recording = small_recording()  # image 2 is shown at 20 and 60
    starts = pretraining_starts(recording, window=5, test_ids=[2])
    forbidden = set(range(16, 25)) | set(range(56, 65))  # starts s with onset - 5 < s < onset + 5
    assert set(starts.tolist()) == set(range(96)) - forbidden
    np.testing.assert_array_equal(pretraining_starts(recording, 5, [2], stride=10), [0, 10, 30, 40, 50, 70, 80, 90])


def test_pretraining_windows_never_touch_a_test_window_and_cover_the_spontaneous_time():
    onsets = np.arange(1000, 3000, 312)
    recording = small_recording(
        lfp=np.zeros((5000, 2)),
        channel_ids=[0, 1],
        onsets=onsets,
        image_ids=np.arange(len(onsets)) % 3,
        images=None,
    )
    window = 313
    starts = pretraining_starts(recording, window, test_ids=[1])
    test_onsets = onsets[recording.image_ids == 1]
    overlap = (starts[:, None] < test_onsets[None, :] + window) & (test_onsets[None, :] < starts[:, None] + window)
    assert not overlap.any()
    assert set(range(0, 1000 - window + 1)) <= set(starts.tolist())  # the spontaneous time before the showings
    assert set(range(3000, 5000 - window + 1)) <= set(starts.tolist())  # and after


@pytest.mark.backend
def test_standardize_windows_z_scores_each_whole_window():
    rng = np.random.default_rng(1)
    windows = (rng.normal(3, 2, (4, 50, 3)) * np.array([1.0, 5.0, 0.5])).astype(np.float32)
    windows[3] = 7.0  # a flat window
    standardized = np.asarray(standardize_windows(windows))
    assert standardized.shape == windows.shape
    expected = (windows[:3] - windows[:3].mean(axis=(1, 2), keepdims=True)) / windows[:3].std(
        axis=(1, 2), keepdims=True
    )
    np.testing.assert_allclose(standardized[:3], expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(standardized[3], 0.0)
    # one scale per window: the channels keep their amplitude ratios
    ratio = standardized[:3, :, 1].std(axis=1) / standardized[:3, :, 0].std(axis=1)
    np.testing.assert_allclose(ratio, windows[:3, :, 1].std(axis=1) / windows[:3, :, 0].std(axis=1), rtol=1e-4)
