"""End-to-end runs of the evaluation tool on a tiny trained surrogate run."""

import dataclasses
import json
import subprocess
import sys

import h5py
import numpy as np
import pytest

import calciumgan
from calciumgan.data.prepare import prepare_data
from calciumgan.data.recording import load_recording, save_recording
from calciumgan.evaluate import main
from calciumgan.evaluation.edges import frame_difference_ratios
from calciumgan.evaluation.inference import infer_spikes
from calciumgan.evaluation.recovery import spike_recovery
from calciumgan.evaluation.scoring import STATISTICS, ground_truth_errors
from calciumgan.evaluation.trace_files import evenly_spaced_windows
from calciumgan.experiment import train_experiment
from calciumgan.generation import generate
from calciumgan.run import CalciumRun
from calciumgan.run_evaluation import evaluate_run

pytestmark = pytest.mark.slow

ROWS = ["floor", "model", "untrained", "dichotomized_gaussian", "poisson"]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, make_config):
    folder = tmp_path_factory.mktemp("evaluate") / "run"
    config = make_config({"data.window": 64, "data.num_frames": 1200, "evaluate.num_samples": 16,
                          "evaluate.heatmap_samples": 4, "evaluate.workers": 2})  # fmt: skip
    train_experiment(config, folder, progress=False)
    return folder


@pytest.fixture(scope="module")
def evaluation(tiny_run):
    return evaluate_run(tiny_run)


def prepared(run):
    """The data stage's output for the run's config, recomputed from scratch."""
    return prepare_data(CalciumRun(run).config().data)


