"""Samples files, HDF5 and NWB, calcium and LFP: the layout pynwb reads, round trips, streaming checks, atomic
writes, the CLI."""

import uuid

import h5py
import numpy as np
import pynwb
import pytest
from ophys_files import write_dff_nwb

import calciumgan
from calciumgan.core.errors import RecordingError
from calciumgan.core.samples import CALCIUM, LFP, open_samples, write_samples
from calciumgan.core.samples import nwb as nwb_samples
from calciumgan.evaluation.trace_files import TraceFile

COUNT, WINDOW, NEURONS, RATE = 7, 5, 3, 30.0
IDS = np.array([4, 9, 2])
METADATA = {"run": "runs/demo", "generator": "generator_ema.keras", "seed": 7, "truncation": 1.5}
PROVENANCE = {"package": "calciumgan", "version": calciumgan.__version__, **METADATA}


def samples() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(COUNT, WINDOW, NEURONS)).astype(np.float32)


def in_batches(values: np.ndarray, sizes=(3, 3, 1)):
    starts = np.cumsum((0, *sizes))
    return (values[start:stop] for start, stop in zip(starts[:-1], starts[1:]))


def write(path, batches, shape=(COUNT, WINDOW, NEURONS), **options):
    return write_samples(path, batches, shape, RATE, IDS, METADATA, **options)


def test_pynwb_reads_the_samples_end_to_end_with_their_neurons_table_and_provenance(tmp_path, monkeypatch):
    monkeypatch.setattr(nwb_samples, "CHUNK_BYTES", 2 * WINDOW * NEURONS * 4)  # two samples per HDF5 chunk
    values = samples()
    path = write(tmp_path / "s.nwb", in_batches(values))
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        nwbfile = io.read()
        series = nwbfile.processing["ophys"]["Fluorescence"]["synthetic_traces"]
        stored = series.data[()]
        assert stored.dtype == np.float32 and np.array_equal(stored, values.reshape(COUNT * WINDOW, NEURONS))
        assert series.data.chunks == (2 * WINDOW, NEURONS)
        assert (series.rate, series.starting_time, series.unit) == (RATE, 0.0, "a.u.")
        assert series.rois.table.id[:].tolist() == IDS.tolist() and series.rois.data[:].tolist() == [0, 1, 2]
        table = nwbfile.intervals["samples"]
        np.testing.assert_allclose(table["start_time"][:], np.arange(COUNT) * WINDOW / RATE, rtol=1e-15)
        np.testing.assert_allclose(table["stop_time"][:], np.arange(1, COUNT + 1) * WINDOW / RATE, rtol=1e-15)
        assert table["sample"][:].tolist() == list(range(COUNT))
        assert nwbfile.session_start_time.tzinfo is not None and uuid.UUID(nwbfile.identifier).version == 4
        assert f"calciumgan {calciumgan.__version__}" in nwbfile.session_description
    assert pynwb.validate(paths=[str(path)]) == []
    opened = open_samples(path)
    read = opened.read()
    assert read.dtype == np.float32 and np.array_equal(read, values) and opened.signal == CALCIUM
    assert opened.sampling_rate == RATE and opened.ids.tolist() == IDS.tolist() and opened.per_sample == {}
    assert opened.provenance == PROVENANCE


def test_lfp_samples_in_nwb_are_a_series_in_ecephys_with_a_channels_table_and_valid_nwb(tmp_path):
    values = samples()
    path = write(tmp_path / "lfp.nwb", in_batches(values), signal=LFP, per_sample={"image_ids": [3, 1, 4, 1, 5, 9, 2]})
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        nwbfile = io.read()
        series = nwbfile.processing["ecephys"]["synthetic_lfp"]
        assert np.array_equal(series.data[()], values.reshape(COUNT * WINDOW, NEURONS)) and series.unit == "a.u."
        assert list(nwbfile.processing["ecephys"]["synthetic_channels"].id[:]) == IDS.tolist()
        assert list(nwbfile.intervals["samples"]["image_ids"][:]) == [3, 1, 4, 1, 5, 9, 2]
    assert pynwb.validate(paths=[str(path)]) == []


