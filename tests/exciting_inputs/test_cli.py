"""The MEI commands end to end on a tiny experiment (in this process): simulate -> fit, and their one-line errors."""

import json
import subprocess
import sys

import numpy as np
import pytest
from commands import run_module as _run

from calciumgan.training.run_folder import load_saved_model
from exciting_inputs.experiment import Experiment

# The JAX lane (-m backend) runs the tests marked backend below: what can differ between the backends.
pytestmark = pytest.mark.slow


@pytest.fixture
def experiment(fitted_mei_experiment):
    return fitted_mei_experiment


@pytest.mark.backend
def test_fit_writes_the_model_selection_split_and_report(experiment):
    _, out = experiment
    folder = Experiment(out)
    dataset = folder.load_dataset()
    split = json.loads(folder.path("split.json").read_text())
    assert [len(split[name]) for name in ("train", "validation", "test")] == [42, 9, 9]
    selection = json.loads(folder.path("selection.json").read_text())
    assert len(selection["oracle"]) == 6 and sum(selection["selected"]) >= 1
    model = load_saved_model(folder.model_path)
    predicted = model.predict_on_batch(dataset.images[split["test"], :, :, None])
    assert predicted.shape == (9, 6) and np.all(predicted > 0)
    report = json.loads((folder.report / "report.json").read_text())
    assert [row["neuron"] for row in report["rows"]] == list(range(6))
    core = 4 * 4 * 4 + 2 * 9 * 4 * 4 + 3 * 2 * 4  # 4 channels, 3 layers; the readout: 4 levels of 12 maps
    assert report["summary"]["epochs_run"] == 2 and report["summary"]["trainable_parameters"] == core + 6 * 51
    assert (folder.report / "report.md").is_file() and (folder.report / "test_vs_oracle.png").is_file()


def test_simulating_again_keeps_the_dataset(experiment):
    config, out = experiment
    before = Experiment(out).dataset_path.stat().st_mtime_ns
    result = _run("exciting_inputs.simulate", "--config", config, "--out", out)
    assert result.returncode == 0 and "kept" in result.stderr
    assert Experiment(out).dataset_path.stat().st_mtime_ns == before


def test_commands_refuse_bad_input_with_one_line(experiment, tmp_path, write_mei_config):
    _, out = experiment
    other = write_mei_config(tmp_path / "other.yaml", {"simulation.seed": 5})
    cases = [
        (("exciting_inputs.fit", "--config", other, "--out", out), "different simulation settings"),
        (("exciting_inputs.fit", "--config", other, "--out", tmp_path / "empty"),
         "no dataset.h5 here; run python -m exciting_inputs.simulate"),
        (("exciting_inputs.simulate", "--config", tmp_path / "absent.yaml"), "no such config file"),
        (("exciting_inputs.fit", "--out", out), "the following arguments are required: --config"),
    ]
    for arguments, message in cases:
        result = _run(*arguments)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for module in ("exciting_inputs.simulate", "exciting_inputs.fit"):  # the python -m entry points, in a fresh process
        result = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "--config" in result.stdout
