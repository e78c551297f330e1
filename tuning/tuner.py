"""The keras-tuner tuner whose trials are CalciumGAN runs.

A trial builds its experiment config (``tuning.space``), trains it in its own run folder
``DIR/trials/<trial id>`` through ``calciumgan.experiment.train_experiment`` (so it can be
resumed, sampled and evaluated later like any run), then evaluates it with
``calciumgan.evaluation`` on its held-out block and reports the objective (``tuning.objective``)
and the critic's validation Wasserstein estimate. An invalid combination, a diverged training
or a non-finite objective fails the trial with the reason recorded; the search goes on.

keras-tuner keeps its oracle in ``DIR/keras_tuner``. When the search starts again in the same
folder, finished trials stay finished and a trial that was running is handed out again under
the same id, so its run folder resumes from its newest checkpoint; a damaged file there stops the
search with one line naming it, and ``restart_trial`` has an ended trial trained again. Every
JSON file keras-tuner writes (its oracle, its trials, the tuner's state) goes through
``save_json_atomically``: a full disk or a kill mid-write leaves the previous file whole. Under keras-tuner's
chief/worker environment variables the chief only serves the oracle and every worker runs
trials; all of them must see the same ``DIR``.
"""

import json
import logging
import math
import pathlib
import shutil
import time

import keras
import keras_tuner
from keras_tuner.engine import base_tuner
from keras_tuner.engine.trial import Trial
from keras_tuner.src import config as keras_tuner_config
from keras_tuner.src import utils as keras_tuner_utils

from calciumgan.core.errors import CalciumGANError, ConfigError, RunError
from calciumgan.core.files import write_text_atomic
from calciumgan.experiment import train_experiment
from calciumgan.run import CalciumRun
from calciumgan.run_evaluation import evaluate_run
from tuning.objective import objective_parts, objective_value
from tuning.results import damage_named, write_hparams_experiment, write_hparams_session, write_record
from tuning.space import HYPERBAND_EPOCHS, HYPERBAND_PARENT, config_values, declare, trial_config

logger = logging.getLogger(__name__)
HYPERBAND_FACTOR = 3
FAILED_TRIAL = "FailedTrialError: "
keras_tuner_config.DEBUG = False  # keras-tuner would print every failed trial's traceback; on_trial_end logs
SEARCH_LOST = ("keras-tuner cannot resume the search from it: start the search again with a new --out "
               "(--run still lists the trials that ended here)")  # fmt: skip
TUNER_FILE_REMEDY = "it holds no state of the search: write {} into it and run the search again"


def save_json_atomically(path, value) -> str:
    """keras-tuner's ``utils.save_json``, through ``write_text_atomic``: the JSON text of ``value`` lands at ``path``
    whole or not at all (an ``OutputError`` naming ``path``). Returns the text, as keras-tuner's does."""
    text = json.dumps(value)
    write_text_atomic(path, text)
    return text


# keras-tuner's Stateful.save (oracle.json, trial.json, the tuner's file) looks the writer up in its utils module.
keras_tuner_utils.save_json = save_json_atomically


def _failure(message: str | None) -> tuple[str, bool]:
    """From keras-tuner's traceback text of a failed trial: its one-line reason, and whether the
    trial failed as trials may (``FailedTrialError``) rather than by a bug."""
    last = (message or "unknown reason").strip().splitlines()[-1]
    return last.split(FAILED_TRIAL, 1)[-1], FAILED_TRIAL in last


class _SearchSpace(keras_tuner.HyperModel):
    """Declares the search config's space; trials build their models through the experiment config."""

    def __init__(self, space: dict):
        super().__init__()
        self.space = space

    def build(self, hp):
        declare(hp, self.space)


def make_oracle(search) -> keras_tuner.Oracle:
    """keras-tuner's oracle named by ``search.oracle``, minimising ``search.objective``."""
    common = {"objective": keras_tuner.Objective(search.objective, direction="min"), "seed": search.seed,
              "max_consecutive_failed_trials": search.max_consecutive_failures}  # fmt: skip
    if search.oracle == "hyperband":
        return keras_tuner.oracles.HyperbandOracle(max_epochs=search.budget.epochs, factor=HYPERBAND_FACTOR, **common)
    if search.oracle == "bayesian":
        return keras_tuner.oracles.BayesianOptimizationOracle(max_trials=search.trials, **common)
    return keras_tuner.oracles.RandomSearchOracle(max_trials=search.trials, **common)


