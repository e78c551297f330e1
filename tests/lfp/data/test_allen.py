"""The Allen reader, on small NWB files written with pynwb in the Allen layout (see lfp/data/allen.py)."""

import datetime

import h5py
import numpy as np
import pynwb
import pytest
from pynwb.ecephys import LFP, ElectricalSeries
from pynwb.epoch import TimeIntervals

from calciumgan.core.errors import RecordingError
from lfp.data.allen import load_images, read_allen_lfp

PROBE = 729445652
RATE = 1250.0
START = 12.0  # s: the LFP's first timestamp
SAMPLES = 2500  # 2 s
CHANNEL_IDS = [850, 851, 852, 853, 854]
STRUCTURES = ["VISp", "VISp", "VISp", "CA1", "CA1"]
FRAMES = [3, -1, 0, 2, 3]
STARTS = START + np.array([0.2, 0.45, 0.7, 0.95, 1.2]) + 0.0003  # 0.375 samples after a sample time


def new_nwbfile(identifier: str) -> pynwb.NWBFile:
    return pynwb.NWBFile(
        session_description="test",
        identifier=identifier,
        session_start_time=datetime.datetime(2019, 1, 8, 8, 25, 16, tzinfo=datetime.timezone.utc),
    )


def volts() -> np.ndarray:
    """(SAMPLES, 5) float32 volts; channel c holds c * 1e-4 V plus a ramp, so values are easy to check."""
    return (np.arange(5)[None, :] * 1e-4 + np.arange(SAMPLES)[:, None] * 1e-8).astype(np.float32)


def write_lfp_file(path, timestamps=None, structure_column="location", probe=PROBE, in_container=True):
    nwbfile = new_nwbfile(str(probe))
    device = nwbfile.create_device(name=f"probe{probe}")
    group = nwbfile.create_electrode_group(f"probe{probe}", description="", location="", device=device)
    locations = STRUCTURES if structure_column == "location" else ["None"] * 5  # pynwb needs some text
    if structure_column == "manual_structure_acronym":
        nwbfile.add_electrode_column("manual_structure_acronym", "structure acronym")
    for channel, location, structure in zip(CHANNEL_IDS, locations, STRUCTURES):
        extra = {"manual_structure_acronym": structure} if structure_column == "manual_structure_acronym" else {}
        nwbfile.add_electrode(id=channel, group=group, location=location, **extra)
    region = nwbfile.create_electrode_table_region(list(range(5)), "lfp channels")
    series = dict(
        name=f"probe_{probe}_lfp_data",
        data=volts(),
        timestamps=START + np.arange(SAMPLES) / RATE if timestamps is None else timestamps,
        electrodes=region,
    )
    if in_container:
        lfp = LFP(name=f"probe_{probe}_lfp")
        nwbfile.add_acquisition(lfp)
        lfp.create_electrical_series(**series)
    else:  # the series alone in acquisition
        nwbfile.add_acquisition(ElectricalSeries(**series))
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


def write_session_file(path, frames=FRAMES, starts=STARTS, in_epochs=False):
    nwbfile = new_nwbfile("719161530")
    if in_epochs:  # the 2019 files: every stimulus in one epochs table
        nwbfile.add_epoch_column("stimulus_name", "stimulus")
        nwbfile.add_epoch_column("frame", "image")
        nwbfile.add_epoch(start_time=START, stop_time=START + 0.1, stimulus_name="spontaneous", frame=np.nan)
        for start, frame in zip(starts, frames):
            nwbfile.add_epoch(
                start_time=start, stop_time=start + 0.25, stimulus_name="natural_scenes", frame=float(frame)
            )
    else:
        table = TimeIntervals(name="natural_scenes_presentations", description="natural scenes")
        table.add_column("frame", "image index, -1 blank")
        for start, frame in zip(starts, frames):
            table.add_interval(start_time=start, stop_time=start + 0.25, frame=float(frame))
        nwbfile.add_time_intervals(table)
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("allen")
    return write_lfp_file(folder / f"probe_{PROBE}_lfp.nwb"), write_session_file(folder / "session_719161530.nwb")


def test_values_rate_channels_onsets_and_blanks(files):
    recording = read_allen_lfp(*files)
    assert recording.sampling_rate == pytest.approx(RATE, rel=1e-9)
    np.testing.assert_array_equal(recording.channel_ids, [850, 851, 852])  # the VISp channels by default
    np.testing.assert_allclose(recording.lfp, volts()[:, :3] * 1e6, rtol=1e-6)  # volts -> microvolts
    assert recording.lfp.dtype == np.float32
    np.testing.assert_array_equal(
        recording.onsets, [250, 875, 1188, 1500]
    )  # nearest to 250.375, 875.375, 1187.875, 1500.375
    np.testing.assert_array_equal(recording.image_ids, [3, 0, 2, 3])  # the blank dropped
    assert recording.images is None and recording.source == str(files[0])


def test_channels_by_id_in_the_given_order(files):
    recording = read_allen_lfp(*files, channel_ids=[854, 850])
    np.testing.assert_array_equal(recording.channel_ids, [854, 850])
    np.testing.assert_allclose(recording.lfp, volts()[:, [4, 0]] * 1e6, rtol=1e-6)


