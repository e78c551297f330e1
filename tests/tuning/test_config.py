"""Search configs: the shipped ones, one-line errors, the space and its encoding, the objective."""

import dataclasses
import re

import keras_tuner
import pytest

from calciumgan.config import load_config
from tuning.config import SHIPPED_SEARCHES, load_search_config
from calciumgan.evaluation.headline import CHECKS, HIGHER_IS_BETTER
from tuning.objective import SMALLEST_COVERAGE, SMALLEST_FLOOR, objective_parts, objective_value
from tuning.search import main
from tuning.space import config_values, declare, trial_config


@pytest.mark.parametrize("name", sorted(path.stem for path in SHIPPED_SEARCHES.glob("*.yaml")))
def test_shipped_searches_load_and_their_defaults_make_valid_trials(name):
    search = load_search_config(name)
    hyperparameters = keras_tuner.HyperParameters()
    declare(hyperparameters, search.space)
    config = trial_config(search.base, hyperparameters.values, search)  # every dimension at its default
    assert config.train.epochs == search.budget.epochs
    assert dataclasses.asdict(config.evaluate).items() >= search.evaluate.items()


def test_thesis_search_starts_from_table_4_1():
    search = load_search_config("thesis")
    base = load_config(search.base)
    assert (base.data.window, base.model.filters, base.model.kernel_size, base.train.batch_size) == (2048, 64, 24, 128)
    table_4_1 = {"model.filters": 64, "model.kernel_size": 24, "model.noise_dim": 32, "model.phase_shuffle": 10,
                 "train.n_critic": 5, "train.penalty_weight": 10.0, "train.batch_size": 128}  # fmt: skip
    for key, value in table_4_1.items():
        assert value in search.space[key]["choice"], key


