import keras
import numpy as np
import pytest

from calciumgan.config import ModelConfig
from calciumgan.training.gan import WassersteinGAN
from calciumgan.models.wavegan import build_critic, build_generator

SMALL = ModelConfig(noise_dim=4, filters=4, kernel_size=4, strides=2, num_blocks=3, phase_shuffle=1)


def _linear_critic(weights: np.ndarray, bias: float = 0.3) -> keras.Model:
    """D(x) = <w, x> + b: its input gradient is w everywhere."""
    traces = keras.Input(weights.shape)
    flat = keras.layers.Flatten()(traces)
    dense = keras.layers.Dense(1)
    score = dense(flat)
    dense.set_weights([weights.reshape(-1, 1), np.array([bias])])
    return keras.Model(traces, score)


def _quadratic_critic(shape, scale: float) -> keras.Model:
    """D(x) = scale / 2 * ||x||^2: its input gradient is scale * x."""
    traces = keras.Input(shape)
    score = keras.layers.Lambda(lambda x: 0.5 * scale * keras.ops.sum(x * x, axis=(1, 2))[:, None])(traces)
    return keras.Model(traces, score)


def _gan(critic, shape=(8, 3)):
    generator = build_generator(SMALL, *shape)
    return WassersteinGAN(generator, critic, n_critic=2, seed=0)


def test_gradient_penalty_of_linear_critic_is_closed_form():
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(8, 3)) * 0.4
    gan = _gan(_linear_critic(weights))
    real, fake = rng.random((6, 8, 3), np.float32), rng.random((6, 8, 3), np.float32)
    expected = (np.linalg.norm(weights) - 1.0) ** 2
    assert float(gan.gradient_penalty(real, fake)) == pytest.approx(expected, rel=1e-5)


def test_gradient_penalty_of_quadratic_critic_is_closed_form():
    rng = np.random.default_rng(1)
    samples = rng.random((5, 8, 3), np.float32)
    gan = _gan(_quadratic_critic((8, 3), scale=0.7))
    # With real == fake every interpolate is the sample itself, whatever the weights.
    norms = 0.7 * np.linalg.norm(samples.reshape(5, -1), axis=1)
    expected = np.mean((norms - 1.0) ** 2)
    assert float(gan.gradient_penalty(samples, samples)) == pytest.approx(expected, rel=1e-5)


def test_gradient_penalty_draws_one_weight_per_example():
    """Real = 0, fake = 1 and D(x) = ||x||^2 / 2 give grad = (1 - eps) * 1 per example."""
    gan = _gan(_quadratic_critic((8, 3), scale=1.0))
    real, fake = np.zeros((4000, 8, 3), np.float32), np.ones((4000, 8, 3), np.float32)
    # E[(sqrt(24) * u - 1)^2] for u ~ U(0, 1) = 24/3 - sqrt(24) + 1.
    expected = 24 / 3 - np.sqrt(24) + 1
    assert float(gan.gradient_penalty(real, fake)) == pytest.approx(expected, rel=0.03)


def _compiled_gan(window=16, neurons=3, dtype=None, n_critic=3, learning_rate=1e-3, phase_shuffle=1):
    config = ModelConfig(noise_dim=4, filters=4, kernel_size=4, strides=2, num_blocks=3, phase_shuffle=phase_shuffle)
    gan = WassersteinGAN(
        build_generator(config, window, neurons, dtype=dtype),
        build_critic(config, window, neurons, dtype=dtype),
        n_critic=n_critic,
        seed=0,
    )
    gan.compile(
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5, beta_2=0.9),
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5, beta_2=0.9),
    )
    return gan


def test_train_step_makes_n_critic_critic_updates_per_generator_update():
    keras.utils.set_random_seed(0)
    gan = _compiled_gan(n_critic=3)
    windows = np.random.default_rng(0).random((3 * 4 * 5, 16, 3), np.float32)
    gan.fit(windows, batch_size=12, epochs=1, verbose=0, shuffle=False)
    assert int(gan.g_optimizer.iterations) == 5
    assert int(gan.d_optimizer.iterations) == 15


def test_mixed_precision_step_is_finite_with_float32_outputs():
    keras.utils.set_random_seed(0)
    gan = _compiled_gan(dtype="mixed_float16")
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    windows = np.random.default_rng(0).random((12, 16, 3), np.float32)
    logs = gan.train_on_batch(windows, return_dict=True)
    assert set(logs) == {"critic_loss", "generator_loss", "gradient_penalty", "wasserstein"}
    assert all(np.isfinite(value) for value in logs.values())
    assert gan(np.zeros((2, 4), np.float32)).dtype == "float32"
    assert gan.critic(windows[:2]).dtype == "float32"
    weights = gan.generator.get_weights() + gan.critic.get_weights()
    assert all(np.isfinite(w).all() for w in weights)


def test_test_step_changes_nothing():
    keras.utils.set_random_seed(0)
    gan = _compiled_gan()
    before = [w.copy() for w in gan.generator.get_weights() + gan.critic.get_weights()]
    logs = gan.evaluate(np.random.default_rng(0).random((8, 16, 3), np.float32), batch_size=4, verbose=0,
                        return_dict=True)  # fmt: skip
    assert set(logs) == {"critic_loss", "generator_loss", "gradient_penalty", "wasserstein"}
    after = gan.generator.get_weights() + gan.critic.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


def test_training_moves_samples_toward_target_distribution():
    """Target: every frame and neuron drawn independently from N(0.7, 0.1^2)."""
    keras.utils.set_random_seed(3)
    rng = np.random.default_rng(3)
    windows = np.clip(rng.normal(0.7, 0.1, size=(5 * 32 * 42, 16, 8)), 0, 1).astype(np.float32)
    gan = _compiled_gan(window=16, neurons=8, n_critic=5, learning_rate=1e-3, phase_shuffle=0)

    def errors():
        samples = np.asarray(gan(rng.normal(size=(512, 4)).astype(np.float32)))
        return abs(samples.mean() - 0.7), abs(samples.std() - 0.1)

    mean_error_before, std_error_before = errors()
    gan.fit(windows, batch_size=5 * 32, epochs=5, verbose=0)  # 5 x 42 = 210 iterations
    mean_error_after, std_error_after = errors()
    assert mean_error_before > 0.15 and std_error_before > 0.05  # untrained: near 0.5, too wide
    assert mean_error_after < mean_error_before / 3
    assert std_error_after < std_error_before / 3
