"""What a search leaves behind: one record per trial, the trial table, the best config, HParams.

Each trial's run folder (``DIR/trials/<id>``) gets ``tuning.json`` when the trial ends:
its hyper-parameters, status, objective and parts, validation Wasserstein estimate, reason
of failure and seconds spent (training, evaluation, the whole trial). A search with ``datasets``
trains each trial in one run folder per preset, ``DIR/trials/<id>/<preset>``, and the record
holds the mean objective and, under ``"datasets"``, each preset's objective, parts and
Wasserstein estimate. ``DIR/tensorboard`` holds a TensorBoard HParams experiment with one
session per trial. A record that cannot be read or lacks what the table uses stops the command
with one ``RunError`` naming it and ``--restart-trial``.
"""

import contextlib
import json
import numbers
import pathlib
import shutil

from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_path, write_json_atomic
from calciumgan.training.summaries import ScalarWriter
from tuning.hparams import experiment_summary, session_end_summary, session_start_summary

RECORD = "tuning.json"
METRICS = ("objective", "wasserstein")
RECORD_FIELDS = {"trial": (str, "a string"), "status": (str, "a string"), "hyperparameters": (dict, "an object")}


class WrongShape(ValueError):
    """A JSON file that parses but does not hold what its reader needs."""


def write_record(run_folder: pathlib.Path, record: dict) -> None:
    run_folder.mkdir(parents=True, exist_ok=True)
    write_json_atomic(run_folder / RECORD, record)


def read_records(folder: pathlib.Path) -> list:
    """The records of every ended trial of the search in ``folder``, by trial id; a damaged one is a ``RunError``."""
    return [read_record(path) for path in sorted((folder / "trials").glob(f"*/{RECORD}"))]


def read_record(path: pathlib.Path) -> dict:
    """The record ``DIR/trials/<id>/tuning.json``, checked to hold what the table and the best config use."""
    trial = path.parent.name
    with damage_named(path, f"run the search again with --restart-trial {trial} to train that trial again"):
        record = json.loads(path.read_text())
        _check_record(record, trial)
        return record


def _check_record(record, trial: str) -> None:
    if not isinstance(record, dict):
        raise WrongShape(f"a JSON {type(record).__name__}, not an object")
    for key, (kind, description) in RECORD_FIELDS.items():
        if not isinstance(record.get(key), kind):
            raise WrongShape(f"'{key}' is missing or not {description}")
    if record["trial"] != trial:
        raise WrongShape(f"'trial' is {record['trial']!r}, not {trial!r}")
    if record["status"] == "COMPLETED" and not isinstance(record.get("objective"), numbers.Real):
        raise WrongShape("a completed trial without a numeric 'objective'")


@contextlib.contextmanager
def damage_named(path, remedy: str):
    """An error while the body reads or uses the JSON file ``path`` becomes one ``RunError``: the path,
    the fault and ``remedy`` (what to do)."""
    try:
        yield
    except Exception as error:  # a damaged file raises whatever its reader trips on: ValueError, KeyError, ...
        raise RunError(f"{path} is damaged ({_fault(error.__cause__ or error)}): {remedy}") from None


def _fault(error: Exception) -> str:
    """One line: what is wrong with the file's content."""
    if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)):
        text = f"not JSON: {error}"
    elif isinstance(error, OSError):
        text = error.strerror or str(error)
    elif isinstance(error, WrongShape):
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}"
    return text.split("\n")[0]


def trial_table(records: list) -> str:
    """A Markdown table: trial, status, objective, Wasserstein estimate, seconds, hyper-parameters."""
    if not records:
        return "no trial has ended yet"
    names = sorted({name for record in records for name in record["hyperparameters"]})
    lines = ["| trial | status | objective | wasserstein | train s | evaluate s | " + " | ".join(names) + " |",
             "| --- " * (6 + len(names)) + "|"]  # fmt: skip
    for record in records:
        values = [_value_cell(record["hyperparameters"], name) for name in names]
        lines.append(f"| {record['trial']} | {record['status']} | {_cell(record.get('objective'))} | "
                     f"{_cell(record.get('wasserstein'))} | {_cell(record.get('train_seconds'))} | "
                     f"{_cell(record.get('evaluate_seconds'))} | " + " | ".join(values) + " |")  # fmt: skip
    failed = [f"trial {record['trial']} {record['status'].lower()}: {record.get('reason')}"
              for record in records if record["status"] != "COMPLETED"]  # fmt: skip
    return "\n".join(lines + ([""] + failed if failed else []) + ["", _time_line(records)])


