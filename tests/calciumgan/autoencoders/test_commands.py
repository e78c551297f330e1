"""The two command-line tools end to end on tiny surrogates."""

import json

import h5py
import numpy as np
import pytest
import yaml

from calciumgan.autoencoders import denoise, vae

pytestmark = pytest.mark.slow

DATA = {"source": "surrogate", "preset": "day4", "num_frames": 1600, "num_neurons": 5, "validation_fraction": 0.25}


def _config(path, **sections):
    path.write_text(yaml.safe_dump(sections))
    return str(path)


def test_denoise_writes_the_model_and_a_report_with_the_gain(tmp_path):
    config = _config(tmp_path / "tiny.yaml", data={**DATA, "window": 64, "stride": 8},
                     model={"poolings": 2, "filters": 4, "code_channels": 4, "kernel_size": 5},
                     train={"epochs": 2, "batch_size": 32, "learning_rate": 0.003},
                     evaluate={"spike_inference_modes": ["fixed"]})  # fmt: skip
    out = tmp_path / "out"
    assert denoise.main(["--config", config, "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["held_out_frames"] == 400 and report["neurons"] == 5
    assert set(report["spike_recovery"]["fixed"]) == {"noisy", "denoised", "clean"}
    assert abs(report["mse"]["noisy"] - 0.09) < 0.015  # the surrogate's noise variance, 0.3 ** 2 (2,000 frames)
    assert {"config.yaml", "scaler.json", "denoiser.keras", "report.md"} <= {p.name for p in out.iterdir()}
    assert denoise.main(["--config", config, "--out", str(out)]) == 2  # refuses to overwrite


def test_vae_writes_samples_and_the_table_4_3_report(tmp_path, capsys):
    config = _config(tmp_path / "tiny.yaml", data={**DATA, "window": 48, "stride": 4},
                     model={"hidden_units": 16, "latent_dim": 4}, train={"epochs": 2, "batch_size": 32},
                     evaluate={"num_samples": 24, "workers": 1})  # fmt: skip
    out = tmp_path / "out"
    assert vae.main(["--config", config, "--out", str(out)]) == 0
    with h5py.File(out / "samples.h5") as file:
        assert file["signals"].shape == (24, 48, 5) and file.attrs["sampling_rate"] == 24.0
        assert np.isfinite(file["signals"][()]).all()
    report = json.loads((out / "evaluation" / "report.json").read_text())
    assert [row["row"] for row in report["table"]] == ["floor", "model", "dichotomized_gaussian", "poisson"]
    assert report["settings"]["spike_inference"] == "fixed"  # "auto" on a dichotomized-Gaussian surrogate
    training = json.loads((out / "training.json").read_text())
    assert len(training["history"]["kl"]) == 2 and len(training["noise_std"]) == 5


def test_a_bad_config_is_one_line_naming_the_key(tmp_path, capsys):
    config = _config(tmp_path / "bad.yaml", data={"preset": "dff_day4"})
    assert denoise.main(["--config", config, "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "bad.yaml" in error[0] and "'data'" in error[0]
    assert not (tmp_path / "out").exists()
