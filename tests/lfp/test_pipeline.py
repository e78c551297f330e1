"""The LFP commands end to end on a tiny experiment (in this process): pretrain -> train (both inits) -> generate ->
evaluate."""

import json
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest
from commands import functions_run_eagerly
from commands import run_module as _run

from calciumgan.core.samples import LFP, open_samples
from calciumgan.training.checkpoints import list_checkpoints
from lfp.experiment import Experiment
from lfp.pretraining import Pretraining

# The JAX lane (-m backend) runs the tests marked backend below: what can differ between the backends.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def experiment(tmp_path_factory, write_lfp_config):
    folder = tmp_path_factory.mktemp("lfp")
    config = write_lfp_config(folder / "tiny.yaml")
    out = folder / "experiment"
    for module, arguments in [
        ("lfp.pretrain", ["--config", config, "--out", out]),
        ("lfp.train", ["--config", config, "--out", out, "--init", "pretrained"]),
        ("lfp.train", ["--config", config, "--out", out, "--init", "scratch"]),
        ("lfp.evaluate", ["--run", out]),
    ]:
        with functions_run_eagerly():  # the traced LFP steps: tests/lfp/test_adversarial.py
            result = _run(module, *arguments)
        assert result.returncode == 0, result.stderr[-3000:]
    return config, out


@pytest.mark.backend
def test_pretrained_gan_starts_from_the_autoencoders(experiment):
    import keras

    _, out = experiment
    folder = Experiment(out)
    autoencoder = Pretraining(folder.pretrain).load("signal_autoencoder")
    pretrained = keras.saving.load_model(folder.gan_run("pretrained").untrained_generator_path)
    scratch = keras.saving.load_model(folder.gan_run("scratch").untrained_generator_path)
    decoder = autoencoder.get_layer("signal_decoder").get_weights()
    transferred = pretrained.get_layer("signal_decoder").get_weights()
    # the first kernel (length, filters, 12 inputs) holds the 10 code channels' kernel, and zeros for the image code
    np.testing.assert_array_equal(transferred[0][..., :10], decoder[0])
    assert transferred[0].shape[-1] == 12 and not transferred[0][..., 10:].any()
    for copied, original in zip(transferred[1:], decoder[1:], strict=True):
        np.testing.assert_array_equal(copied, original)
    kernels = [index for index, weights in enumerate(decoder) if weights.ndim == 3]
    fresh = scratch.get_layer("signal_decoder").get_weights()
    assert not any(np.array_equal(fresh[index], decoder[index]) for index in kernels[1:])
    progress = json.loads(Pretraining(folder.pretrain).progress_path.read_text())
    assert progress["signal_autoencoder"]["epochs"] == 1 and progress["image_autoencoder"]["epochs"] == 2
    spectra = json.loads((folder.pretrain / "first_epoch_spectra.json").read_text())  # Fig. 5.6
    assert list(spectra["after_share_of_first_epoch"]) == ["2%", "30%", "60%", "100%"]
    assert (folder.pretrain / "first_epoch_spectra.png").is_file()


@pytest.mark.backend
def test_report_has_table_5_1_rows_for_both_splits(experiment):
    _, out = experiment
    report = json.loads((out / "report" / "report.json").read_text())
    for split in ("train", "test"):
        rows = report["table"][split]
        assert set(rows) == {"scratch", "pretrained", "noise", "real", "other_split"}
        for name in ("scratch", "pretrained", "noise", "real"):
            assert set(rows[name]) == {"fd", "domain_fd", "encoder_fd", "spectral", "correlation", "evoked",
                                       "classifier_is", "accuracy"}  # fmt: skip
            assert all(np.isfinite(value) and value >= 0 for value in rows[name].values())
            assert 1.0 <= rows[name]["classifier_is"] <= {"train": 4, "test": 2}[split] + 1e-9
        # the two real-versus-real floors compare real showings: same set size, no generator involved
        assert rows["other_split"] == report["table"]["train"]["other_split"]
    markdown = (out / "report" / "report.md").read_text()
    assert f"Every set holds {report['windows']} windows" in markdown
    assert "| Pre-trained GAN |" in markdown and "| Gaussian noise |" in markdown
    for name in report["figures"]:
        assert (out / "report" / name).stat().st_size > 1000


