"""``exciting_inputs.optimise`` end to end on a tiny experiment (simulate -> fit -> optimise, in this process), and
its errors."""

import json
import pathlib
import shutil

import h5py
import numpy as np
import pytest
from commands import run_module as _run

from exciting_inputs.config import load_config
from exciting_inputs.experiment import Experiment
from exciting_inputs.optimisation.comparison import truth_correlation

# The JAX lane (-m backend) runs the tests marked backend below: what can differ between the backends.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def experiment(tmp_path_factory, fitted_mei_experiment):
    """The shared fitted experiment, copied, then optimised for neurons 4 and 1."""
    config, fitted = fitted_mei_experiment
    out = pathlib.Path(shutil.copytree(fitted, tmp_path_factory.mktemp("mei-optimise") / "experiment"))
    result = _run("exciting_inputs.optimise", "--config", config, "--out", out, "--neurons", "4,1")
    assert result.returncode == 0, result.stderr[-3000:]
    return config, Experiment(out)


@pytest.mark.backend
def test_optimise_writes_meis_and_a_report_that_agrees_with_the_truth(experiment):
    config, folder = experiment
    steps = load_config(config).mei.steps
    with h5py.File(folder.path("meis.h5"), "r") as file:
        neurons, images = file["neurons"][:], file["images"][:]
        trajectories, peaks = file["trajectories"][:], file["peak_step"][:]
        contrast_target = file.attrs["contrast_target"]
    assert neurons.tolist() == [4, 1] and images.shape == (2, 2, 16, 24) and trajectories.shape == (2, 2, steps + 1, 3)
    np.testing.assert_array_equal(peaks, trajectories[..., 0].argmax(axis=2))
    assert images.min() >= 0 and images.max() <= 1
    dataset = folder.load_dataset()
    assert contrast_target == pytest.approx(dataset.images.astype(np.float64).std(axis=(1, 2)).mean())
    report = json.loads((folder.report / "mei_report.json").read_text())
    rows = report["rows"]
    assert [(row["neuron"], row["start"]) for row in rows] == [(4, "noise"), (4, "blank"), (1, "noise"), (1, "blank")]
    population = dataset.population
    for row, image in zip(rows, images.reshape(4, 16, 24)):
        neuron = row["neuron"]
        assert row["truth_correlation"] == pytest.approx(truth_correlation(image, population, neuron), abs=1e-6)
        assert -1 <= row["truth_correlation_in_mask"] <= 1
        best_shown = population.true_response(dataset.images)[:, neuron].max()
        expected = population.true_response(image[None])[0, neuron] / best_shown
        assert row["relative_true_response"] == pytest.approx(expected, rel=1e-6)
        assert {"luminance", "masked_contrast", "std", "si1", "si2"} <= set(row["mei"]) & set(row["true_stimulus"])
    assert (folder.report / "meis.png").is_file() and (folder.report / "report.json").is_file()  # fit's kept


def test_optimise_refuses_bad_input_with_one_line(experiment, tmp_path):
    config, folder = experiment
    simulated = tmp_path / "simulated"
    assert _run("exciting_inputs.simulate", "--config", config, "--out", simulated).returncode == 0
    cases = [
        (["--out", simulated], "no trained response model here"),
        (["--out", folder.root, "--neurons", "2,99"], "--neurons 99: not fitted"),
        (["--out", tmp_path / "empty"], "no dataset.h5 here"),
    ]
    for arguments, message in cases:
        result = _run("exciting_inputs.optimise", "--config", config, *arguments)
        assert result.returncode == 2 and message in result.stderr, result.stderr[-2000:]
        assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1
