"""An auxiliary-classifier GAN (critic ``samples -> [score, logits]``) on the running backend: known answers."""

import keras
import numpy as np
import pytest
from keras import layers

from calciumgan.training.auxiliary import AuxiliaryClassifierLoss
from calciumgan.training.gan import GAN
from calciumgan.training.penalties import GradientPenalty
from calciumgan.training.steps import make_steps

pytestmark = pytest.mark.backend

LENGTH, CLASSES, NOISE = 4, 3, 2
SCORE_WEIGHTS = np.array([0.5, -1.0, 2.0, 0.0])
# the class logits read samples through these columns; the score's weights are orthogonal to them
LOGIT_WEIGHTS = np.array([[1.0, 0.0, -1.0], [0.5, 0.0, -0.5], [0.0, 0.0, 0.0], [0.0, 2.0, 1.0]])
PROTOTYPES = np.array([[1.0, 0.0, 0.5, -1.0], [0.0, 1.0, -0.5, 0.5], [-1.0, 0.5, 0.0, 1.0]])  # one per class


def _prototype_generator():
    """Samples = the label's row of a trainable table (PROTOTYPES at the start) + 0 * noise."""
    labels, noise = keras.Input((), dtype="int32"), keras.Input((NOISE,))
    table = layers.Embedding(CLASSES, LENGTH)
    ignored = layers.Dense(LENGTH, use_bias=False, kernel_initializer="zeros")(noise)
    generator = keras.Model([labels, noise], layers.Add()([table(labels), ignored]))
    table.set_weights([PROTOTYPES])
    return generator


def _linear_critic(logit_scale=1.0):
    """score = w . x, logits = x V (V = logit_scale * LOGIT_WEIGHTS), both fixed."""
    samples = keras.Input((LENGTH,))
    score, logits = layers.Dense(1, use_bias=False), layers.Dense(CLASSES, use_bias=False)
    critic = keras.Model(samples, [score(samples), logits(samples)])
    score.set_weights([SCORE_WEIGHTS[:, None]])
    logits.set_weights([logit_scale * LOGIT_WEIGHTS])
    return critic


def _gan(weight=0.5, on_generated=True, logit_scale=1.0, generator_rate=0.0):
    gan = GAN(_prototype_generator(), _linear_critic(logit_scale), penalty=GradientPenalty(10.0), n_critic=1, seed=0,
              auxiliary=AuxiliaryClassifierLoss(weight, on_generated=on_generated))  # fmt: skip
    gan.compile(keras.optimizers.SGD(generator_rate), keras.optimizers.SGD(0.0))
    return gan


def _cross_entropy(logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_probabilities[np.arange(len(labels)), labels].mean()


REAL = np.array([[0.2, 1.0, -0.3, 0.4], [1.5, -0.2, 0.1, 0.0], [-0.4, 0.3, 0.8, -1.2], [0.0, 0.0, 1.0, 1.0]], "float32")
LABELS = np.array([1, 2, 0, 0], "int32")


@pytest.mark.parametrize("on_generated", [True, False])
def test_objectives_are_wasserstein_penalty_and_weighted_cross_entropy(on_generated):
    weight = 0.5
    gan = _gan(weight, on_generated)
    logs = {name: float(value) for name, value in make_steps(gan).train_step((REAL, LABELS)).items()}
    assert set(logs) == set(gan.log_names)
    fake = PROTOTYPES[LABELS]
    wasserstein = (REAL @ SCORE_WEIGHTS).mean() - (fake @ SCORE_WEIGHTS).mean()
    penalty = 10.0 * (np.linalg.norm(SCORE_WEIGHTS) - 1.0) ** 2  # the score's gradient is w everywhere
    real_entropy, fake_entropy = (
        _cross_entropy(REAL @ LOGIT_WEIGHTS, LABELS),
        _cross_entropy(fake @ LOGIT_WEIGHTS, LABELS),
    )
    auxiliary = weight * (real_entropy + (fake_entropy if on_generated else 0.0))
    assert logs["wasserstein"] == pytest.approx(wasserstein, rel=1e-5)
    assert logs["penalty"] == pytest.approx(penalty, rel=1e-5)
    assert logs["auxiliary_loss"] == pytest.approx(auxiliary, rel=1e-5)
    assert logs["critic_loss"] == pytest.approx(-wasserstein + penalty + auxiliary, rel=1e-5)
    assert logs["generator_auxiliary_loss"] == pytest.approx(weight * fake_entropy, rel=1e-5)
    assert logs["generator_loss"] == pytest.approx(-(fake @ SCORE_WEIGHTS).mean() + weight * fake_entropy, rel=1e-5)
    real_hits = np.argmax(REAL @ LOGIT_WEIGHTS, axis=1) == LABELS
    fake_hits = np.argmax(fake @ LOGIT_WEIGHTS, axis=1) == LABELS
    assert 0 < real_hits.mean() < 1 and logs["real_accuracy"] == pytest.approx(real_hits.mean())
    assert logs["generated_accuracy"] == pytest.approx(fake_hits.mean())


def test_penalty_differentiates_the_score_only():
    logs = [make_steps(_gan(logit_scale=scale)).train_step((REAL, LABELS)) for scale in (1.0, 7.0)]
    for name in ("penalty", "gradient_norm", "wasserstein"):
        assert float(logs[1][name]) == pytest.approx(float(logs[0][name]), rel=1e-6)
    assert float(logs[0]["gradient_norm"]) == pytest.approx(np.linalg.norm(SCORE_WEIGHTS), rel=1e-5)
    assert float(logs[1]["auxiliary_loss"]) != pytest.approx(float(logs[0]["auxiliary_loss"]), rel=1e-2)


@pytest.mark.parametrize("weight", [1.0, 0.0])
def test_generator_step_lowers_the_cross_entropy_of_its_labels(weight):
    """The score's weights are orthogonal to the logits' columns, so only the auxiliary term moves the logits."""
    assert np.allclose(SCORE_WEIGHTS @ LOGIT_WEIGHTS, 0)
    gan = _gan(weight, generator_rate=0.05)
    noise = np.zeros((len(LABELS), NOISE), "float32")

    def generated_cross_entropy():
        samples = np.asarray(gan.generator([LABELS, noise]))
        return _cross_entropy(samples @ LOGIT_WEIGHTS, LABELS)

    before = generated_cross_entropy()
    steps = make_steps(gan)
    steps.train_step((REAL, LABELS))
    steps.sync()
    after = generated_cross_entropy()
    if weight:
        assert after < before - 1e-3
    else:
        assert after == pytest.approx(before, abs=1e-6)


def test_critic_outputs_and_auxiliary_loss_must_agree():
    with pytest.raises(ValueError, match="a critic with 2 output\\(s\\) needs an auxiliary loss"):
        GAN(_prototype_generator(), _linear_critic())
    one_output = keras.Sequential([keras.Input((LENGTH,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="needs no auxiliary loss"):
        GAN(_prototype_generator(), one_output, auxiliary=AuxiliaryClassifierLoss())


def test_config_round_trip_keeps_the_auxiliary_loss():
    copy = GAN.from_config(_gan(0.25, on_generated=False).get_config())
    assert isinstance(copy.auxiliary, AuxiliaryClassifierLoss)
    assert (copy.auxiliary.weight, copy.auxiliary.on_generated) == (0.25, False)
    assert not copy.critic_takes_conditions and copy.conditional
