"""Feature matching on each neuron's statistics: the statistics, the gap's closed forms, and the
gradient a generator update descends."""

import keras
import numpy as np
import pytest
from known_models import linear_critic
from scipy import stats

from calciumgan.training.gan import GAN
from calciumgan.training.moments import LAGS, moment_gap, neuron_statistics
from calciumgan.training.steps import make_steps


def _statistics(samples: np.ndarray) -> dict:
    """The matched statistics in float64, written with NumPy's and SciPy's own estimators."""
    samples = samples.astype(np.float64)
    centred = samples - samples.mean(axis=1, keepdims=True)
    lags = [lag for lag in LAGS if lag < samples.shape[1]]
    windows = {
        "mean": samples.mean(axis=1),
        "std": samples.std(axis=1),
        "autocorrelation": np.array([(centred[:, lag:] * centred[:, :-lag]).mean(axis=1) / samples.var(axis=1)
                                     for lag in lags]),  # fmt: skip
        "skewness": stats.skew(np.diff(samples, axis=1), axis=1),
    }
    flat = samples.reshape(-1, samples.shape[-1])
    statistics = {"scale": flat.std(axis=0), "correlation": np.corrcoef(flat, rowvar=False)}
    for name, values in windows.items():
        statistics[f"{name}_mean"] = values.mean(axis=-2)
        statistics[f"{name}_spread"] = values.std(axis=-2)
    return statistics


def _reference_gap(real: np.ndarray, fake: np.ndarray) -> float:
    target, generated = _statistics(real), _statistics(fake)
    gap = 0.0
    for key in target:
        if key in ("scale", "correlation"):
            continue
        difference = generated[key] - target[key]
        gap += np.mean((difference / target["scale"] if key.startswith(("mean", "std")) else difference) ** 2)
    pairs = ~np.eye(real.shape[-1], dtype=bool)
    return gap + np.mean((generated["correlation"] - target["correlation"])[pairs] ** 2)


def _correlated(rng, batch: int, length: int, neurons: int) -> np.ndarray:
    """Smooth, correlated traces (batch, length, neurons) at different levels and scales per neuron."""
    shared = rng.normal(size=(batch, length + 8, 1))
    own = rng.normal(size=(batch, length + 8, neurons))
    smooth = np.cumsum(shared + own, axis=1)
    smooth = smooth[:, 8:] - smooth[:, :-8]  # moving sums of 8 frames: autocorrelated
    return (smooth * np.arange(1, neurons + 1) + 5.0 * np.arange(neurons)).astype(np.float32)


def test_statistics_agree_with_numpy():
    samples = _correlated(np.random.default_rng(0), 6, 40, 4)
    computed = {name: np.asarray(value) for name, value in neuron_statistics(samples).items()}
    assert computed["autocorrelation_mean"].shape == (6, 4)  # lags 1 .. 32, all shorter than 40 frames
    expected = _statistics(samples)
    assert sorted(computed) == sorted(expected)
    for name, value in expected.items():
        np.testing.assert_allclose(computed[name], value, rtol=2e-4, atol=2e-5, err_msg=name)


def test_gap_has_closed_forms_for_shifts_scalings_and_time_reversal():
    real = _correlated(np.random.default_rng(1), 8, 64, 5)
    target = _statistics(real)
    assert float(moment_gap(real, real)) == pytest.approx(0.0, abs=1e-5)
    assert float(moment_gap(real, real + 1.5 * target["scale"].astype(np.float32))) == pytest.approx(1.5**2, rel=1e-4)
    # Scaling by a changes the window means and standard deviations by (a - 1) of themselves, the rest not at all.
    a = 1.3
    levels = [target[key] for key in ("mean_mean", "mean_spread", "std_mean", "std_spread")]
    expected = sum(np.mean(((a - 1) * level / target["scale"]) ** 2) for level in levels)
    assert float(moment_gap(real, a * real)) == pytest.approx(expected, rel=1e-4)
    # Reversed in time, only the skewness of the changes moves: it changes sign.
    reversed_gap = 4 * np.mean(target["skewness_mean"] ** 2)
    assert reversed_gap > 0.01 and float(moment_gap(real, real[:, ::-1])) == pytest.approx(reversed_gap, rel=1e-3)


def test_gap_counts_wrong_correlations_and_timing():
    rng = np.random.default_rng(2)
    real = _correlated(rng, 8, 64, 5)
    permuted_neurons = real[..., [1, 0, 2, 3, 4]]  # the same traces, two neurons swapped
    shuffled_frames = real[:, rng.permutation(64)]  # each window's values, their order lost
    for fake in (permuted_neurons, shuffled_frames):
        assert float(moment_gap(real, fake)) == pytest.approx(_reference_gap(real, fake), rel=1e-3)
    # Shuffled frames keep every level and correlation, and lose the autocorrelations (to about 0).
    lost = np.mean(_statistics(real)["autocorrelation_mean"] ** 2)
    assert lost > 0.2 and float(moment_gap(real, shuffled_frames)) > lost


def _constant_generator(bias: np.ndarray) -> keras.Model:
    """G(z) = b whatever the noise: a Dense with a zero, frozen kernel and bias b (time * neurons)."""
    noise = keras.Input((2,))
    dense = keras.layers.Dense(bias.size, name="dense")
    generator = keras.Model(noise, keras.layers.Reshape(bias.shape)(dense(noise)))
    dense.set_weights([np.zeros((2, bias.size), np.float32), bias.reshape(-1).astype(np.float32)])
    dense.kernel.trainable = False
    return generator


@pytest.mark.backend
def test_generator_update_descends_lambda_times_the_gap_gradient():
    """With a critic of zero weights the adversarial gradient vanishes, so one SGD step of rate r moves the
    generated trace b by -r lambda d gap / d b (central differences of the NumPy gap); the validation loss is
    -bias + lambda gap."""
    weight, rate = 0.5, 0.05
    rng = np.random.default_rng(3)
    bias = rng.normal(size=(12, 3))
    real = _correlated(rng, 4, 12, 3)
    generator = _constant_generator(bias)
    gan = GAN(generator, linear_critic(np.zeros((12, 3)), bias=0.3), n_critic=1, seed=0, moment_matching=weight)
    gan.compile(keras.optimizers.SGD(rate), keras.optimizers.SGD(0.0))
    steps = make_steps(gan)
    logs = steps.test_step(real, seed=1)
    gap = _reference_gap(real, bias[None])
    assert float(logs["moment_gap"]) == pytest.approx(gap, rel=1e-3)
    assert float(logs["generator_loss"]) == pytest.approx(-0.3 + weight * gap, rel=1e-3)
    gradient = np.zeros_like(bias)
    for index in np.ndindex(bias.shape):
        step = np.zeros_like(bias)
        step[index] = 1e-5
        gradient[index] = (_reference_gap(real, (bias + step)[None]) - _reference_gap(real, (bias - step)[None])) / 2e-5
    steps.train_step(real)
    steps.sync()
    trained = generator.get_layer("dense").get_weights()[1].reshape(bias.shape)
    np.testing.assert_allclose(trained, bias - rate * weight * gradient, rtol=1e-3, atol=1e-5)


def test_negative_weight_is_refused():
    with pytest.raises(ValueError, match="moment_matching must be >= 0"):
        GAN(_constant_generator(np.zeros((4, 2))), linear_critic(np.zeros((4, 2))), moment_matching=-1.0)