@pytest.mark.parametrize("suffix", [".h5", ".nwb"])
@pytest.mark.parametrize("signal", [CALCIUM, LFP])
def test_every_generator_s_samples_round_trip_through_both_formats(tmp_path, suffix, signal):
    values, labels = samples(), np.array([0, 1, 2, 0, 1, 2, 0], np.int32)
    path = write(tmp_path / f"s{suffix}", in_batches(values), signal=signal, per_sample={"labels": labels})
    opened = open_samples(path)
    assert (opened.signal, opened.shape, opened.sampling_rate) == (signal, values.shape, RATE)
    assert opened.ids.tolist() == IDS.tolist() and opened.provenance == PROVENANCE
    assert list(opened.per_sample) == ["labels"] and opened.per_sample["labels"].tolist() == labels.tolist()
    assert np.array_equal(opened.read(), values) and np.array_equal(opened.read(2, 5), values[2:5])


@pytest.mark.parametrize(
    "sizes, shape, message",
    [
        ((3, 3), (COUNT, WINDOW, NEURONS), "the stream held 6 samples, 7 announced"),
        ((3, 3, 1), (6, WINDOW, NEURONS), r"a batch of shape \(1, 5, 3\) after 6 samples; expected 6 samples"),
        ((3, 3, 1), (COUNT, WINDOW + 1, NEURONS), r"a batch of shape \(3, 5, 3\) after 0 samples"),
    ],
)
def test_a_stream_that_differs_from_the_announced_shape_is_refused_and_leaves_no_file(tmp_path, sizes, shape, message):
    with pytest.raises(ValueError, match=message):
        write(tmp_path / "s.nwb", in_batches(samples(), sizes), shape)
    assert list(tmp_path.iterdir()) == []


def test_a_stream_that_fails_midway_leaves_no_file(tmp_path):
    def failing():
        yield samples()[:3]
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        write(tmp_path / "s.nwb", failing())
    assert list(tmp_path.iterdir()) == []


def test_only_a_file_of_a_samples_writer_counts_as_samples(tmp_path):
    path = write(tmp_path / "s.nwb", in_batches(samples()))
    with h5py.File(tmp_path / "recording.h5", "w") as file:
        file["signals"] = samples()[0]
    (tmp_path / "notes.nwb").write_text("not HDF5")
    assert open_samples(path) is not None and open_samples(tmp_path / "recording.h5") is None
    write_dff_nwb(tmp_path / "recording.nwb", np.zeros((20, 4), np.float32), rate=RATE)
    assert open_samples(tmp_path / "recording.nwb") is None
    with pytest.raises(RecordingError, match="notes.nwb: not a readable HDF5 file"):
        open_samples(tmp_path / "notes.nwb")


def test_evaluation_reads_an_nwb_samples_file_as_samples_not_as_one_recording(tmp_path):
    values = samples()
    trace_file = TraceFile.open(write(tmp_path / "s.nwb", in_batches(values)))
    assert trace_file.samples_shape == (COUNT, WINDOW, NEURONS) and trace_file.recording is None
    np.testing.assert_array_equal(trace_file.samples, values)
    np.testing.assert_array_equal(trace_file.neuron_ids, IDS)
    assert trace_file.sampling_rate == RATE


@pytest.mark.slow
def test_the_cli_writes_to_nwb_the_traces_it_writes_to_hdf5_for_the_same_seed(tmp_path, write_config):
    from calciumgan.generate import main as generate_main
    from calciumgan.train import main as train_main

    config = write_config(tmp_path / "tiny.yaml", {"train.epochs": 1, "train.steps_per_epoch": 1})
    assert train_main(["--config", str(config), "--out", str(tmp_path / "run")]) == 0
    common = ["--run", str(tmp_path / "run"), "--num-samples", "5", "--seed", "3", "--truncation", "2"]
    assert generate_main([*common, "--out", str(tmp_path / "s.nwb")]) == 0
    assert generate_main([*common, "--out", str(tmp_path / "s.h5")]) == 0
    nwb, hdf5 = open_samples(tmp_path / "s.nwb"), open_samples(tmp_path / "s.h5")
    assert nwb.shape == (5, 32, 6) and np.array_equal(nwb.read(), hdf5.read())
    assert nwb.sampling_rate == hdf5.sampling_rate and nwb.ids.tolist() == hdf5.ids.tolist()
    for key in ("package", "version", "run", "generator", "seed", "truncation"):
        assert nwb.provenance[key] == hdf5.provenance[key]
    assert nwb.provenance["version"] == calciumgan.__version__ and nwb.provenance["config"]["data"]["window"] == 32
