"""The DCGAN-style generator and critic: exact shapes and parameter counts, a .keras round trip, and
WGAN-GP training through the package's engine."""

import keras
import numpy as np
import pytest

from calciumgan.training.run_folder import load_saved_model
from exciting_inputs.latent.config import GeneratorConfig
from exciting_inputs.latent.generator import build_image_critic, build_image_generator, generate, train_image_generator

pytestmark = pytest.mark.backend

LATENT, HEIGHT, WIDTH, CHANNELS = 3, 16, 24, 8


def test_generator_shapes_range_and_parameter_count():
    generator = build_image_generator(LATENT, HEIGHT, WIDTH, CHANNELS)
    images = generate(generator, np.random.default_rng(0).standard_normal((5, LATENT)))
    assert images.shape == (5, HEIGHT, WIDTH) and images.min() >= 0 and images.max() <= 1
    projected = (HEIGHT // 8) * (WIDTH // 8) * CHANNELS
    expected = (LATENT * projected + 4 * CHANNELS  # dense without bias, batch normalisation (4 per channel)
                + 16 * CHANNELS * 4 + 4 * 4 + 16 * 4 * 2 + 4 * 2  # two 4 x 4 transposed convolutions, no bias
                + 16 * 2 * 1 + 1)  # fmt: skip
    assert generator.count_params() == expected


def test_critic_shapes_and_parameter_count():
    critic = build_image_critic(HEIGHT, WIDTH, CHANNELS)
    scores = critic.predict(np.zeros((4, HEIGHT, WIDTH, 1), np.float32), verbose=0)
    assert scores.shape == (4, 1)
    expected = (16 * 1 * 2 + 2) + (16 * 2 * 4 + 4) + (16 * 4 * 8 + 8) + ((HEIGHT // 8) * (WIDTH // 8) * 8 + 1)
    assert critic.count_params() == expected


def test_a_saved_generator_loads_and_generates_the_same_images(tmp_path):
    generator = build_image_generator(LATENT, HEIGHT, WIDTH, CHANNELS)
    generator.save(tmp_path / "generator.keras")
    codes = np.random.default_rng(1).standard_normal((4, LATENT))
    np.testing.assert_allclose(generate(load_saved_model(tmp_path / "generator.keras"), codes),
                               generate(generator, codes), atol=1e-6)  # fmt: skip


def test_training_moves_the_generator_and_logs_the_wgan_gp_scalars():
    images = np.random.default_rng(2).random((32, HEIGHT, WIDTH)).astype(np.float32)
    config = GeneratorConfig(latent_dim=LATENT, channels=CHANNELS, iterations=12, batch_size=4, n_critic=2)
    generator, history = train_image_generator(images, config)
    assert [row["iteration"] for row in history] == [10, 12]
    assert all(np.isfinite(value) for row in history for value in row.values())
    assert history[-1]["penalty"] >= 0
    codes = np.random.default_rng(3).standard_normal((4, LATENT))
    initial = []
    for _ in range(2):  # the weights training starts from: it seeds Keras, then builds
        keras.utils.set_random_seed(config.seed)
        initial.append(generate(build_image_generator(LATENT, HEIGHT, WIDTH, CHANNELS), codes))
    np.testing.assert_array_equal(*initial)
    untrained = initial[0]
    assert np.abs(generate(generator, codes) - untrained).max() > 1e-3


def test_dcgan_training_uses_the_cross_entropy_loss_without_a_penalty():
    """The shipped ``dcgan`` config's choices: the non-saturating loss, one critic update, no penalty term."""
    images = np.random.default_rng(2).random((32, HEIGHT, WIDTH)).astype(np.float32)
    config = GeneratorConfig(latent_dim=LATENT, channels=CHANNELS, iterations=10, batch_size=4, n_critic=1,
                             loss="non_saturating", penalty_weight=0.0, beta_2=0.999, orthogonal_init=True)
    _, history = train_image_generator(images, config)
    last = history[-1]
    assert last["penalty"] == 0.0 and last["gradient_norm"] == 0.0
    # cross-entropies of logits are positive (a Wasserstein critic's loss has no sign)
    assert last["critic_loss"] > 0 and last["generator_loss"] > 0
