"""Damaged trial records and keras-tuner files: one line naming the file and what to do; ``--restart-trial``.

The search folders are built without training: keras-tuner's oracle ends two trials, and each
trial's run folder gets its config and its record as a search writes them. Trial 0 failed, trial 1
completed.
"""

import errno
import hashlib
import json

import pytest
from commands import run_module

from calciumgan.core.config import save_config
from calciumgan.core.errors import OutputError
from tuning.config import load_search_config
from tuning.results import RECORD, read_records, write_record
from tuning.space import trial_config
from tuning.tuner import CalciumTuner

SPACE = {"model.filters": {"choice": [2, 4]}, "train.n_critic": {"choice": [1, 2]}}
RESTART = "run the search again with --restart-trial 1 to train that trial again"
NEW_DIR = "keras-tuner cannot resume the search from it: start the search again with a new --out"


@pytest.fixture
def search(tmp_path, write_search):
    """(search config path, search folder) of a search of 2 trials, both ended: trial 0 failed, trial 1 completed."""
    config = write_search(tmp_path, SPACE, trials=2)
    folder = tmp_path / "out"
    folder.mkdir()
    settings = load_search_config(config)
    save_config(settings, folder / "search.yaml")
    tuner = CalciumTuner(settings, folder)
    for status, outcome in (("FAILED", {"reason": "made up"}), ("COMPLETED", {"objective": 1.5})):
        trial = tuner.oracle.create_trial(tuner.tuner_id)
        values, run_folder = trial.hyperparameters.values, tuner.run_folder(trial.trial_id)
        if status == "COMPLETED":
            tuner.oracle.update_trial(trial.trial_id, {"realism": outcome["objective"]})
        trial.status = status
        tuner.oracle.end_trial(trial)
        run_folder.mkdir(parents=True)
        save_config(trial_config(settings.base, values, settings), run_folder / "config.yaml")
        write_record(run_folder, {"trial": trial.trial_id, "status": status, "hyperparameters": values, **outcome})
    tuner.save()
    return config, folder