@pytest.mark.parametrize(
    "change, message",
    [
        ({"space": {"model.filterz": {"choice": [2]}}}, "'space.model.filterz' is not a key of the experiment config"),
        ({"space": {"filters": 4}}, "'space.filters' is not a key"),
        ({"space": {"train.learning_rate": {"min": 0.1, "max": 0.01}}}, "min 0.1 must be below max 0.01"),
        ({"space": {"train.learning_rate": {"min": 0, "max": 1, "sampling": "log"}}}, "log sampling needs min above 0"),
        ({"space": {"model.filters": {"choice": []}}}, "'space.model.filters.choice' must be a non-empty list"),
        ({"space": {"model.filters": {"low": 1, "high": 3}}}, "must be {choice: \\[...\\]} or {min: ..., max: ...}"),
        ({"space": {}}, "'space' names no hyper-parameter"),
        ({"evaluate": {"num_sample": 3}}, "unknown key 'evaluate.num_sample'"),
        ({"oracle": "grid"}, "'oracle' must be one of random, bayesian, hyperband"),
        ({"trails": 3}, "unknown section 'trails'"),
        ({"datasets": ["day4", "day4"]}, "'datasets' lists a preset twice"),
        ({"datasets": ["day5"]}, "'datasets': unknown data.preset 'day5' \\(known: day1, day4, dff_day4\\)"),
        ({"datasets": ["day4"], "space": {"data.preset": {"choice": ["day4", "dff_day4"]}}},
         "'datasets' and 'space.data.preset' both choose the data"),
    ],
)
def test_config_errors_are_one_line_naming_the_key(tmp_path, write_search, capsys, change, message):
    settings = {"space": {"model.filters": {"choice": [2, 4]}}, **change}
    space = settings.pop("space")
    config = write_search(tmp_path, space, **settings)
    assert main(["--config", str(config), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and error.startswith(f"error: {config}: ")
    assert re.search(message, error), error
    assert not (tmp_path / "out").exists()


def test_folder_and_base_errors(tmp_path, write_search, capsys):
    config = write_search(tmp_path, {"model.filters": {"choice": [2]}}, base=str(tmp_path / "missing.yaml"))
    assert main(["--config", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "missing.yaml: no such config file" in capsys.readouterr().err
    (tmp_path / "file").write_text("")
    config = write_search(tmp_path, {"model.filters": {"choice": [2]}})
    assert main(["--config", str(config), "--out", str(tmp_path / "file")]) == 2
    assert "--out" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["--run", str(tmp_path / "empty")]) == 2
    assert "not a search folder" in capsys.readouterr().err
    (tmp_path / "out").mkdir()
    other = write_search(tmp_path, {"model.filters": {"choice": [4]}}, name="other.yaml")
    (tmp_path / "out" / "search.yaml").write_text(config.read_text())
    assert main(["--config", str(other), "--out", str(tmp_path / "out")]) == 2
    assert "holds a different search; choose a new --out" in capsys.readouterr().err


def test_the_old_spellings_dir_and_summary_still_work_with_one_notice_each(tmp_path, write_search, capsys):
    config = write_search(tmp_path, {"model.filters": {"choice": [2]}})
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "search.yaml").write_text(config.read_text())
    other = write_search(tmp_path, {"model.filters": {"choice": [4]}}, name="other.yaml")
    assert main(["--config", str(other), "--dir", str(tmp_path / "out")]) == 2  # --dir is --out: the same refusal
    error = capsys.readouterr().err.splitlines()
    assert error == ["warning: --dir is deprecated and will be removed in the next release; use --out",
                     f"error: {tmp_path / 'out' / 'search.yaml'}: this folder holds a different search; choose a new "
                     "--out"]  # fmt: skip
    assert main(["--summary", str(tmp_path / "out")]) == 0  # --summary is --run: the table of no trials
    assert capsys.readouterr().err.splitlines()[0] == ("warning: --summary is deprecated and will be removed in the "
                                                       "next release; use --run")  # fmt: skip


def test_space_kinds_and_json_encoded_choices():
    space = {"train.generator_ema": {"choice": [None, 0.999]}, "model.filters": {"min": 8, "max": 32, "step": 8},
             "train.learning_rate": {"min": 1e-4, "max": 1e-2, "sampling": "log"}, "model.phase_shuffle": 3,
             "train.penalty": {"choice": ["gradient", "divergence"]}}  # fmt: skip
    hyperparameters = keras_tuner.HyperParameters()
    declare(hyperparameters, space)
    kinds = {item.name: type(item).__name__ for item in hyperparameters.space}
    assert kinds == {"train.generator_ema": "Choice", "model.filters": "Int", "train.learning_rate": "Float",
                     "model.phase_shuffle": "Fixed", "train.penalty": "Choice"}  # fmt: skip
    assert hyperparameters.values["train.generator_ema"] == "null"  # offered to keras-tuner as JSON text
    decoded = config_values({**hyperparameters.values, "tuner/epochs": 3}, space)
    assert decoded == {"train.generator_ema": None, "model.filters": 8, "train.learning_rate": 1e-4,
                       "model.phase_shuffle": 3, "train.penalty": "gradient"}  # fmt: skip


class _Evaluation:
    """What the objective reads of an evaluation: its table and its headline checks."""

    def __init__(self, table=None, headline=None):
        self._table, self.extras = table, {"headline": headline}

    def table(self):
        return self._table


def test_objective_is_the_mean_ratio_to_the_floor():
    table = {"model": {"firing_rate": 0.4, "correlation": 0.3, "van_rossum": 0.0, "synchrony": 9.0},
             "floor": {"firing_rate": 0.2, "correlation": 0.1, "van_rossum": 0.0, "synchrony": 1.0}}  # fmt: skip
    parts = objective_parts("realism", _Evaluation(table))
    assert parts["firing_rate"] == {"kl": 0.4, "ratio": 2.0} and parts["correlation"]["ratio"] == pytest.approx(3.0)
    assert parts["van_rossum"]["ratio"] == 0.0 / SMALLEST_FLOOR
    assert objective_value("realism", parts) == pytest.approx(5 / 3)
    assert objective_value("kl", parts) == pytest.approx(0.7 / 3)


def test_headline_objective_is_one_for_a_floor_like_model_and_inverts_coverage():
    def scores(kl, coverage):
        return {name: {"value": coverage if name in HIGHER_IS_BETTER else kl, "interval": [0, 1]} for name in CHECKS}

    floor = scores(0.2, 0.9)
    like_real = objective_parts("headline", _Evaluation(headline={"model": scores(0.2, 0.9), "floor": floor}))
    assert set(like_real) == set(CHECKS) and objective_value("headline", like_real) == pytest.approx(1.0)
    worse = objective_parts("headline", _Evaluation(headline={"model": scores(0.4, 0.3), "floor": floor}))
    assert worse["firing_rate"] == {"value": 0.4, "ratio": 2.0} and worse["recall"]["ratio"] == pytest.approx(3.0)
    assert objective_value("headline", worse) == pytest.approx((8 * 2.0 + 2 * 3.0) / 10)
    collapsed = objective_parts("headline", _Evaluation(headline={"model": scores(0.4, 0.0), "floor": floor}))
    assert collapsed["precision"]["ratio"] == pytest.approx(0.9 / SMALLEST_COVERAGE)


def test_a_search_in_which_no_trial_completes_exits_non_zero(tmp_path, write_search, capsys):
    """Every kernel size of the space is invalid for fast convolutions (not a multiple of the stride, 2)."""
    config = write_search(tmp_path, {"model.kernel_size": {"choice": [3, 5]}}, trials=2)
    assert main(["--config", str(config), "--out", str(tmp_path / "out")]) == 2
    printed = capsys.readouterr()
    assert printed.out.count("failed: invalid combination") == 2 and "no trial has completed yet" in printed.out
    last = printed.err.strip().splitlines()[-1]
    assert "none of its 2 trials completed: trial 0: invalid combination: " in last, last
    assert "; trial 1: invalid combination: " in last and last.count("model.kernel_size") == 2, last
    assert main(["--run", str(tmp_path / "out")]) == 0  # a summary reports; it does not judge


def test_the_failure_summary_groups_trials_by_reason_and_counts_what_it_leaves_out():
    from tuning.results import failure_summary

    records = [{"trial": "0", "status": "FAILED", "reason": "disk full"}, {"trial": "1", "status": "COMPLETED"},
               {"trial": "2", "status": "FAILED", "reason": "disk full"}, {"trial": "3", "status": "INVALID"}]
    assert failure_summary(records) == "trials 0, 2: disk full; trial 3: invalid"
    many = [{"trial": str(index), "status": "FAILED", "reason": f"reason {index}"} for index in range(6)]
    assert failure_summary(many) == "trial 0: reason 0; trial 1: reason 1; trial 2: reason 2; and 3 other reasons"
