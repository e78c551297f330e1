"""Synthetic samples to NWB and back: the layout pynwb reads, streaming checks, atomic writes, the CLI."""

import uuid

import h5py
import numpy as np
import pynwb
import pytest

import calciumgan
from calciumgan.core.errors import RecordingError
from calciumgan.data import nwb_samples
from calciumgan.data.nwb_samples import holds_samples_nwb, read_samples_nwb, write_samples_nwb
from calciumgan.evaluation.trace_files import TraceFile

COUNT, WINDOW, NEURONS, RATE = 7, 5, 3, 30.0
IDS = np.array([4, 9, 2])
METADATA = {"run": "runs/demo", "generator": "generator_ema.keras", "seed": 7, "truncation": 1.5}


def samples() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(COUNT, WINDOW, NEURONS)).astype(np.float32)


def in_batches(values: np.ndarray, sizes=(3, 3, 1)):
    starts = np.cumsum((0, *sizes))
    return (values[start:stop] for start, stop in zip(starts[:-1], starts[1:]))


def write(path, batches, shape=(COUNT, WINDOW, NEURONS)):
    return write_samples_nwb(path, batches, shape, RATE, IDS, METADATA)


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
    read, rate, ids, metadata = read_samples_nwb(path)
    assert read.dtype == np.float32 and np.array_equal(read, values)
    assert rate == RATE and ids.tolist() == IDS.tolist()
    assert metadata == {"package": "calciumgan", "version": calciumgan.__version__, **METADATA}


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


def test_only_a_file_of_the_writer_counts_as_nwb_samples(tmp_path):
    path = write(tmp_path / "s.nwb", in_batches(samples()))
    with h5py.File(tmp_path / "plain.h5", "w") as file:
        file["signals"] = samples()
    (tmp_path / "notes.nwb").write_text("not HDF5")
    assert holds_samples_nwb(path)
    assert not holds_samples_nwb(tmp_path / "plain.h5") and not holds_samples_nwb(tmp_path / "notes.nwb")
    with pytest.raises(RecordingError, match="notes.nwb: not an NWB file"):
        read_samples_nwb(tmp_path / "notes.nwb")


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
    read, rate, ids, metadata = read_samples_nwb(tmp_path / "s.nwb")
    with h5py.File(tmp_path / "s.h5") as file:
        assert read.shape == (5, 32, 6) and np.array_equal(read, file["signals"][()])
        assert rate == file.attrs["sampling_rate"] and ids.tolist() == file.attrs["neuron_ids"].tolist()
        for key in ("run", "generator", "seed", "truncation"):
            assert metadata[key] == file.attrs[key]
    assert metadata["version"] == calciumgan.__version__ and metadata["config"]["data"]["window"] == 32
