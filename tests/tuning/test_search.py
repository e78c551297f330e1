"""A search end to end: failed and diverged trials, the table, the best config, TensorBoard HParams."""

import math

import pytest
from commands import functions_run_eagerly
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
from tensorboard.plugins.hparams import plugin_data_pb2

from calciumgan.config import load_config
from calciumgan.run import CalciumRun
from calciumgan.train import main as train_main
from tuning.results import read_records
from tuning.search import main

pytestmark = pytest.mark.slow  # trains every trial: not in make test-fast

# marked backend: a search on JAX needs no TensorFlow, HParams included; the summary and the best config do not
# depend on the backend

# Kernel 3 is invalid for fast convolutions (not a multiple of the stride, 2); a learning rate
# of 1e30 throws the weights to infinity at the first Adam step, so those trials diverge.
SPACE = {"model.kernel_size": {"choice": [3, 4]}, "train.learning_rate": {"choice": [0.001, 1.0e30]},
         "train.generator_ema": {"choice": [None, 0.9]}}  # fmt: skip


@pytest.fixture(scope="module")
def search(tmp_path_factory, write_search):
    """A finished search over SPACE, 8 trials (all combinations), and the text it printed."""
    folder = tmp_path_factory.mktemp("search")
    config = write_search(folder, SPACE, trials=8)
    with functions_run_eagerly():  # eight tiny trainings: tracing each would take longer than its steps
        assert main(["--config", str(config), "--out", str(folder / "out")]) == 0
    return folder / "out"


@pytest.mark.backend
def test_invalid_and_diverging_choices_fail_with_their_reason_and_the_rest_is_scored(search):
    records = {record["trial"]: record for record in read_records(search)}
    assert len(records) == 8
    for record in records.values():
        values = record["hyperparameters"]
        if values["model.kernel_size"] == 3:
            assert record["status"] == "FAILED" and record["reason"].startswith("invalid combination")
            assert "model.kernel_size 3 must be a multiple of model.strides 2" in record["reason"]
        elif values["train.learning_rate"] > 1:
            assert record["status"] == "FAILED" and "became nan" in record["reason"]
        else:
            assert record["status"] == "COMPLETED"
            assert math.isfinite(record["objective"]) and record["objective"] > 0
            parts = record["parts"]
            assert record["objective"] == pytest.approx(sum(part["ratio"] for part in parts.values()) / 3)
            assert math.isfinite(record["wasserstein"]) and record["train_seconds"] > 0
    assert sum(record["status"] == "COMPLETED" for record in records.values()) == 2


def test_summary_prints_every_trial_and_its_failures(search, capsys):
    assert main(["--run", str(search)]) == 0
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    rows = [line for line in lines if line.startswith("| ") and not line.startswith(("| trial", "| ---"))]
    assert len(rows) == 8
    assert printed.count("failed: invalid combination") == 4 and printed.count("became nan") == 2
    assert "| null |" in printed and "| 0.9 |" in printed  # the EMA choice, as the config writes it


def test_best_config_is_the_best_trial_and_trains_unchanged(search, tmp_path):
    completed = [record for record in read_records(search) if record["status"] == "COMPLETED"]
    best = min(completed, key=lambda record: record["objective"])
    best_config = load_config(search / "best.yaml")
    assert best_config == CalciumRun(search / "trials" / best["trial"]).config()
    assert best_config.train.generator_ema == best["hyperparameters"]["train.generator_ema"]
    assert train_main(["--config", str(search / "best.yaml"), "--out", str(tmp_path / "again")]) == 0
    assert CalciumRun(tmp_path / "again").config() == best_config


def _hparams_records(folder, kind):
    """HParams plugin records of one kind ("experiment", "session_start_info", ...) in ``folder``'s event files."""
    found = []
    for path in sorted(folder.glob("events.out.tfevents.*")):
        for event in EventFileLoader(str(path)).Load():
            for value in event.summary.value:
                if value.metadata.plugin_data.plugin_name == "hparams":
                    data = plugin_data_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
                    if data.WhichOneof("data") == kind:
                        found.append(getattr(data, kind))
    return found


@pytest.mark.backend
def test_tensorboard_hparams_hold_the_space_and_one_session_per_trial(search):
    logs = search / "tensorboard"
    (experiment,) = _hparams_records(logs, "experiment")
    assert sorted(info.name for info in experiment.hparam_infos) == sorted(SPACE)
    records = {record["trial"]: record for record in read_records(search)}
    for trial, record in records.items():
        (session,) = _hparams_records(logs / trial, "session_start_info")
        assert session.hparams["model.kernel_size"].number_value == record["hyperparameters"]["model.kernel_size"]
        (end,) = _hparams_records(logs / trial, "session_end_info")
        assert (end.status == 1) == (record["status"] == "COMPLETED")  # STATUS_SUCCESS


def test_a_search_over_two_datasets_scores_each_trial_by_their_mean(tmp_path, write_search):
    """With ``datasets`` every trial trains one run per preset in trials/<id>/<preset>; its objective is the mean of
    theirs and best.yaml is the best trial's config on the first preset."""
    config = write_search(tmp_path, {"train.generator_ema": {"choice": [None, 0.9]}}, trials=2,
                          datasets=["dff_day4", "day4"])  # fmt: skip
    with functions_run_eagerly():
        assert main(["--config", str(config), "--out", str(tmp_path / "out")]) == 0
    records = read_records(tmp_path / "out")
    assert len(records) == 2
    for record in records:
        assert record["status"] == "COMPLETED" and list(record["datasets"]) == ["dff_day4", "day4"]
        objectives = [score["objective"] for score in record["datasets"].values()]
        assert objectives[0] != objectives[1] and record["objective"] == pytest.approx(sum(objectives) / 2)
        for preset, score in record["datasets"].items():
            run = CalciumRun(tmp_path / "out" / "trials" / record["trial"] / preset)
            assert run.config().data.preset == preset and set(score["parts"]) == {"firing_rate", "correlation",
                                                                                  "van_rossum"}  # fmt: skip
    best = min(records, key=lambda record: record["objective"])
    assert load_config(tmp_path / "out" / "best.yaml") == CalciumRun(
        tmp_path / "out" / "trials" / best["trial"] / "dff_day4").config()