class CalciumTuner(base_tuner.BaseTuner):
    """The search of ``search`` (a ``tuning.config.SearchConfig``) in ``folder``; trials are run folders."""

    def __init__(self, search, folder):
        self.search_config = search
        self.folder = pathlib.Path(folder)
        self._outcome, self._trial_start = {}, 0.0  # of the trial under way
        self.trial_seconds = 0.0  # spent inside the trials this process ran
        super().__init__(make_oracle(search), hypermodel=_SearchSpace(search.space), directory=str(self.folder),
                         project_name="keras_tuner")  # fmt: skip

    def run_folder(self, trial_id: str) -> pathlib.Path:
        return self.folder / "trials" / trial_id

    def reload(self):
        """keras-tuner's reload of the search begun in this folder; a file of its own that it cannot read or use
        stops it with one ``RunError`` naming the file."""
        project = pathlib.Path(self.project_dir)
        if not self._is_worker():  # a worker leaves the oracle and its trials to the chief
            for path in sorted(project.glob("trial_*/trial.json")):
                with damage_named(path, SEARCH_LOST):
                    Trial.load(str(path))
        tuner_file = pathlib.Path(self._get_tuner_fname())
        with damage_named(tuner_file, TUNER_FILE_REMEDY):
            json.loads(tuner_file.read_text())
        with damage_named(project / "oracle.json", SEARCH_LOST):  # the rest of what keras-tuner reads
            super().reload()

    def restart_trial(self, trial_id: str) -> None:
        """Have the ended trial ``trial_id`` trained again from scratch, before any new trial and under the same
        id and hyper-parameters: keras-tuner queues it, then its run folder and HParams session are removed."""
        if self._is_worker():
            raise RunError(f"--restart-trial {trial_id}: give it to the chief (KERASTUNER_TUNER_ID=chief), "
                           "which keeps the oracle")  # fmt: skip
        oracle = self.oracle
        if trial_id not in oracle.trials:
            raise RunError(f"--restart-trial {trial_id}: {self.folder} has no such trial "
                           f"(its trials: {', '.join(sorted(oracle.trials)) or 'none'})")  # fmt: skip
        if trial_id in oracle.end_order:
            oracle.end_order.remove(trial_id)
        if trial_id not in oracle._retry_queue:  # a trial that was running is queued already
            oracle._retry_queue.append(trial_id)
        oracle.save()
        for folder in (self.run_folder(trial_id), self.folder / "tensorboard" / trial_id):
            if folder.exists():
                shutil.rmtree(folder)
        logger.info("trial %s: its run folder is removed; it is trained again first", trial_id)

    def on_search_begin(self):
        super().on_search_begin()
        write_hparams_experiment(self.folder, list(self.search_config.space), self.search_config.objective)

    def on_trial_begin(self, trial):
        super().on_trial_begin(trial)
        keras.backend.clear_session()
        self._outcome = {}
        self._trial_start = time.perf_counter()
        logger.info("trial %s: %s", trial.trial_id, self._values(trial))

    def run_trial(self, trial, *args, **kwargs):
        """Train and score the trial on the base config's data, or on each of the search's ``datasets`` in
        ``trials/<id>/<preset>`` (the objective then is their mean)."""
        values, search = trial.hyperparameters.values, self.search_config
        folder = self.run_folder(trial.trial_id)
        try:
            configs = {preset: trial_config(search.base, values, search, preset)
                       for preset in search.datasets or [None]}  # fmt: skip
        except ConfigError as error:
            raise keras_tuner.errors.FailedTrialError(f"invalid combination: {error}") from None
        folders = {preset: folder if preset is None else folder / preset for preset in configs}
        parent = values.get(HYPERBAND_PARENT)
        if parent and not any(CalciumRun(run).has_trained() for run in folders.values()):
            shutil.copytree(self.run_folder(parent), folder, dirs_exist_ok=True)  # Hyperband continues its training
        self._outcome.update(train_seconds=0.0, evaluate_seconds=0.0)
        scores = {preset: self._train_and_score(folders[preset], config) for preset, config in configs.items()}
        if search.datasets:
            value = math.fsum(score["objective"] for score in scores.values()) / len(scores)
            self._outcome.update(objective=value, datasets=scores)
        else:
            self._outcome.update(scores[None])
            value = scores[None]["objective"]
        if not math.isfinite(value):
            raise keras_tuner.errors.FailedTrialError(f"the objective is {value}")
        metrics = {search.objective: value}
        if self._outcome.get("wasserstein") is not None:  # absent when a resumed trial had finished training
            metrics["wasserstein"] = self._outcome["wasserstein"]
        return metrics

    def _train_and_score(self, folder: pathlib.Path, config) -> dict:
        """Train ``config`` in run folder ``folder`` (resuming it) and evaluate it: its objective, the objective's
        parts and the critic's last validation Wasserstein estimate. The seconds add to the trial's outcome."""
        start = time.perf_counter()
        try:
            _, logs = train_experiment(config, folder, progress=False)
        except CalciumGANError as error:  # diverged training, an unusable run folder
            where = f"{config.data.preset}: " if self.search_config.datasets else ""
            raise keras_tuner.errors.FailedTrialError(f"{where}{error}") from None
        trained = time.perf_counter()
        parts = objective_parts(self.search_config.objective, evaluate_run(folder))
        self._outcome["train_seconds"] += trained - start
        self._outcome["evaluate_seconds"] += time.perf_counter() - trained
        return {"objective": objective_value(self.search_config.objective, parts), "parts": parts,
                "wasserstein": logs.get("val_wasserstein")}  # fmt: skip

    def on_trial_end(self, trial):
        status = trial.status  # keras-tuner's TrialStatus: "COMPLETED", "FAILED" or "INVALID" (an unexpected error)
        record = {"trial": trial.trial_id, "status": status, "hyperparameters": self._values(trial), **self._outcome,
                  "trial_seconds": time.perf_counter() - self._trial_start}  # fmt: skip
        self.trial_seconds += record["trial_seconds"]
        if status == "COMPLETED":
            logger.info("trial %s completed: %s %.4g", trial.trial_id, self.search_config.objective,
                        record["objective"])  # fmt: skip
        else:
            record["reason"], expected = _failure(trial.message)
            logger.warning("trial %s failed: %s", trial.trial_id, record["reason"])
            if not expected:  # a bug: show where
                logger.error("%s", trial.message)
        write_record(self.run_folder(trial.trial_id), record)
        write_hparams_session(self.folder, record)
        super().on_trial_end(trial)

    def _values(self, trial) -> dict:
        values = config_values(trial.hyperparameters.values, self.search_config.space)
        if HYPERBAND_EPOCHS in trial.hyperparameters.values:
            values["train.epochs"] = trial.hyperparameters.values[HYPERBAND_EPOCHS]
        return values
