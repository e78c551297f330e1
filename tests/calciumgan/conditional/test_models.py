"""The label-conditioned WaveGAN generator and the critic with a class head."""

import keras
import numpy as np

from calciumgan.conditional.acgan import build_acgan
from calciumgan.conditional.config import load_conditional_config
from calciumgan.conditional.models import build_classifying_critic, build_conditional_generator
from calciumgan.models import wavegan
from calciumgan.training.losses import NonSaturatingLoss, WassersteinLoss
from calciumgan.training.penalties import GradientPenalty, NoPenalty

SHAPES = {"window": 32, "num_neurons": 3, "filters": 4, "kernel_size": 4, "strides": 2, "num_blocks": 3,
          "convolutions": "fast"}  # fmt: skip


def test_generator_is_wavegan_on_noise_and_embedding():
    generator = build_conditional_generator(num_classes=3, embedding_dim=2, noise_dim=5, normalization="layer",
                                            **SHAPES)  # fmt: skip
    plain = wavegan.build_generator(noise_dim=7, normalization="layer", **SHAPES)
    assert generator.count_params() == plain.count_params() + 3 * 2
    labels, noise = np.array([0, 2, 2], np.int32), np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    samples = np.asarray(generator([labels, noise]))
    assert samples.shape == (3, 32, 3)
    # the same noise with another label gives another sample; the same label the same one (up to float32 rounding,
    # which the batch size can change)
    np.testing.assert_allclose(samples[1], np.asarray(generator([labels[1:2], noise[1:2]]))[0], rtol=1e-5, atol=1e-6)
    assert not np.allclose(samples[1], np.asarray(generator([labels[:1], noise[1:2]]))[0])


def test_critic_has_a_class_head_beside_the_score(tmp_path):
    critic = build_classifying_critic(num_classes=4, phase_shuffle=0, **SHAPES)
    plain = wavegan.build_critic(phase_shuffle=0, **SHAPES)
    features = plain.get_layer("score").input.shape[-1]
    assert critic.count_params() == plain.count_params() + features * 4 + 4
    samples = np.random.default_rng(1).random((2, 32, 3)).astype("float32")
    score, logits = critic(samples)
    assert score.shape == (2, 1) and logits.shape == (2, 4)
    critic.save(tmp_path / "critic.keras")
    loaded = keras.saving.load_model(tmp_path / "critic.keras")
    for before, after in zip((score, logits), loaded(samples)):
        np.testing.assert_allclose(np.asarray(after), np.asarray(before), rtol=1e-6)


def test_the_odena_config_builds_an_acgan_with_the_standard_gan_loss():
    odena, demo = build_acgan(load_conditional_config("acgan_odena")), build_acgan(load_conditional_config("acgan_demo"))
    assert isinstance(odena.loss_function, NonSaturatingLoss) and isinstance(odena.penalty, NoPenalty)
    assert odena.n_critic == 1 and float(odena.g_optimizer.beta_2) == 0.999
    assert isinstance(demo.loss_function, WassersteinLoss) and isinstance(demo.penalty, GradientPenalty)
    assert demo.penalty.weight == 10.0 and demo.n_critic == 5
