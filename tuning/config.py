"""The search config: which experiment to start from, what to vary, how to search, how long.

    base: demo                  # experiment config every trial starts from (shipped name or path)
    oracle: random              # random | bayesian | hyperband (keras-tuner's oracles)
    trials: 8                   # random and bayesian; hyperband sizes its brackets from budget.epochs
    seed: 1
    objective: realism          # mean KL / floor over the Table 4.3 statistics; headline: over the headline checks
    datasets: [day4, dff_day4]  # optional: every trial trains and is scored on each data.preset; objective: the mean
    budget: {epochs: 2, steps_per_epoch: 25}
    evaluate: {num_samples: 64} # overrides of the trials' evaluate section
    space:
      model.filters: {choice: [16, 32]}
      train.learning_rate: {min: 1.0e-4, max: 1.0e-3, sampling: log}
      train.generator_ema: {choice: [null, 0.999]}

Every key of ``space`` is a dotted key of the experiment config (``calciumgan.config``); its
value is a ``choice`` list, a ``min``/``max`` range (integers if both are; optional ``step``
and ``sampling``: linear or log) or a plain value held fixed.
"""

import dataclasses
import pathlib

from calciumgan.config import ExperimentConfig
from calciumgan.core import config as schema_loader
from calciumgan.core.config import setting
from calciumgan.data.presets import DFF_PRESETS, PRESETS

SHIPPED_SEARCHES = pathlib.Path(__file__).parent / "configs"
OBJECTIVES = ("realism", "kl", "headline")  # see tuning.objective
RANGE_KEYS = {"min", "max", "step", "sampling"}
DATA_PRESETS = (*PRESETS, *DFF_PRESETS)


@dataclasses.dataclass(frozen=True)
class BudgetConfig:
    """Training per trial (hyperband: the most epochs a trial reaches)."""

    epochs: int = setting(2, minimum=1)
    steps_per_epoch: int | None = setting(None, minimum=1)  # None: the base config's


@dataclasses.dataclass(frozen=True)
class SearchConfig:
    base: str = "demo"
    oracle: str = setting("random", choices=("random", "bayesian", "hyperband"))
    trials: int = setting(8, minimum=1)
    seed: int = setting(1, minimum=0)
    objective: str = setting("realism", choices=OBJECTIVES)
    datasets: list = dataclasses.field(default_factory=list)  # data.preset names; empty: the base config's data
    max_consecutive_failures: int = setting(20, minimum=1)  # failed trials in a row that end the search
    budget: BudgetConfig = dataclasses.field(default_factory=BudgetConfig)
    evaluate: dict = dataclasses.field(default_factory=dict)
    space: dict = dataclasses.field(default_factory=dict)

    def check(self) -> None:
        if not self.space:
            raise ValueError("'space' names no hyper-parameter to search")
        for key, spec in self.space.items():
            _check_dimension(key, spec)
        if len(set(map(str, self.datasets))) < len(self.datasets):
            raise ValueError(f"'datasets' lists a preset twice: {self.datasets}")
        unknown = [name for name in self.datasets if name not in DATA_PRESETS]
        if unknown:
            raise ValueError(f"'datasets': unknown data.preset {unknown[0]!r} (known: {', '.join(DATA_PRESETS)})")
        if self.datasets and "data.preset" in self.space:
            raise ValueError("'datasets' and 'space.data.preset' both choose the data: keep one")
        unknown = [key for key in self.evaluate if key not in _EXPERIMENT_KEYS["evaluate"]]
        if unknown:
            raise ValueError(f"unknown key 'evaluate.{unknown[0]}'")


def _experiment_keys() -> dict:
    """Section name -> the names of its keys, for every section of the experiment config."""
    return {section.name: {field.name for field in dataclasses.fields(section.type)}
            for section in dataclasses.fields(ExperimentConfig)}  # fmt: skip


_EXPERIMENT_KEYS = _experiment_keys()


def _check_dimension(key, spec) -> None:
    section, _, name = str(key).partition(".")
    if name not in _EXPERIMENT_KEYS.get(section, ()):
        raise ValueError(f"'space.{key}' is not a key of the experiment config (section.key, e.g. model.filters)")
    if not isinstance(spec, dict):
        return  # a fixed value; the trial's config check judges it
    if set(spec) == {"choice"}:
        if not isinstance(spec["choice"], list) or not spec["choice"]:
            raise ValueError(f"'space.{key}.choice' must be a non-empty list")
        return
    unknown = set(spec) - RANGE_KEYS
    if unknown or not {"min", "max"} <= set(spec):
        raise ValueError(f"'space.{key}' must be {{choice: [...]}} or {{min: ..., max: ...}} with optional "
                         f"step and sampling, got keys {', '.join(map(str, spec))}")  # fmt: skip
    low, high = spec["min"], spec["max"]
    if not all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in (low, high)):
        raise ValueError(f"'space.{key}': min and max must be numbers")
    if low >= high:
        raise ValueError(f"'space.{key}': min {low} must be below max {high}")
    if spec.get("sampling", "linear") not in ("linear", "log"):
        raise ValueError(f"'space.{key}.sampling' must be linear or log")
    if spec.get("sampling") == "log" and low <= 0:
        raise ValueError(f"'space.{key}': log sampling needs min above 0")


def load_search_config(name_or_path) -> SearchConfig:
    """Read and check a search config (a path or a shipped config's name: demo, thesis)."""
    return schema_loader.load_config(name_or_path, SearchConfig, SHIPPED_SEARCHES)