def test_cli_writes_the_report(tiny_run, evaluation):
    assert main(["--run", str(tiny_run)]) == 0
    out = tiny_run / "evaluation"
    report = json.loads((out / "report.json").read_text())
    assert [row["row"] for row in report["table"]] == ROWS
    for row in report["table"]:
        assert all(np.isfinite(row[name]) and row[name] >= 0 for name in STATISTICS)
    table = {row["row"]: row for row in report["table"]}
    # An untrained generator's traces sit far from the data; its spikes cannot beat real windows.
    assert table["untrained"]["firing_rate"] > table["floor"]["firing_rate"]
    # The report shows exactly what the evaluation computed (it is deterministic).
    assert {name: {key: row[key] for key in STATISTICS}
            for name, row in table.items()} == evaluation.table()  # fmt: skip
    assert report["counts"]["mean_firing_rate_hz"] == evaluation.mean_firing_rates()
    assert report["counts"] == {**report["counts"], "samples_per_set": 16, "frames_per_sample": 64, "neurons": 6}
    # 16 windows of 64 frames over the 240-frame validation block: starts 11.7 frames apart, 4 blocks
    assert report["independent_windows"] == 4
    assert set(report["dichotomized_gaussian_fit"]) == {"clipped_pairs", "smallest_eigenvalue",
                                                        "largest_projection_change", "shrinkage"}  # fmt: skip
    for row in report["table"]:
        assert all(low <= row[name] <= high for name, (low, high) in row["interval"].items()), row
    assert set(report["ground_truth"]) == {"real", "model", "dichotomized_gaussian", "poisson"}
    recovery = report["spike_recovery"]
    assert recovery["recovered"] <= recovery["true_count"] and 0 <= recovery["recall"] <= 1
    assert set(report["memorisation"]) >= {"near_copy_fraction", "closer_probability", "copies_training_data"}
    # every row but the real ones gets a verdict; the model's memorisation flag is the check's
    assert set(report["verdicts"]) == set(ROWS) - {"floor"} and set(report["headline"]) == set(ROWS)
    assert report["verdicts"]["model"]["memorised"] == report["memorisation"]["copies_training_data"]
    assert set(report["verdicts"]["model"]["beats"]) == {"dichotomized_gaussian", "poisson"}
    markdown = (out / "report.md").read_text()
    assert "| real vs real (training-block windows) |" in markdown and "## Memorisation" in markdown
    for figure in report["figures"]:
        assert (out / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_baselines_are_traces_inferred_like_every_other_set(evaluation):
    """On the DG surrogate "auto" keeps the thesis's fixed rule; the baselines' traces go through it too."""
    settings = evaluation.config.spike_settings()
    assert evaluation.config.spike_inference == "fixed" and "floor row" in evaluation.extras["baselines_fitted_to"]
    for name in ("dichotomized_gaussian", "poisson", "floor"):
        assert evaluation.traces[name].shape == (16, 64, 6)
        np.testing.assert_array_equal(evaluation.spikes[name], infer_spikes(evaluation.traces[name], settings))
    assert 0.85 < evaluation.extras["calibration"]["median_decay"] < 0.99  # the surrogate's g is 0.95


def test_sets_are_the_run_artefacts_and_the_data_stage_agrees(tiny_run, evaluation):
    data = prepared(tiny_run)
    np.testing.assert_array_equal(evaluation.traces["real"], evenly_spaced_windows(data.validation.signals, 64, 16))
    np.testing.assert_array_equal(evaluation.traces["floor"], evenly_spaced_windows(data.train.signals, 64, 16))
    run = calciumgan.load_run(tiny_run)
    seed = run.config().evaluate.sample_seed
    np.testing.assert_array_equal(evaluation.traces["model"], run.sample(16, seed))
    np.testing.assert_array_equal(evaluation.traces["untrained"], run.sample(16, seed, untrained=True))
    assert not np.allclose(evaluation.traces["model"], evaluation.traces["untrained"])
    assert evaluation.spikes["real"].shape == evaluation.spikes["model"].shape == (16, 64, 6)
    true_spikes = evenly_spaced_windows(data.validation.spikes, 64, 16)
    recovery = spike_recovery(true_spikes, evaluation.spikes["real"])
    assert recovery.true_count > 0 and evaluation.extras["spike_recovery"] == dataclasses.asdict(recovery)
    truth = data.ground_truth
    for name, errors in evaluation.extras["ground_truth"].items():
        assert errors == ground_truth_errors(evaluation.spikes[name], 24.0, truth["active_rate_hz"],
                                             truth["active_covariance"])  # fmt: skip
    edges = evaluation.extras["edges"]
    assert edges["model"]["frame_difference"] == frame_difference_ratios(evaluation.traces["model"])
    assert set(edges) == set(evaluation.spikes)


def test_evaluate_run_does_not_redo_the_data_or_model_stages(tiny_run):
    forbidden = ["calciumgan.data.prepare", "calciumgan.data.surrogate", "calciumgan.models.wavegan",
                 "calciumgan.models.registry", "calciumgan.experiment", "calciumgan.generate"]  # fmt: skip
    code = (
        "import sys\n"
        "from calciumgan.run_evaluation import evaluate_run\n"
        "evaluation = evaluate_run(sys.argv[1], {\"num_samples\": 4})\n"
        "print(evaluation.spikes['model'].shape, [name for name in sys.argv[2:] if name in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tiny_run), *forbidden], capture_output=True, text=True,
                            check=True)  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "(4, 64, 6) []"


def test_two_files_can_be_compared(tiny_run, tmp_path):
    samples = generate(tiny_run, num_samples=12, out=tmp_path / "samples.h5")
    recording = load_recording(save_recording(prepared(tiny_run).validation, tmp_path / "real.h5"))
    assert main(["--real", str(tmp_path / "real.h5"), "--synthetic", str(samples), "--out", str(tmp_path / "report"),
                 "--num-samples", "12", "--no-baseline-traces"]) == 0  # fmt: skip
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["settings"]["baseline_traces"] is False  # evaluate.baseline_traces, spelled as its key
    assert [row["row"] for row in report["table"]] == ["model", "dichotomized_gaussian", "poisson"]
    assert report["counts"]["samples_per_set"] == 12 and recording.num_neurons == 6
    assert report["settings"]["spike_inference"] == "calibrated"
    assert "no training data given" in report["baselines_fitted_to"]
    assert "memorisation" not in report and not report["verdicts"]["model"]["memorised"]  # nothing to copy from
    save_recording(prepared(tiny_run).train, tmp_path / "train.h5")
    assert main(["--real", str(tmp_path / "real.h5"), "--synthetic", str(samples), "--out", str(tmp_path / "fair"),
                 "--num-samples", "12", "--train", str(tmp_path / "train.h5")]) == 0  # fmt: skip
    fair = json.loads((tmp_path / "fair" / "report.json").read_text())
    assert fair["settings"]["baseline_traces"] is True
    assert [row["row"] for row in fair["table"]] == ["floor", "model", "dichotomized_gaussian", "poisson"]
    assert fair["calibration"]["fitted_on"].endswith("train.h5") and "train.h5" in fair["baselines_fitted_to"]
    assert "baselines: fitted to the training data" in (tmp_path / "fair" / "report.md").read_text()
    # with training data the memorisation check runs in files mode too
    assert fair["verdicts"]["model"]["memorised"] == fair["memorisation"]["copies_training_data"]
    assert fair["memorisation"]["held_out_median"] > 0


def test_samples_scored_against_a_run_are_scored_as_its_blocks_given_as_files(tiny_run, tmp_path):
    """``--run RUN --synthetic FILE`` takes the run's held-out block as real and its training block for the floor,
    calibration and baselines: the same numbers as files mode given those two blocks."""
    samples = generate(tiny_run, num_samples=12, out=tmp_path / "samples.h5")
    data = prepared(tiny_run)
    real, train = save_recording(data.validation, tmp_path / "real.h5"), save_recording(data.train, tmp_path / "t.h5")
    common = ["--synthetic", str(samples), "--num-samples", "12", "--spike-inference", "calibrated"]
    assert main(["--run", str(tiny_run), *common, "--out", str(tmp_path / "run")]) == 0
    assert main(["--real", str(real), "--train", str(train), *common, "--out", str(tmp_path / "files")]) == 0
    against_run, as_files = (json.loads((tmp_path / name / "report.json").read_text()) for name in ("run", "files"))
    assert [row["row"] for row in against_run["table"]] == ["floor", "model", "dichotomized_gaussian", "poisson"]
    assert against_run["table"] == as_files["table"] and against_run["headline"] == as_files["headline"]
    assert against_run["source"]["real"] == f"{tiny_run} (held-out validation block)"
    assert f"{tiny_run} (held-out validation block)" in (tmp_path / "run" / "report.md").read_text()
    assert against_run["memorisation"] == as_files["memorisation"]


def test_mismatched_files_are_one_line_errors(tiny_run, tmp_path, capsys):
    samples = generate(tiny_run, num_samples=4, out=tmp_path / "samples.h5")
    with h5py.File(samples, "a") as file:
        file.attrs["sampling_rate"] = 30.0
    save_recording(prepared(tiny_run).validation, tmp_path / "real.h5")
    assert main(["--real", str(tmp_path / "real.h5"), "--synthetic", str(samples), "--out", str(tmp_path / "r")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "sampling rate 30.0 Hz" in error
