"""The autoencoders' YAML schemas: shipped configs load, faults name their key."""

import pytest

from calciumgan.autoencoders.config import load_denoiser_config, load_vae_config
from calciumgan.core.errors import ConfigError


def test_the_shipped_configs_load_with_the_seeds_shapes():
    denoiser = load_denoiser_config("denoise_demo")
    assert (denoiser.data.window, denoiser.model.poolings, denoiser.model.code_channels) == (500, 4, 16)
    vae = load_vae_config("vae_demo")
    assert (vae.model.hidden_units, vae.model.latent_dim) == (500, 50)


@pytest.mark.parametrize(("text", "names"), [
    ("data: {preset: dff_day4}\n", ("data", "dichotomized-Gaussian")),
    ("data: {source: file, path: x.h5}\n", ("data", "surrogate")),
    ("evaluate: {spike_inference_modes: [fixed, calibrated]}\n", ("evaluate.spike_inference_modes", "calibrated")),
    ("evaluate: {spike_inference: fixed}\n", ("evaluate.spike_inference",)),  # the GAN's key, not the denoiser's
    ("model: {poolings: 9}\n", ("data.window", "9 poolings")),
    ("model: {kernel: 3}\n", ("model.kernel",)),
])  # fmt: skip
def test_denoiser_config_faults_name_the_key(tmp_path, text, names):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_denoiser_config(path)
    assert all(name in str(error.value) for name in (str(path), *names))


def test_vae_config_faults_name_the_key(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("model: {latent_dim: 0}\n")
    with pytest.raises(ConfigError, match="'model.latent_dim' must be at least 1"):
        load_vae_config(path)
