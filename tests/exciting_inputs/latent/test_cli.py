"""``exciting_inputs.latent.train|decode|evolve`` end to end on a tiny experiment (in this process), and their
one-line errors."""

import json
import subprocess
import sys

import numpy as np
import pytest
from commands import run_module

from exciting_inputs.dataset import load_dataset
from exciting_inputs.latent.config import load_config
from exciting_inputs.latent.experiment import train_stage
from exciting_inputs.simulation.session import simulate_session

# The JAX lane (-m backend) runs the tests marked backend below: what can differ between the backends.
pytestmark = pytest.mark.slow


def _run(command: str, *arguments):
    return run_module(f"exciting_inputs.latent.{command}", *arguments)


@pytest.fixture(scope="module")
def experiment(tmp_path_factory, write_latent_config):
    folder = tmp_path_factory.mktemp("latent")
    config = write_latent_config(folder / "tiny.yaml")
    out = folder / "experiment"
    for stage in ("train", "decode", "evolve"):
        result = _run(stage, "--config", config, "--out", out)
        assert result.returncode == 0, result.stderr[-3000:]
    return config, out


@pytest.mark.backend
def test_train_keeps_the_simulated_dataset_and_the_generator_logs(experiment):
    config, out = experiment
    dataset = load_dataset(out / "dataset.h5")
    np.testing.assert_array_equal(dataset.images, simulate_session(load_config(config).simulation).images)
    history = json.loads((out / "generator.json").read_text())
    assert [row["iteration"] for row in history] == [6]
    assert (out / "generator.keras").is_file()


@pytest.mark.backend
def test_decode_reports_held_out_scores_against_a_shuffled_baseline(experiment):
    _, out = experiment
    report = json.loads((out / "decoding" / "report.json").read_text())
    assert report["chance_identification"] == pytest.approx(1 / 20)
    for part in ("held_out_trial_mean", "held_out_single_trial", "shuffled"):
        scores = report[part]
        assert len(scores["code_correlation_per_dimension"]) == 4
        assert -1 <= scores["code_correlation"] <= 1 and 0 <= scores["identification_accuracy"] <= 1
    assert {path.name for path in (out / "decoding").iterdir()} == {"report.json", "report.md", "decoding.png"}
    assert "| identification (top-1) |" in (out / "decoding" / "report.md").read_text()


@pytest.mark.backend
def test_evolve_scores_the_search_random_codes_and_the_dataset_on_held_out_trials(experiment):
    _, out = experiment
    report = json.loads((out / "search" / "report.json").read_text())
    assert report["neuron"] == 3 and report["evaluations"] == 8 * 4
    assert (report["fitness"], report["fitness_trials"]) == ("trials", 1)
    assert report["evaluations_by_generation"] == [8, 16, 24, 32]  # a noisy fitness scores the elite again
    assert report["search_best"] == pytest.approx(report["best_per_generation"][-1])
    held_out = report["held_out"]
    assert held_out["trials"] == 20
    search, random, dataset_image = held_out["search"], held_out["random"], held_out["dataset"]
    assert report["search_over_random"]["mean"] == pytest.approx(search["mean"] / random["mean"])
    assert report["search_over_dataset"]["expected"] == pytest.approx(search["expected"] / dataset_image["expected"])
    dataset = load_dataset(out / "dataset.h5")
    assert report["dataset_image"] == int(np.argmax(dataset.responses[:, :, 3].mean(axis=0)))
    assert report["dataset_best"] == pytest.approx(dataset.responses[:, report["dataset_image"], 3].mean())
    expected = dataset.population.true_response(dataset.images[[report["dataset_image"]]])[0, 3]
    assert held_out["dataset"]["expected"] == pytest.approx(expected)
    assert held_out["search"]["mean"] * 20 == pytest.approx(round(held_out["search"]["mean"] * 20))  # whole counts
    assert (out / "search" / "search.png").is_file()


def test_decode_without_a_generator_and_with_other_generator_settings_are_refused(tmp_path, experiment,
                                                                                  write_latent_config):  # fmt: skip
    config, out = experiment
    result = _run("decode", "--config", config, "--out", tmp_path / "empty")
    assert result.returncode == 2 and "no trained generator here" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    other = write_latent_config(tmp_path / "other.yaml", {"generator.latent_dim": 5})
    result = _run("evolve", "--config", other, "--out", out)
    assert result.returncode == 2 and "trained with different simulation or generator settings" in result.stderr


def test_training_again_removes_the_reports_of_the_replaced_generator(tmp_path, experiment):
    config, _ = experiment
    stale = tmp_path / "out" / "decoding" / "report.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    train_stage(load_config(config), tmp_path / "out")
    assert not stale.parent.exists() and (tmp_path / "out" / "generator.keras").is_file()


@pytest.mark.parametrize("command", ["train", "decode", "evolve"])
def test_each_python_m_entry_point_answers_help(command):
    result = subprocess.run([sys.executable, "-m", f"exciting_inputs.latent.{command}", "--help"], capture_output=True,
                            text=True)  # fmt: skip
    assert result.returncode == 0 and f"python -m exciting_inputs.latent.{command}" in result.stdout
