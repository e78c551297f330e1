"""The dataset value and its HDF5 file, the image split, the simulated session."""

import dataclasses

import h5py
import numpy as np
import pytest

from calciumgan.core.errors import ConfigError, RecordingError
from exciting_inputs.config import SimulationConfig
from exciting_inputs.dataset import ResponseDataset, load_dataset, save_dataset, split_images
from exciting_inputs.simulation.session import simulate_session

SMALL = SimulationConfig(seed=3, num_images=12, image_height=16, image_width=24, trials=4, num_neurons=5,
                         noiseless_neurons=1)  # fmt: skip


@pytest.fixture(scope="module")
def session():
    return simulate_session(SMALL)


def test_session_has_the_configured_shapes_and_is_seeded(session):
    assert session.images.shape == (12, 16, 24) and session.responses.shape == (4, 12, 5)
    assert session.images.min() >= 0 and session.images.max() <= 1 and len(session.population) == 5
    again = simulate_session(SMALL)
    np.testing.assert_array_equal(again.images, session.images)
    np.testing.assert_array_equal(again.responses, session.responses)
    other = simulate_session(dataclasses.replace(SMALL, seed=4))
    assert not np.array_equal(other.responses, session.responses)
    truth = session.population.true_response(session.images).astype(np.float32)
    np.testing.assert_array_equal(session.responses[:, :, 0], np.broadcast_to(truth[:, 0], (4, 12)))  # noiseless


def test_file_round_trip_keeps_every_value(tmp_path, session):
    responses = session.responses.copy()
    responses[1, 2, 3] = np.nan
    dataset = ResponseDataset(session.images, responses, session.population)
    loaded = load_dataset(save_dataset(dataset, tmp_path / "dataset.h5"))
    np.testing.assert_array_equal(loaded.images, dataset.images)
    np.testing.assert_array_equal(loaded.responses, dataset.responses)
    for name, values in dataset.population.parameters().items():
        np.testing.assert_array_equal(getattr(loaded.population, name), values)
    assert not list(tmp_path.glob(".partial-*"))


def test_a_recording_without_true_neurons_round_trips(tmp_path, session):
    loaded = load_dataset(save_dataset(ResponseDataset(session.images, session.responses), tmp_path / "r.h5"))
    assert loaded.population is None and loaded.responses.shape == (4, 12, 5)


def test_bad_files_and_values_are_one_line_errors(tmp_path, session):
    with pytest.raises(RecordingError, match="no such file"):
        load_dataset(tmp_path / "absent.h5")
    (tmp_path / "text.h5").write_text("not hdf5")
    with pytest.raises(RecordingError, match="not a readable HDF5 file"):
        load_dataset(tmp_path / "text.h5")
    path = save_dataset(session, tmp_path / "cut.h5")
    with h5py.File(path, "a") as file:
        del file["neurons/gain"]
    with pytest.raises(RecordingError, match="cut.h5: missing key 'neurons/gain'"):
        load_dataset(path)
    with pytest.raises(RecordingError, match="as many images as the responses"):
        ResponseDataset(session.images[:5], session.responses)
    with pytest.raises(RecordingError, match=r"in \[0, 1\]"):
        ResponseDataset(session.images * 2, session.responses)
    with pytest.raises(RecordingError, match="does not match"):
        ResponseDataset(session.images, session.responses[:, :, :4], session.population)


def test_split_covers_every_image_once_in_the_requested_sizes():
    split = split_images(118, 0.15, 0.15, seed=3)
    assert [len(split[name]) for name in ("train", "validation", "test")] == [82, 18, 18]
    np.testing.assert_array_equal(np.sort(np.concatenate(list(split.values()))), np.arange(118))
    assert all(np.all(np.diff(indices) > 0) for indices in split.values())
    again, other = split_images(118, 0.15, 0.15, seed=3), split_images(118, 0.15, 0.15, seed=4)
    assert all(np.array_equal(split[name], again[name]) for name in split)
    assert not np.array_equal(split["test"], other["test"])
    assert [len(part) for part in split_images(3, 0.1, 0.1).values()] == [1, 1, 1]  # at least one image each
    with pytest.raises(ConfigError, match="2 images leave none for training"):
        split_images(2, 0.1, 0.1)