def failure_summary(records: list, shown: int = 3) -> str:
    """The failed trials' distinct reasons on one line, each with its trials: "trials 0, 2: REASON; trial 1: ..."
    (the first ``shown`` reasons, then how many more)."""
    trials_by_reason = {}
    for record in records:
        if record["status"] != "COMPLETED":
            trials_by_reason.setdefault(record.get("reason") or record["status"].lower(), []).append(record["trial"])
    parts = [f"trial{'s' if len(trials) > 1 else ''} {', '.join(trials)}: {reason}"
             for reason, trials in trials_by_reason.items()]  # fmt: skip
    more = len(parts) - shown
    return "; ".join(parts[:shown]) + (f"; and {more} other reason{'s' if more > 1 else ''}" if more > 0 else "")


def _time_line(records: list) -> str:
    """Where the trials' time went: training (with data preparation), evaluation, the rest."""
    totals = {key: sum(record.get(key) or 0.0 for record in records)
              for key in ("trial_seconds", "train_seconds", "evaluate_seconds")}  # fmt: skip
    other = totals["trial_seconds"] - totals["train_seconds"] - totals["evaluate_seconds"]
    return (
        f"{len(records)} trials, {totals['trial_seconds']:.0f} s: training {totals['train_seconds']:.0f} s "
        f"(with data preparation), evaluation {totals['evaluate_seconds']:.0f} s, other {other:.1f} s"
    )


def _value_cell(hyperparameters: dict, name: str) -> str:
    """A trial's value of ``name`` (``null`` for None); empty if it had none."""
    if name not in hyperparameters:
        return ""
    return _cell(_shown(hyperparameters[name]))


def _shown(value):
    """A hyper-parameter value as the config writes it: ``null`` for None."""
    return "null" if value is None else value


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def best_record(records: list) -> dict | None:
    completed = [record for record in records if record["status"] == "COMPLETED"]
    return min(completed, key=lambda record: record["objective"]) if completed else None


def write_best_config(folder: pathlib.Path, records: list) -> pathlib.Path | None:
    """Copy the best trial's experiment config (its run folder's ``config.yaml``; with the search's ``datasets``,
    that of the first) to ``folder/best.yaml``."""
    best = best_record(records)
    if best is None:
        return None
    run = folder / "trials" / best["trial"]
    if isinstance(best.get("datasets"), dict) and best["datasets"]:
        run = run / next(iter(best["datasets"]))
    target = folder / "best.yaml"
    with atomic_path(target) as temporary:
        shutil.copyfile(run / "config.yaml", temporary)
    return target


def write_hparams_experiment(folder: pathlib.Path, space_names: list, objective: str) -> None:
    """The HParams experiment (its hyper-parameter and metric columns), once per search folder."""
    logs = folder / "tensorboard"
    if logs.is_dir():
        return
    with ScalarWriter(logs) as writer:
        writer.write_summary(
            0, experiment_summary(space_names, {"objective": objective, "wasserstein": "validation Wasserstein"})
        )


def write_hparams_session(folder: pathlib.Path, record: dict) -> None:
    """One HParams session: the trial's hyper-parameters, its metrics and its status."""
    with ScalarWriter(folder / "tensorboard" / record["trial"]) as writer:
        hyperparameters = {name: _shown(value) for name, value in record["hyperparameters"].items()}
        writer.write_summary(0, session_start_summary(hyperparameters))
        writer.write(0, {name: record[name] for name in METRICS if record.get(name) is not None})
        writer.write_summary(0, session_end_summary(record["status"] == "COMPLETED"))
