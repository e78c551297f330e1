"""Half precision without a GPU is slow, and training says so once, with the fix."""

import logging

import pytest

from calciumgan import experiment
from calciumgan.config import load_config


@pytest.mark.parametrize("precision", ["mixed_float16", "mixed_bfloat16"])
def test_half_precision_on_a_cpu_warns_once_with_the_fix(monkeypatch, caplog, precision):
    monkeypatch.setattr(experiment, "accelerators", lambda: [])
    with caplog.at_level(logging.WARNING):
        experiment.warn_of_half_precision_without_accelerator(precision)
    assert len(caplog.records) == 1 and f"train.precision is {precision}, but there is no GPU" in caplog.text
    assert "train.precision: float32" in caplog.text and "dff_demo" in caplog.text


def test_no_warning_in_float32_or_with_a_gpu(monkeypatch, caplog):
    with caplog.at_level(logging.WARNING):
        experiment.warn_of_half_precision_without_accelerator("float32")
        monkeypatch.setattr(experiment, "accelerators", lambda: ["GPU:0"])
        experiment.warn_of_half_precision_without_accelerator("mixed_float16")
    assert caplog.records == []


def test_the_thesis_size_configs_ask_for_half_precision_and_the_cpu_configs_do_not():
    """The warning meets the user who trains day4 on a laptop, not the one who trains dff_demo."""
    assert load_config("day4").train.precision == "mixed_float16"
    assert load_config("dff_demo").train.precision == load_config("demo").train.precision == "float32"
