"""End-to-end runs of the training and generation tools on a tiny surrogate."""

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py
import keras
import numpy as np
import pytest
from forked import ForkedModule

from calciumgan.config import load_config
from calciumgan.core.errors import RecordingError, RunError
from calciumgan.data.prepare import prepare_data
from calciumgan.data.recording import load_recording
from calciumgan.experiment import build_gan, train_experiment
from calciumgan.generation import generate
from calciumgan.run import CalciumRun
from calciumgan.train import main
from calciumgan.training.checkpoints import list_checkpoints
from calciumgan.training.gan import LOG_NAMES
from calciumgan.training.steps import make_steps

# The JAX lane (-m backend) runs the tests marked backend below: what can differ between the backends.
pytestmark = pytest.mark.slow


@pytest.fixture
def trained_run(trained_tiny_run):
    """The session's tiny run of the training CLI (tests/conftest.py), read by the tests of its outputs."""
    return CalciumRun(trained_tiny_run)


def test_run_folder_holds_everything(trained_run):
    root = trained_run.root
    config = trained_run.config()
    assert config == load_config(str(root.parent / "tiny.yaml"))
    assert [path.name for path in list_checkpoints(trained_run.checkpoints)] == ["epoch-00001.h5", "epoch-00002.h5"]
    assert any((root / "logs" / "train").iterdir()) and any((root / "logs" / "validation").iterdir())
    info = trained_run.recording_info()
    assert info["sampling_rate"] == 24.0 and info["neuron_ids"] == list(range(6)) and info["source"] == "surrogate:day4"
    assert info["train_frames"] == [0, 450] and info["validation_frames"] == [450, 600]
    data, fresh = trained_run.load_data(), prepare_data(config.data)
    np.testing.assert_array_equal(data.recording.signals, fresh.recording.signals)
    np.testing.assert_array_equal(data.recording.spikes, fresh.recording.spikes)
    np.testing.assert_array_equal(data.validation.signals, fresh.validation.signals)
    assert (data.scaler.minimum, data.scaler.maximum) == (fresh.scaler.minimum, fresh.scaler.maximum)
    for name, values in fresh.ground_truth.items():
        np.testing.assert_array_equal(data.ground_truth[name], values)


def test_models_load_in_a_fresh_process_after_a_bare_package_import(trained_run, tmp_path):
    noise = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    np.save(tmp_path / "noise.npy", noise)
    script = (
        "import sys, numpy as np, calciumgan, keras\n"
        "generator = keras.saving.load_model(sys.argv[1] + '/generator.keras', safe_mode=True)\n"
        "critic = keras.saving.load_model(sys.argv[1] + '/critic.keras', safe_mode=True)\n"
        "traces = np.asarray(generator(np.load(sys.argv[2])))\n"
        "np.save(sys.argv[3], traces)\n"
        "np.save(sys.argv[4], np.asarray(critic(traces)))\n"
    )
    outputs = [tmp_path / name for name in ("traces.npy", "scores.npy")]
    subprocess.run([sys.executable, "-c", script, str(trained_run.root), str(tmp_path / "noise.npy"), *map(str, outputs)],
                   check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})  # fmt: skip
    generator, critic = trained_run.generator(), trained_run.load_model(trained_run.critic_path)
    np.testing.assert_allclose(np.load(outputs[0]), generator(noise), atol=1e-6)
    np.testing.assert_allclose(np.load(outputs[1]), critic(generator(noise)), atol=1e-5)
    assert np.load(outputs[0]).shape == (3, 32, 6)


def test_generate_writes_original_units_with_attributes(trained_run, tmp_path):
    out = generate(trained_run.root, num_samples=10, out=tmp_path / "samples.h5", seed=7, batch_size=4)
    noise = np.random.default_rng(7).standard_normal((10, 4)).astype(np.float32)
    expected = trained_run.scaler().inverse(np.asarray(trained_run.generator()(noise)))
    with h5py.File(out) as file:
        signals = file["signals"][()]
        assert signals.dtype == np.float32 and signals.shape == (10, 32, 6)
        np.testing.assert_allclose(signals, expected, rtol=1e-5, atol=1e-5)
        assert file.attrs["sampling_rate"] == 24.0 and file.attrs["seed"] == 7
        assert file.attrs["neuron_ids"].tolist() == list(range(6))
    scaler = trained_run.scaler()
    assert signals.min() >= scaler.minimum - 1e-5 and signals.max() <= scaler.maximum + 1e-5
    # the batch size changes nothing but float32 rounding
    np.testing.assert_allclose(trained_run.sample(10, seed=7), signals, rtol=1e-5, atol=1e-5)


