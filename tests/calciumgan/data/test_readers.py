"""One dispatch for every recording, and the places that read recordings through it: the data stage, the
config keys, a resumed run's check, ``--real`` files and ``python -m calciumgan.prepare``."""

import dataclasses

import numpy as np
import pytest
from ophys_files import write_dff_nwb, write_suite2p_plane

from calciumgan.config import DataConfig, config_from_dict
from calciumgan.core.errors import ConfigError, RecordingError, RunError
from calciumgan.data.prepare import load_data, prepare_data
from calciumgan.data.readers import ReaderSettings, read_recording
from calciumgan.data.recording import Recording, load_recording, save_recording
from calciumgan.data.suite2p import read_suite2p
from calciumgan.evaluation.trace_files import TraceFile
from calciumgan.prepare import FLAG_SOURCES
from calciumgan.prepare import main as prepare_main
from calciumgan.run import CalciumRun

FRAMES, RATE = 600, 20.0
FLUORESCENCE = np.random.default_rng(0).gamma(4.0, 30.0, size=(3, FRAMES)) + 300
NEUROPIL = np.random.default_rng(1).gamma(4.0, 20.0, size=(3, FRAMES))
ISCELL = [[1, 0.9], [1, 0.8], [0, 0.1]]
DFF = np.random.default_rng(2).normal(size=(FRAMES, 4)).astype(np.float32)


@pytest.fixture
def plane(tmp_path):
    return write_suite2p_plane(tmp_path / "suite2p" / "plane0", FLUORESCENCE, NEUROPIL, ISCELL, settings={"fs": RATE})


@pytest.fixture(scope="module")
def nwb_file(tmp_path_factory):
    return write_dff_nwb(tmp_path_factory.mktemp("nwb") / "session.nwb", DFF, RATE)


def assert_same(recording: Recording, expected: Recording):
    np.testing.assert_array_equal(recording.signals, expected.signals)
    np.testing.assert_array_equal(recording.neuron_ids, expected.neuron_ids)
    assert recording.sampling_rate == expected.sampling_rate


def test_read_recording_dispatches_by_path(plane, nwb_file, tmp_path):
    settings = ReaderSettings(neuropil_coefficient=0.4, cells_only=False, trace="delta_f", baseline_percentile=20.0,
                              baseline_window_s=3.0)  # fmt: skip
    assert_same(read_recording(plane, settings), read_suite2p(plane, neuropil_coefficient=0.4, cells_only=False,
                                                              trace="delta_f", baseline_percentile=20.0,
                                                              baseline_window_s=3.0))  # fmt: skip
    from_nwb = read_recording(nwb_file, ReaderSettings(nwb_series="DfOverF/roi_series"))
    np.testing.assert_array_equal(from_nwb.signals, DFF)
    assert from_nwb.sampling_rate == RATE and from_nwb.neuron_ids.tolist() == [10, 11, 12, 13]
    for suffix in (".npz", ".h5", ".hdf5"):
        path = save_recording(Recording(DFF, RATE, neuron_ids=[4, 5, 6, 7]), tmp_path / f"rec{suffix}")
        assert_same(read_recording(path), load_recording(path))
    (tmp_path / "rec.csv").write_text("1,2")
    with pytest.raises(RecordingError, match=r"rec.csv: unknown format '.csv', expected .npz, .h5, .hdf5, .nwb or a "
                                             r"Suite2p plane folder"):  # fmt: skip
        read_recording(tmp_path / "rec.csv")
    with pytest.raises(RecordingError, match=r"nowhere: no such file or folder"):
        read_recording(tmp_path / "nowhere")


def test_config_keys_choose_how_load_data_reads_a_suite2p_folder_and_an_nwb_file(plane, nwb_file):
    raw = {"data": {"source": "file", "path": str(plane), "neuropil_coefficient": 0.5, "cells_only": False,
                    "suite2p_spikes": False, "trace": "raw", "baseline_percentile": 10, "baseline_window_s": 2,
                    "nwb_series": None}}  # fmt: skip
    data = config_from_dict(raw).data
    assert data.reader_settings() == ReaderSettings(neuropil_coefficient=0.5, cells_only=False, trace="raw",
                                                    baseline_percentile=10.0, baseline_window_s=2.0)  # fmt: skip
    recording = load_data(data)
    np.testing.assert_allclose(recording.signals, (FLUORESCENCE - 0.5 * NEUROPIL).T, rtol=1e-6)
    assert recording.neuron_ids.tolist() == [0, 1, 2] and recording.sampling_rate == RATE
    assert_same(load_data(DataConfig(source="file", path=str(plane.parent))), read_suite2p(plane))  # the defaults
    from_nwb = load_data(DataConfig(source="file", path=str(nwb_file), nwb_series="roi_series"))
    np.testing.assert_array_equal(from_nwb.signals, DFF)
    for key, value, message in (("trace", "dF", "'data.trace' must be one of dff, delta_f, raw"),
                                ("baseline_percentile", 101, "'data.baseline_percentile' must be at most 100"),
                                ("neuropil_coefficient", -0.1, "'data.neuropil_coefficient' must be at least 0"),
                                ("nwb_series", 3, "'data.nwb_series' must be str or null")):  # fmt: skip
        with pytest.raises(ConfigError, match=message):
            config_from_dict({"data": {key: value}})