def test_2019_layout_structure_column_and_epochs_table(tmp_path):
    lfp_path = write_lfp_file(tmp_path / "lfp.nwb", structure_column="manual_structure_acronym")
    session_path = write_session_file(tmp_path / "session.nwb", in_epochs=True)
    recording = read_allen_lfp(lfp_path, session_path, probe_id=PROBE)
    np.testing.assert_array_equal(recording.channel_ids, [850, 851, 852])
    np.testing.assert_array_equal(recording.image_ids, [3, 0, 2, 3])


def test_a_series_outside_an_lfp_container_is_found(tmp_path, files):
    lfp_path = write_lfp_file(tmp_path / "lfp.nwb", in_container=False)
    np.testing.assert_allclose(read_allen_lfp(lfp_path, files[1]).lfp, volts()[:, :3] * 1e6, rtol=1e-6)


def test_without_structures_every_channel_is_read(tmp_path, files):
    lfp_path = write_lfp_file(tmp_path / "lfp.nwb", structure_column=None)
    assert read_allen_lfp(lfp_path, files[1]).num_channels == 5


def test_images_are_scaled_to_the_unit_interval(files, tmp_path):
    scenes = np.random.default_rng(0).integers(0, 256, (4, 6, 8)).astype(np.uint8)
    np.save(tmp_path / "scenes.npy", scenes)
    recording = read_allen_lfp(*files, images=tmp_path / "scenes.npy")
    np.testing.assert_allclose(recording.images, scenes / 255.0, rtol=1e-6)
    np.savez(tmp_path / "scenes.npz", images=scenes.astype(np.float64))  # floats in [0, 255]
    with h5py.File(tmp_path / "scenes.h5", "w") as file:
        file["stack"] = scenes / 255.0  # floats in [0, 1], the only dataset
    for name in ("scenes.npz", "scenes.h5"):
        np.testing.assert_allclose(load_images(tmp_path / name), scenes / 255.0, rtol=1e-6)


def test_errors_name_the_file_and_what_is_missing(files, tmp_path):
    lfp_path, session_path = files
    (tmp_path / "text.nwb").write_text("not an nwb file")
    cases = [
        ((tmp_path / "text.nwb", session_path), {}, "text.nwb: not an NWB file"),
        ((session_path, session_path), {}, "0 LFP containers 'probe_<id>_lfp' in acquisition"),
        (files, {"probe_id": 1}, "no LFP series 'probe_1_lfp/probe_1_lfp_data'"),
        ((lfp_path, lfp_path), {}, "no intervals table 'natural_scenes_presentations'"),
        (files, {"channel_ids": [850, 999]}, "channel id 999 not found"),
        (files, {"images": tmp_path / "absent.npy"}, "absent.npy: no such file"),
    ]
    for paths, options, message in cases:
        with pytest.raises(RecordingError) as error:
            read_allen_lfp(*paths, **options)
        assert message in str(error.value) and "\n" not in str(error.value)


def test_irregular_timestamps_late_presentations_and_too_few_images_are_refused(files, tmp_path):
    timestamps = START + np.arange(SAMPLES) / RATE
    timestamps[1000:] += 0.01  # a 10 ms gap
    lfp_path = write_lfp_file(tmp_path / "gap.nwb", timestamps=timestamps)
    with pytest.raises(RecordingError, match="gap.nwb: irregular LFP timestamps"):
        read_allen_lfp(lfp_path, files[1])
    late = write_session_file(tmp_path / "late.nwb", frames=[1], starts=[START + 5.0])  # the LFP lasts 2 s
    with pytest.raises(RecordingError, match="late.nwb: presentation at 17.000 s lies outside the LFP"):
        read_allen_lfp(files[0], late)
    np.save(tmp_path / "three.npy", np.zeros((3, 4, 4), np.uint8))
    with pytest.raises(RecordingError, match="three.npy: 3 images, but the session shows frame 3"):
        read_allen_lfp(*files, images=tmp_path / "three.npy")


def test_an_experiment_config_on_allen_files_makes_the_data_stage(files, tmp_path):
    from lfp.config import config_from_dict
    from lfp.experiment import Experiment, experiment_data

    np.save(tmp_path / "scenes.npy", np.random.default_rng(1).integers(0, 256, (4, 48, 64)).astype(np.uint8))
    config = config_from_dict({
        "data": {"source": "allen", "lfp_path": str(files[0]), "session_path": str(files[1]), "test_images": 1,
                 "images_path": str(tmp_path / "scenes.npy"), "image_height": 48, "image_width": 64},
        "model": {"image_encoder": "demo"},
    })  # fmt: skip
    experiment = Experiment(tmp_path / "experiment")
    recording, train_ids, test_ids = experiment_data(config, experiment, "lfp.pretrain")
    assert recording.lfp.shape == (SAMPLES, 3) and len(recording.onsets) == 4
    assert len(test_ids) == 1 and sorted([*train_ids, *test_ids]) == [0, 1, 2, 3]
    again, _, again_test = experiment.load_data()  # written once, read back unchanged
    np.testing.assert_array_equal(again.lfp, recording.lfp)
    np.testing.assert_array_equal(again.onsets, recording.onsets)
    assert list(again_test) == list(test_ids)
