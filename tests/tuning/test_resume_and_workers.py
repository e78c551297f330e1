"""A search survives SIGKILL and spreads over keras-tuner's chief and workers, each trial run once."""

import os
import pathlib
import signal
import socket
import subprocess
import sys
import time

import keras
import pytest
from commands import functions_run_eagerly
from forked import ForkedModule

from calciumgan.training.checkpoints import list_checkpoints
from tuning.config import load_search_config
from tuning.results import read_records
from tuning.tuner import CalciumTuner

JOBS = pathlib.Path(__file__).resolve().parents[2] / "tuning" / "jobs"
SPACE = {"model.filters": {"choice": [2, 4]}, "train.n_critic": {"choice": [1, 2]},
         "train.generator_ema": {"choice": [None, 0.9]}}  # fmt: skip


def _search(config, folder):
    return ForkedModule("tuning.search", ["--config", config, "--out", folder])


def _oracle_trials(folder) -> dict:
    """keras-tuner's own account: trial id -> status."""
    tuner = CalciumTuner(load_search_config(folder / "search.yaml"), folder)
    return {trial_id: trial.status for trial_id, trial in tuner.oracle.trials.items()}


@pytest.mark.slow  # trains its trials: not in make test-fast
def test_resume_after_sigkill_repeats_no_trial(tmp_path, write_search):
    config = write_search(tmp_path, SPACE, trials=2, budget={"epochs": 8, "steps_per_epoch": 6})
    folder = tmp_path / "out"
    search = _search(config, folder)
    deadline = time.monotonic() + 300
    while not list_checkpoints(folder / "trials" / "1" / "checkpoints"):  # trial 0 done, trial 1 under way
        assert search.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    search.send_signal(signal.SIGKILL)
    assert search.wait() == -signal.SIGKILL
    first = folder / "trials" / "0"
    finished_before = {path.name: path.stat().st_mtime_ns for path in first.iterdir() if path.is_file()}
    interrupted = folder / "trials" / "1" / "untrained_generator.keras"
    started_before = interrupted.stat().st_mtime_ns

    assert _search(config, folder).wait(timeout=300) == 0
    assert {path.name: path.stat().st_mtime_ns for path in first.iterdir() if path.is_file()} == finished_before
    assert interrupted.stat().st_mtime_ns == started_before  # resumed from its checkpoint, not restarted
    records = read_records(folder)
    assert [record["trial"] for record in records] == ["0", "1"]
    assert all(record["status"] == "COMPLETED" for record in records)
    assert len({tuple(sorted(record["hyperparameters"].items(), key=str)) for record in records}) == 2
    assert _oracle_trials(folder) == {"0": "COMPLETED", "1": "COMPLETED"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow  # trains its trials: not in make test-fast
def test_chief_and_two_workers_run_every_trial_exactly_once(tmp_path, write_search):
    """Through the shipped launcher, tuning/jobs/search_local.sh: a chief and two workers on localhost."""
    config = write_search(tmp_path, SPACE, trials=3)
    folder = tmp_path / "out"
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_BACKEND": keras.backend.backend(),
                   "PYTHON": sys.executable, "WORKERS": "2", "PORT": str(_free_port()), "PATH": os.defpath}  # fmt: skip
    launcher = subprocess.run(["bash", str(JOBS / "search_local.sh"), str(config), str(folder)], env=environment,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
    assert launcher.returncode == 0, launcher.stderr[-3000:]
    records = read_records(folder)
    assert sorted(record["trial"] for record in records) == ["0", "1", "2"]
    assert all(record["status"] == "COMPLETED" for record in records)
    assert len({tuple(sorted(record["hyperparameters"].items(), key=str)) for record in records}) == 3
    assert {path.name for path in (folder / "keras_tuner").glob("tuner*.json")} == {"tuner0.json", "tuner1.json"}
    assert (folder / "best.yaml").is_file()


@pytest.mark.parametrize("oracle", ["random", "bayesian"])
def test_a_fixed_seed_proposes_the_same_trials(tmp_path, write_search, oracle):
    """The oracle alone, each trial reported with a score that depends on its values."""
    config = load_search_config(write_search(tmp_path, SPACE, trials=6, oracle=oracle))

    def proposals(folder):
        tuner = CalciumTuner(config, folder)
        values = []
        for _ in range(6):
            trial = tuner.oracle.create_trial("tuner0")
            values.append(dict(trial.hyperparameters.values))
            tuner.oracle.update_trial(trial.trial_id, {"realism": float(trial.hyperparameters.values["model.filters"])})
            trial.status = "COMPLETED"
            tuner.oracle.end_trial(trial)
        return values

    first = proposals(tmp_path / "first")
    assert proposals(tmp_path / "second") == first
    assert len({tuple(sorted(values.items(), key=str)) for values in first}) == 6  # no trial proposed twice


@pytest.mark.slow  # trains its trials: not in make test-fast
def test_hyperband_continues_the_training_of_the_trials_it_promotes(tmp_path, write_search):
    from tuning.search import main

    config = write_search(tmp_path, {"model.filters": {"choice": [2, 4]}, "train.n_critic": {"choice": [1, 2]}},
                          oracle="hyperband", budget={"epochs": 3})  # fmt: skip
    with functions_run_eagerly():  # six tiny trainings: tracing each would take longer than its steps
        assert main(["--config", str(config), "--out", str(tmp_path / "out")]) == 0
    oracle_trials = CalciumTuner(load_search_config(config), tmp_path / "out").oracle.trials
    promoted = {trial_id: trial.hyperparameters.values["tuner/trial_id"] for trial_id, trial in oracle_trials.items()
                if trial.hyperparameters.values.get("tuner/trial_id")}  # fmt: skip
    assert promoted, "hyperband promoted no trial"
    trials = tmp_path / "out" / "trials"
    for trial_id, parent in promoted.items():
        parent_epochs = oracle_trials[parent].hyperparameters.values["tuner/epochs"]
        inherited = f"checkpoints/epoch-{parent_epochs:05d}.h5"
        # The promoted trial started from its parent's last checkpoint and trained on from there.
        assert (trials / trial_id / inherited).read_bytes() == (trials / parent / inherited).read_bytes()
        epochs = oracle_trials[trial_id].hyperparameters.values["tuner/epochs"]
        newest = sorted(path.name for path in (trials / trial_id / "checkpoints").glob("*.h5"))[-1]
        assert newest == f"epoch-{epochs:05d}.h5"
