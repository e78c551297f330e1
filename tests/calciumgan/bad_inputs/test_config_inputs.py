"""Bad experiment configs given to ``calciumgan.train --config``: every fault names the file and the key."""

import pytest
from catalogue import Case, cases

from calciumgan.train import main

pytestmark = pytest.mark.slow


def train(config: str, workspace) -> list:
    return ["--config", config, "--out", workspace / "new-run"]


def value(key: str, setting, *expected: str) -> Case:
    """A case setting ``section.key`` to ``setting`` in the tiny config; the error names the file and key."""
    section, name = key.split(".")
    return Case(f"{key}={setting}", lambda w: train(w.config("bad.yaml", **{f"{section}__{name}": setting}), w),
                "bad.yaml", f"'{key}'", *expected)  # fmt: skip


def text(id: str, content, *expected: str) -> Case:
    """A case whose config file holds ``content`` (text or bytes)."""
    return Case(id, lambda w: train(w.text("bad.yaml", content), w), "bad.yaml", *expected)


CONFIGS = (
    value("train.steps_per_epoch", -5, "at least 1"),
    value("train.steps_per_epoch", 0, "at least 1"),
    value("train.seed", -3, "at least 0"),
    value("train.beta_1", 5.0, "below 1"),
    value("train.beta_2", 1.0, "below 1"),
    value("train.beta_1", -0.5, "at least 0"),
    value("train.learning_rate", float("nan"), "finite"),
    value("train.learning_rate", float("inf"), "finite"),
    value("train.learning_rate", -0.001, "above 0"),
    value("train.learning_rate", 0, "above 0"),
    value("train.epochs", 0, "at least 1"),
    value("train.batch_size", 0, "at least 1"),
    value("train.batch_size", "four", "must be int"),
    value("train.batch_size", True, "must be int"),
    value("train.batch_size", 4.5, "must be int"),
    value("train.n_critic", 0, "at least 1"),
    value("train.penalty", "lipschitz", "one of"),
    value("train.penalty_weight", -1.0, "at least 0"),
    value("train.divergence_power", 0, "above 0"),
    value("train.precision", "float8", "one of"),
    value("train.checkpoint_every", 0, "at least 1"),
    value("train.keep_checkpoints", 0, "at least 1"),
    value("train.validation_batches", 0, "at least 1"),
    value("data.validation_fraction", 1.5, "below 1"),
    value("data.validation_fraction", 0, "above 0"),
    value("data.window", 0, "at least 1"),
    value("data.source", "camera", "one of"),
    value("data.preset", "day7", "one of"),
    value("data.scaling", "z-score", "one of"),
    value("data.num_neurons", 0, "at least 1"),
    value("model.noise_dim", 0, "at least 1"),
    value("model.kernel_size", 0, "at least 1"),
    value("model.phase_shuffle", -1, "at least 0"),
    value("model.variant", "transformer", "one of"),
    value("model.normalization", "batch", "one of"),
    value("evaluate.num_samples", 0, "at least 1"),
    value("evaluate.decay", 1.0, "below 1"),
    value("evaluate.kl_bins", 0, "at least 1"),
    value("evaluate.correlation_bin_width", -0.5, "above 0"),
    Case("window-not-a-multiple", lambda w: train(w.config("bad.yaml", data__window=100), w),
         "bad.yaml", "data.window 100", "multiple"),
    Case("kernel-longer-than-the-critic-input", lambda w: train(w.config("bad.yaml", model__kernel_size=99), w),
         "bad.yaml", "model.kernel_size"),
    Case("file-without-path", lambda w: train(w.config("bad.yaml", data__source="file"), w),
         "bad.yaml", "'data.path'"),
    Case("too-many-surrogate-neurons", lambda w: train(w.config("bad.yaml", data__num_neurons=5000), w),
         "bad.yaml", "num_neurons"),
    Case("window-longer-than-the-surrogate", lambda w: train(w.config("bad.yaml", data__window=1024), w),
         "surrogate", "window of 1024 frames"),
    text("unknown-key", "train:\n  batch_szie: 4\n", "'train.batch_szie'", "unknown key"),
    text("unknown-section", "training:\n  batch_size: 4\n", "'training'", "unknown section"),
    text("duplicate-key", "train:\n  epochs: 2\n  epochs: 3\n", "duplicate key 'epochs'"),
    text("non-utf8", b"train:\n  epochs: 2 # \xe9t\xe9\n", "not UTF-8"),
    text("empty", "", "empty"),
    text("only-comments", "# nothing here\n\n", "empty"),
    text("not-yaml", "train: [epochs: 2\n", "not valid YAML"),
    text("tab-indent", "train:\n\tepochs: 2\n", "not valid YAML"),
    text("top-level-list", "- train\n- model\n", "top level", "mapping"),
    text("section-is-a-number", "train: 3\n", "section 'train'", "mapping"),
    text("python-object", "train: !!python/object:os.system {}\n", "not valid YAML"),
    Case("missing-config", lambda w: train(w / "nowhere.yaml", w), "nowhere.yaml", "no such config"),
    Case("config-is-a-folder", lambda w: train(w.folder("configs"), w), "configs", "is a directory, not a config file"),
)


@cases(*CONFIGS)
def test_bad_configs(refused, case):
    refused(main, case)
