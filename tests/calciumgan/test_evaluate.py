"""End-to-end runs of the evaluation tool on a tiny trained surrogate run."""

import json

import h5py
import numpy as np
import pytest

from calciumgan.evaluate import evaluate_run, evenly_spaced_windows, main
from calciumgan.generate import generate
from calciumgan.data.recording import load_recording, save_recording
from calciumgan.train import train

pytestmark = pytest.mark.slow

ROWS = ["floor", "model", "untrained", "dichotomized_gaussian", "poisson"]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, make_config):
    folder = tmp_path_factory.mktemp("evaluate") / "run"
    config = make_config({"data.window": 64, "data.num_frames": 1200, "evaluate.num_samples": 16,
                          "evaluate.heatmap_samples": 4, "evaluate.workers": 2})  # fmt: skip
    train(config, folder, verbose=0)
    return folder


def test_cli_writes_the_report(tiny_run):
    assert main(["--run", str(tiny_run)]) == 0
    out = tiny_run / "evaluation"
    report = json.loads((out / "report.json").read_text())
    assert [row["row"] for row in report["table"]] == ROWS
    for row in report["table"]:
        assert all(np.isfinite(row[name]) and row[name] >= 0 for name in ("firing_rate", "correlation", "van_rossum"))
    table = {row["row"]: row for row in report["table"]}
    # An untrained generator's traces sit far from the data; its spikes cannot beat real windows.
    assert table["untrained"]["firing_rate"] > table["floor"]["firing_rate"]
    assert report["counts"] == {**report["counts"], "samples_per_set": 16, "frames_per_sample": 64, "neurons": 6}
    assert set(report["ground_truth"]) == {"real", "model", "dichotomized_gaussian", "poisson"}
    recovery = report["spike_recovery"]
    assert recovery["recovered"] <= recovery["true_count"] and 0 <= recovery["recall"] <= 1
    assert set(report["memorisation"]) >= {"near_copy_fraction", "closer_probability", "copies_training_data"}
    markdown = (out / "report.md").read_text()
    assert "| real vs real (training-block windows) |" in markdown and "## Memorisation" in markdown
    for figure in report["figures"]:
        assert (out / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_real_windows_are_the_held_out_blocks_and_ground_truth_is_reported(tiny_run):
    evaluation = evaluate_run(tiny_run, num_samples=16)
    held_out = load_recording_from_run(tiny_run)
    np.testing.assert_array_equal(evaluation.traces["real"], evenly_spaced_windows(held_out.signals, 64, 16))
    assert evaluation.spikes["real"].shape == evaluation.spikes["model"].shape == (16, 64, 6)
    for errors in evaluation.extras["ground_truth"].values():
        assert errors["firing_rate_rmse_hz"] >= 0 and np.isfinite(errors["covariance_rmse"])


def test_two_files_can_be_compared(tiny_run, tmp_path):
    samples = generate(tiny_run, num_samples=12, out=tmp_path / "samples.h5")
    recording = load_recording(save_recording(load_recording_from_run(tiny_run), tmp_path / "real.h5"))
    assert main(["--real", str(tmp_path / "real.h5"), "--synthetic", str(samples), "--out", str(tmp_path / "report"),
                 "--num-samples", "12"]) == 0  # fmt: skip
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert [row["row"] for row in report["table"]] == ["model", "dichotomized_gaussian", "poisson"]
    assert report["counts"]["samples_per_set"] == 12 and recording.num_neurons == 6


def load_recording_from_run(run):
    from calciumgan.data.prepare import prepare_data
    from calciumgan.training.run_folder import RunFolder

    return prepare_data(RunFolder(run).config().data).validation


def test_mismatched_files_are_one_line_errors(tiny_run, tmp_path, capsys):
    samples = generate(tiny_run, num_samples=4, out=tmp_path / "samples.h5")
    with h5py.File(samples, "a") as file:
        file.attrs["sampling_rate"] = 30.0
    save_recording(load_recording_from_run(tiny_run), tmp_path / "real.h5")
    assert main(["--real", str(tmp_path / "real.h5"), "--synthetic", str(samples), "--out", str(tmp_path / "r")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "sampling rate 30.0 Hz" in error


def test_evenly_spaced_windows():
    signals = np.arange(100, dtype=np.float32)[:, None]
    windows = evenly_spaced_windows(signals, 10, 4)
    assert windows[:, 0, 0].tolist() == [0, 30, 60, 90]
    assert len(evenly_spaced_windows(signals, 98, 10)) == 3  # only three distinct starts exist