def test_generate_is_atomic(trained_run, tmp_path, monkeypatch):
    def failing_batches(*args, **kwargs):
        yield np.zeros((4, 32, 6), np.float32)
        raise RuntimeError("interrupted")

    monkeypatch.setattr(CalciumRun, "sample_batches", failing_batches)
    with pytest.raises(RuntimeError):
        generate(trained_run.root, num_samples=10, out=tmp_path / "samples.h5")
    assert list(tmp_path.iterdir()) == []


def test_generate_from_an_empty_folder_names_the_missing_file(tmp_path):
    with pytest.raises(RunError, match="not a finished training run .missing config.yaml, recording.h5"):
        generate(tmp_path, num_samples=1, out=tmp_path / "x.h5")


def test_missing_recording_says_how_to_prepare_it(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--config", "day4", "--out", str(tmp_path / "run")]) == 2
    message = capsys.readouterr().err.strip()
    assert "\n" not in message
    assert message.startswith("error: data/day4.h5: no such file;") and "python -m calciumgan.prepare" in message


def test_a_run_folder_refuses_a_different_config(trained_run, make_config):
    changed = make_config({"model.filters": 8})
    with pytest.raises(RunError, match="trained with a different configuration"):
        train_experiment(changed, trained_run.root, progress=False)


def test_resuming_reads_the_saved_recording(trained_run, make_config, tmp_path, monkeypatch):
    """A resumed run never redoes the data stage: it trains on the copy in the run folder."""
    import calciumgan.experiment

    folder = tmp_path / "run"
    train_experiment(make_config({"train.epochs": 1}), folder, progress=False)
    monkeypatch.setattr(calciumgan.experiment, "prepare_data", None)  # calling it would fail
    train_experiment(make_config({"train.epochs": 2}), folder, progress=False)
    assert [path.name for path in list_checkpoints(folder / "checkpoints")][-1] == "epoch-00002.h5"
    assert load_recording(folder / "recording.h5").num_frames == 600


def _train_process(config_path, out):
    return ForkedModule("calciumgan.train", ["--config", config_path, "--out", out])


def test_resume_after_sigkill_matches_uninterrupted_run(write_config, tmp_path):
    overrides = {"train.epochs": 8, "train.steps_per_epoch": 6, "train.deterministic": True}
    config_path = write_config(tmp_path / "tiny.yaml", overrides)
    uninterrupted = _train_process(config_path, tmp_path / "full")  # beside the killed one: 2 cores
    interrupted = _train_process(config_path, tmp_path / "killed")
    checkpoints = tmp_path / "killed" / "checkpoints"
    deadline = time.monotonic() + 300
    while not any(int(path.stem.split("-")[1]) >= 2 for path in list_checkpoints(checkpoints)):
        assert interrupted.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    interrupted.send_signal(signal.SIGKILL)
    assert interrupted.wait() == -signal.SIGKILL
    last_before_resume = list_checkpoints(checkpoints)[-1].name
    assert uninterrupted.wait(timeout=300) == 0
    assert last_before_resume != "epoch-00008.h5" and not (tmp_path / "killed" / "generator.keras").exists()

    resumed = _train_process(config_path, tmp_path / "killed")
    assert resumed.wait(timeout=300) == 0
    with h5py.File(tmp_path / "full" / "checkpoints" / "epoch-00008.h5") as full, \
         h5py.File(checkpoints / "epoch-00008.h5") as killed:  # fmt: skip
        assert len(full) == len(killed) > 20
        for name in full:
            np.testing.assert_array_equal(killed[name][()], full[name][()], err_msg=full[name].attrs["path"])


def test_thesis_size_config_takes_training_steps_at_reduced_batch():
    """dg.yaml builds the thesis models (2048 x 102) and trains; batch 1, float32 on the CPU."""
    config = load_config("dg")
    config = dataclasses.replace(config, train=dataclasses.replace(config.train, batch_size=1, precision="float32"))
    keras.utils.set_random_seed(0)
    gan = build_gan(config, num_neurons=102)
    assert (gan.generator.count_params(), gan.critic.count_params()) == (4_375_740, 4_110_273)
    before = [weights.copy() for weights in gan.critic.get_weights()]
    steps = make_steps(gan)
    windows = np.random.default_rng(0).random((config.train.n_critic, 2048, 102), np.float32)
    for _ in range(2):
        logs = steps.train_step(windows)
    steps.sync()
    assert all(np.isfinite(float(value)) for value in logs.values())
    assert int(gan.d_optimizer.iterations) == 10 and int(gan.g_optimizer.iterations) == 2
    assert not all(np.array_equal(a, b) for a, b in zip(before, gan.critic.get_weights()))


DEAD_PID = 2**22 + 1  # above Linux's largest process id: no process has it


def test_a_failed_first_attempt_leaves_the_folder_free_for_a_corrected_config(make_config, tmp_path, monkeypatch):
    import calciumgan.experiment

    folder = tmp_path / "run"
    with pytest.raises(RecordingError):  # refused before anything is written
        train_experiment(make_config({"data.window": 1024}), folder, progress=False)
    assert not folder.exists()

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # stopped before the first checkpoint

    monkeypatch.setattr(calciumgan.experiment, "train_gan", killed)
    with pytest.raises(KeyboardInterrupt):
        train_experiment(make_config(), folder, progress=False)
    assert (folder / "config.yaml").is_file() and not list_checkpoints(folder / "checkpoints")
    monkeypatch.undo()
    corrected = make_config({"model.filters": 8, "train.epochs": 1})
    train_experiment(corrected, folder, progress=False)
    assert CalciumRun(folder).config() == corrected
    assert [path.name for path in list_checkpoints(folder / "checkpoints")] == ["epoch-00001.h5"]


def test_temporary_files_of_killed_processes_are_removed_on_the_next_run(trained_run, make_config, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(trained_run.root, folder)
    stale = [folder / f".partial-{DEAD_PID}-generator.keras",
             folder / "checkpoints" / f".partial-{DEAD_PID}-epoch-00003.h5"]  # fmt: skip
    alive = folder / f".partial-{os.getppid()}-samples.h5"  # another command still writing
    for path in stale + [alive]:
        path.write_bytes(b"half")
    train_experiment(make_config({"train.epochs": 3}), folder, progress=False)
    assert not any(path.exists() for path in stale) and alive.exists()
    assert list_checkpoints(folder / "checkpoints")[-1].name == "epoch-00003.h5"


@pytest.mark.backend
def test_a_run_that_averages_the_generator_samples_the_average(make_config, tmp_path):
    """train.generator_ema: generator_ema.keras is written, sampled by default, and required of a finished run."""
    from calciumgan.generate import main as generate_main
    from calciumgan.training.sampling import seeded_noise

    config = make_config({"train.epochs": 1, "train.generator_ema": 0.9, "train.orthogonal_regularization": 1e-4})
    gan, logs = train_experiment(config, tmp_path / "run", progress=False)
    assert set(logs) == {*LOG_NAMES, *(f"val_{name}" for name in LOG_NAMES)}
    run = CalciumRun(tmp_path / "run")
    run.check_finished()
    assert run.generator_file().name == "generator_ema.keras"
    assert run.generator_file(average=False).name == "generator.keras"
    noise = seeded_noise(5, 4, seed=3)
    np.testing.assert_allclose(run.generator()(noise), gan.generator_ema(noise), atol=1e-6)
    np.testing.assert_allclose(run.generator(average=False)(noise), gan.generator(noise), atol=1e-6)
    assert not np.allclose(run.sample(5, seed=3), run.sample(5, seed=3, average=False))

    out = generate(run.root, num_samples=5, out=tmp_path / "truncated.h5", seed=3, truncation=1.0)
    with h5py.File(out) as file:
        assert file.attrs["generator"] == "generator_ema.keras" and file.attrs["truncation"] == 1.0
        np.testing.assert_array_equal(file["signals"][()], run.sample(5, seed=3, truncation=1.0))
    assert generate_main(["--run", str(run.root), "--num-samples", "5", "--out", str(tmp_path / "last.h5"),
                          "--seed", "3", "--no-average"]) == 0  # fmt: skip
    with h5py.File(tmp_path / "last.h5") as file:
        assert file.attrs["generator"] == "generator.keras" and "truncation" not in file.attrs
        np.testing.assert_array_equal(file["signals"][()], run.sample(5, seed=3, average=False))

    run.generator_ema_path.unlink()
    with pytest.raises(RunError, match=r"not a finished training run \(missing generator_ema.keras\)"):
        run.check_finished()