def _snapshot(folder) -> dict:
    return {str(path): None if path.is_dir() else hashlib.sha1(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*"))}  # fmt: skip


def _refused(folder, arguments, *names) -> str:
    """Run ``python -m tuning.search arguments``; assert the refusal: exit 2, one ``error:`` line holding every
    one of ``names``, no traceback, no file of ``folder`` changed. Returns the line."""
    before = _snapshot(folder)
    result = run_module("tuning.search", *arguments)
    lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for name in names:
        assert name in lines[0], f"{name!r} not in {lines[0]!r}"
    assert _snapshot(folder) == before, "the command created, changed or removed files"
    return lines[0]


def _truncate(path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _edit(change):
    def damage(path):
        payload = json.loads(path.read_text())
        change(payload)
        path.write_text(json.dumps(payload))

    return damage


RECORD_DAMAGE = [
    pytest.param(_truncate, "not JSON: ", id="truncated"),
    pytest.param(lambda path: path.write_text(""), "not JSON: Expecting value", id="empty"),
    pytest.param(lambda path: path.write_bytes(b"\xff\xfe{}"), "not JSON: 'utf-8' codec", id="not-utf8"),
    pytest.param(lambda path: path.write_text("[1, 2]"), "a JSON list, not an object", id="list"),
    pytest.param(_edit(lambda record: record.pop("status")), "'status' is missing or not a string", id="no-status"),
    pytest.param(_edit(lambda record: record.update(hyperparameters=[])),
                 "'hyperparameters' is missing or not an object", id="hyperparameters-list"),  # fmt: skip
    pytest.param(_edit(lambda record: record.update(trial="0")), "'trial' is '0', not '1'", id="other-trial"),
    pytest.param(_edit(lambda record: record.pop("objective")), "a completed trial without a numeric 'objective'",
                 id="no-objective"),  # fmt: skip
]


def test_the_undamaged_search_folder_is_summarised(search):
    _, folder = search
    result = run_module("tuning.search", "--run", folder)
    assert result.returncode == 0, result.stderr
    assert "trial 0 failed: made up" in result.stdout and "| 1 | COMPLETED | 1.5 |" in result.stdout


@pytest.mark.parametrize("damage, fault", RECORD_DAMAGE)
@pytest.mark.parametrize("command", ["summary", "rerun"])
def test_a_damaged_record_names_its_file_and_restart_trial(search, damage, fault, command):
    config, folder = search
    record = folder / "trials" / "1" / RECORD
    damage(record)
    arguments = ["--run", folder] if command == "summary" else ["--config", config, "--out", folder]
    line = _refused(folder, arguments, f"error: {record} is damaged (", fault, RESTART)
    assert line.endswith(f"): {RESTART}")


KERAS_TUNER_DAMAGE = [
    pytest.param("oracle.json", _truncate, "not JSON: ", NEW_DIR, id="oracle-truncated"),
    pytest.param("oracle.json", lambda path: path.write_text("{}"), "KeyError: 'ongoing_trials'", NEW_DIR,
                 id="oracle-empty-object"),  # fmt: skip
    pytest.param("oracle.json", _edit(lambda state: state.update(ongoing_trials={"tuner0": "7"})), "KeyError: '7'",
                 NEW_DIR, id="oracle-names-a-missing-trial"),  # fmt: skip
    pytest.param("trial_1/trial.json", _truncate, "not JSON: ", NEW_DIR, id="trial-truncated"),
    pytest.param("trial_1/trial.json", _edit(lambda state: state.pop("status")), "KeyError: 'status'", NEW_DIR,
                 id="trial-no-status"),  # fmt: skip
    pytest.param("tuner0.json", lambda path: path.write_text("{"), "not JSON: ",
                 "it holds no state of the search: write {} into it and run the search again", id="tuner-truncated"),
]


@pytest.mark.parametrize("name, damage, fault, remedy", KERAS_TUNER_DAMAGE)
def test_a_damaged_keras_tuner_file_stops_the_rerun_naming_it(search, name, damage, fault, remedy):
    config, folder = search
    path = folder / "keras_tuner" / name
    damage(path)
    _refused(folder, ["--config", config, "--out", folder], f"error: {path} is damaged (", fault, remedy)


def test_the_summary_still_lists_the_trials_of_a_search_keras_tuner_cannot_resume(search):
    _, folder = search
    _truncate(folder / "keras_tuner" / "oracle.json")
    result = run_module("tuning.search", "--run", folder)
    assert result.returncode == 0 and "2 trials" in result.stdout, result.stderr


def test_restart_trial_queues_the_trial_again_with_its_values_and_removes_its_run_folder(search):
    config, folder = search
    before = CalciumTuner(load_search_config(config), folder).oracle.trials["1"].hyperparameters.values
    (folder / "trials" / "1" / RECORD).write_text("{")
    CalciumTuner(load_search_config(config), folder).restart_trial("1")
    assert not (folder / "trials" / "1").exists()
    assert [record["trial"] for record in read_records(folder)] == ["0"]
    tuner = CalciumTuner(load_search_config(config), folder)  # a new process would see this
    trial = tuner.oracle.create_trial(tuner.tuner_id)
    assert (trial.trial_id, trial.status, trial.hyperparameters.values) == ("1", "RUNNING", before)
    assert tuner.oracle.end_order == ["0"]


def test_restart_trial_refuses_a_trial_the_search_does_not_have(search):
    config, folder = search
    _refused(folder, ["--config", config, "--out", folder, "--restart-trial", "7"],
             f"--restart-trial 7: {folder} has no such trial (its trials: 0, 1)")  # fmt: skip


def test_restart_trial_is_refused_with_run(search):
    _, folder = search
    _refused(folder, ["--run", folder, "--restart-trial", "1"],
             "--out and --restart-trial go with --config, not with --run")  # fmt: skip


@pytest.mark.slow  # trains one trial
def test_a_rerun_with_restart_trial_trains_the_damaged_trial_again_and_ends(search):
    config, folder = search
    values = json.loads((folder / "trials" / "1" / RECORD).read_text())["hyperparameters"]
    _truncate(folder / "trials" / "1" / RECORD)
    result = run_module("tuning.search", "--config", config, "--out", folder, "--restart-trial", "1")
    assert result.returncode == 0, result.stderr
    records = read_records(folder)
    assert [(record["trial"], record["status"]) for record in records] == [("0", "FAILED"), ("1", "COMPLETED")]
    assert records[1]["hyperparameters"] == values and records[1]["train_seconds"] > 0
    assert (folder / "best.yaml").is_file()


@pytest.mark.parametrize("name", ["oracle.json", "trial_1/trial.json"])
def test_keras_tuner_files_are_written_whole_or_not_at_all(search, monkeypatch, name):
    """A disk that fills while keras-tuner saves its oracle or a trial leaves the previous file whole, no
    temporary beside it, and one OutputError naming the file."""
    config, folder = search
    tuner = CalciumTuner(load_search_config(config), folder)
    before = _snapshot(folder)

    def write_half_then_fail(self, text, encoding=None):
        with open(self, "w", encoding=encoding) as handle:
            handle.write(text[: len(text) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("pathlib.Path.write_text", write_half_then_fail)
    path = folder / "keras_tuner" / name
    save = tuner.oracle.save if name == "oracle.json" else lambda: tuner.oracle.trials["1"].save(str(path))
    with pytest.raises(OutputError, match=f"^{path}: not written \\(No space left on device\\)$"):
        save()
    assert _snapshot(folder) == before
