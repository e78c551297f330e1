"""The search space: config dimensions -> keras-tuner hyper-parameters -> one experiment config per trial.

keras-tuner's ``Choice`` takes numbers, strings and booleans of one type; a choice holding
anything else (``null``, or ints beside floats) is offered as JSON text and decoded back, so a
config may say ``train.generator_ema: {choice: [null, 0.999]}``.
"""

import dataclasses
import json

import keras_tuner

from calciumgan.config import ExperimentConfig, config_from_dict, load_config

HYPERBAND_EPOCHS = "tuner/epochs"  # the epochs keras-tuner's Hyperband gives a trial
HYPERBAND_PARENT = "tuner/trial_id"  # the trial whose training it continues


def _plain(values: list) -> bool:
    """Whether keras-tuner keeps these values as they are (it turns booleans into 0 and 1: those go as JSON)."""
    kinds = {type(value) for value in values}
    return len(kinds) == 1 and kinds <= {int, float, str}


def declare(hyperparameters: keras_tuner.HyperParameters, space: dict) -> None:
    """Register every dimension of ``space`` (see ``tuning.config``) in ``hyperparameters``."""
    for name, spec in space.items():
        if not isinstance(spec, dict):
            hyperparameters.Fixed(name, spec if _plain([spec]) else json.dumps(spec))
        elif "choice" in spec:
            values = spec["choice"]
            hyperparameters.Choice(name, values if _plain(values) else [json.dumps(value) for value in values])
        elif all(isinstance(spec[key], int) for key in ("min", "max")) and isinstance(spec.get("step", 1), int):
            hyperparameters.Int(name, spec["min"], spec["max"], step=spec.get("step"),
                                sampling=spec.get("sampling", "linear"))  # fmt: skip
        else:
            hyperparameters.Float(name, spec["min"], spec["max"], step=spec.get("step"),
                                  sampling=spec.get("sampling", "linear"))  # fmt: skip


def config_values(values: dict, space: dict) -> dict:
    """Dotted config key -> value of one trial, JSON-encoded choices decoded; keras-tuner's own
    ``tuner/...`` entries left out."""
    decoded = {}
    for name, value in values.items():
        if name.startswith("tuner/"):
            continue
        spec = space[name]
        choices = spec.get("choice") if isinstance(spec, dict) else [spec]
        encoded = choices is not None and not _plain(choices)
        decoded[name] = json.loads(value) if encoded else value
    return decoded


def trial_config(base: str, values: dict, search, preset: str | None = None) -> ExperimentConfig:
    """The experiment config of one trial: ``base`` with the budget, the search's evaluate
    overrides, ``data.preset`` if given (one of the search's ``datasets``) and the trial's values (which win).
    A ``ConfigError`` names what is invalid."""
    raw = dataclasses.asdict(load_config(base))
    if preset is not None:
        raw["data"]["preset"] = preset
    raw["train"]["epochs"] = values.get(HYPERBAND_EPOCHS, search.budget.epochs)
    if search.budget.steps_per_epoch is not None:
        raw["train"]["steps_per_epoch"] = search.budget.steps_per_epoch
    raw["evaluate"].update(search.evaluate)
    for dotted, value in config_values(values, search.space).items():
        section, key = dotted.split(".")
        raw[section][key] = value
    return config_from_dict(raw, "this trial's config")