@pytest.mark.backend
def test_generate_writes_one_window_per_showing_of_the_chosen_images(experiment, tmp_path):
    _, out = experiment
    samples = tmp_path / "test.h5"
    result = _run("lfp.generate", "--run", out, "--images", "test", "--out", samples, "--seed", 5)
    assert result.returncode == 0, result.stderr[-2000:]
    recording, _, test_ids = Experiment(out).load_data()
    with h5py.File(samples) as file:
        windows, image_ids, showings = file["signals"][()], file["image_ids"][()], file["showings"][()]
        assert file.attrs["sampling_rate"] == 1250.0 and file.attrs["init"] == "pretrained"
    assert windows.shape == (len(test_ids) * 4, 313, 4)
    np.testing.assert_array_equal(image_ids, recording.image_ids[showings])
    assert set(image_ids) == set(test_ids)
    # windows are standardised like the data (the decoder's last layer)
    np.testing.assert_allclose(windows.mean(axis=(1, 2)), 0, atol=1e-4)
    np.testing.assert_allclose(windows.std(axis=(1, 2)), 1, atol=1e-2)
    again = _run("lfp.generate", "--run", out, "--images", "test", "--out", samples, "--seed", 5)
    assert again.returncode == 2 and "exists" in again.stderr
    as_nwb = _run("lfp.generate", "--run", out, "--images", "test", "--out", tmp_path / "test.nwb", "--seed", 5)
    assert as_nwb.returncode == 0, as_nwb.stderr[-2000:]
    nwb = open_samples(tmp_path / "test.nwb")
    assert nwb.signal == LFP and nwb.ids.tolist() == recording.channel_ids.tolist()
    np.testing.assert_array_equal(nwb.read(), windows)
    np.testing.assert_array_equal(nwb.per_sample["showings"], showings)


def test_train_resumes_with_more_epochs(experiment, tmp_path, write_lfp_config):
    _, shared = experiment
    out = shutil.copytree(shared, tmp_path / "experiment")  # the module's experiment stays as the others read it
    run = Experiment(out).gan_run("scratch")
    longer = write_lfp_config(tmp_path / "longer.yaml", {"train.epochs": 2})
    with functions_run_eagerly():
        result = _run("lfp.train", "--config", longer, "--out", out, "--init", "scratch")
    assert result.returncode == 0, result.stderr[-2000:]
    assert [path.name for path in list_checkpoints(run.checkpoints)] == ["epoch-00001.h5", "epoch-00002.h5"]
    assert "epoch 1/2" not in result.stderr and "epoch 2/2" in result.stderr


def test_errors_are_one_line(experiment, tmp_path, write_lfp_config):
    config, out = experiment
    fresh = tmp_path / "fresh"
    cases = [
        (("lfp.train", "--config", config, "--out", fresh), "the autoencoders are not pre-trained yet"),
        (("lfp.pretrain", "--config", write_lfp_config(tmp_path / "other.yaml", {"data.seed": 9}), "--out", out),
         "made with different data or pre-training settings"),
        (("lfp.evaluate", "--run", fresh), "not an LFP experiment folder"),
        (("lfp.generate", "--run", out, "--init", "scratch", "--out", tmp_path / "x.txt"), ".h5"),
    ]  # fmt: skip
    for arguments, message in cases:
        result = _run(*arguments)
        assert result.returncode == 2, (arguments, result.stderr[-1500:])
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and message in errors[0], result.stderr[-1500:]
    assert not fresh.exists()


@pytest.mark.parametrize("module", ["lfp.pretrain", "lfp.train", "lfp.generate", "lfp.evaluate"])
def test_the_python_m_entry_points_answer_help(module):
    result = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith(f"usage: python -m {module}")