def test_a_resumed_run_rereads_its_folder_with_its_own_settings(plane, tmp_path):
    config = DataConfig(source="file", path=str(plane), window=64)
    run, stored = CalciumRun(tmp_path / "run"), prepare_data(config)
    run.check_same_recording(config, stored)  # the same folder, the same settings: no error
    with pytest.raises(RunError, match=r"plane0: differs from the recording this run trained on"):
        run.check_same_recording(DataConfig(source="file", path=str(plane), window=64, trace="delta_f"), stored)
    np.save(plane / "F.npy", (FLUORESCENCE + 1).astype(np.float32))
    with pytest.raises(RunError, match=r"plane0: differs from the recording this run trained on"):
        run.check_same_recording(config, stored)


def test_real_traces_from_a_suite2p_folder_or_an_nwb_file(plane, nwb_file):
    real = TraceFile.open(plane)
    expected = read_suite2p(plane)
    np.testing.assert_array_equal(real.recording, expected.signals)
    assert real.sampling_rate == RATE and real.neuron_ids.tolist() == [0, 1] and real.samples_shape is None
    np.testing.assert_array_equal(TraceFile.open(nwb_file).recording, DFF)


def test_prepare_writes_what_the_readers_read(plane, nwb_file, tmp_path):
    assert prepare_main(["--signals", str(plane.parent), "--out", str(tmp_path / "s2p.h5")]) == 0
    assert_same(load_recording(tmp_path / "s2p.h5"), read_suite2p(plane))
    arguments = ["--neuropil-coefficient", "0.3", "--no-cells-only", "--trace", "delta_f", "--baseline-percentile",
                 "15", "--baseline-window-s", "4", "--sampling-rate", str(RATE)]  # fmt: skip
    assert prepare_main(["--signals", str(plane), "--out", str(tmp_path / "s2p.npz"), *arguments]) == 0
    expected = read_suite2p(plane, neuropil_coefficient=0.3, cells_only=False, trace="delta_f",
                            baseline_percentile=15.0, baseline_window_s=4.0)  # fmt: skip
    assert_same(load_recording(tmp_path / "s2p.npz"), expected)
    assert prepare_main(["--signals", str(nwb_file), "--nwb-series", "DfOverF/roi_series", "--out",
                         str(tmp_path / "nwb.h5")]) == 0  # fmt: skip
    assert_same(load_recording(tmp_path / "nwb.h5"), read_recording(nwb_file))


def test_prepare_reader_flags_are_the_data_keys():
    """Each reader flag of calciumgan.prepare is a key of the data section with dashes; one whose default is True
    is negated as --no-KEY."""
    defaults = {field.name: field.default for field in dataclasses.fields(DataConfig)}
    reader_keys = set(defaults) & {field.name for field in dataclasses.fields(ReaderSettings)}
    spelled = {("--no-" if defaults[key] is True else "--") + key.replace("_", "-") for key in reader_keys}
    assert spelled == {flag for flag, owner in FLAG_SOURCES.items() if owner != "recording"}
    assert "--no-cells-only" in spelled and "--baseline-window-s" in spelled and "--nwb-series" in spelled


def test_prepare_keeps_its_old_spellings_for_one_release(plane, nwb_file, tmp_path, capsys):
    flags = ["--all-rois", "--baseline-window", "4"]
    assert prepare_main(["--signals", str(plane), "--out", str(tmp_path / "old.npz"), *flags]) == 0
    assert_same(load_recording(tmp_path / "old.npz"), read_suite2p(plane, cells_only=False, baseline_window_s=4.0))
    assert prepare_main(["--signals", str(nwb_file), "--series", "roi_series", "--out", str(tmp_path / "nwb.h5")]) == 0
    notices = [line for line in capsys.readouterr().err.splitlines() if "deprecated" in line]
    assert notices == [f"warning: {old} is deprecated and will be removed in the next release; use {new}"
                       for old, new in (("--all-rois", "--no-cells-only"), ("--baseline-window", "--baseline-window-s"),
                                        ("--series", "--nwb-series"))]  # fmt: skip


def test_prepare_keeps_suite2p_spikes_only_when_asked(tmp_path):
    spikes = np.abs(np.random.default_rng(3).normal(size=(3, FRAMES)))
    plane = write_suite2p_plane(tmp_path / "plane0", FLUORESCENCE, NEUROPIL, ISCELL, spikes, {"fs": RATE})
    for flags, expected in (([], None), (["--suite2p-spikes"], spikes[:2].T.astype(np.float32))):
        out = tmp_path / f"rec{len(flags)}.h5"
        assert prepare_main(["--signals", str(plane), "--out", str(out), *flags]) == 0
        stored = load_recording(out).spikes
        assert stored is None if expected is None else np.array_equal(stored, expected)
