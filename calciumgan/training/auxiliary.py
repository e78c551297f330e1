"""The auxiliary-classifier loss of an AC-GAN (Odena et al. 2017, "Conditional image synthesis with
auxiliary classifier GANs").

The critic returns ``[score, logits]``: the score (batch, 1) enters the adversarial loss and the
penalty as a one-output critic's would, the class logits (batch, classes) enter this loss only.
The labels are the GAN's conditions, (batch,) or (batch, 1) integer class indices in
``0 .. classes - 1``; generated samples carry the labels they were generated with.

With ``CE`` the mean sparse categorical cross-entropy of logits against labels (natural log):

- the critic adds ``weight * (CE(real) + CE(generated))`` to its loss (Odena's ``L_C``, which the
  discriminator maximises as a log-likelihood), or ``weight * CE(real)`` without ``on_generated``;
- the generator adds ``weight * CE(generated)``.
"""

import keras
from keras import ops

AUXILIARY_CRITIC_LOG_NAMES = ("auxiliary_loss", "real_accuracy", "generated_accuracy")
AUXILIARY_LOG_NAMES = (*AUXILIARY_CRITIC_LOG_NAMES, "generator_auxiliary_loss")
"""Scalars an auxiliary-classifier GAN's steps return besides ``gan.LOG_NAMES``: the term added to
the critic's loss, the critic's classification accuracy on real and on generated samples, and the
term added to the generator's loss."""


def cross_entropy(logits, labels):
    """Mean sparse categorical cross-entropy (nats) of logits (batch, classes) against labels (batch[, 1])."""
    labels = ops.cast(ops.reshape(labels, (-1,)), "int32")
    return ops.mean(ops.sparse_categorical_crossentropy(labels, ops.cast(logits, "float32"), from_logits=True))


def accuracy(logits, labels):
    """Fraction of rows whose largest logit is at the label (ties: the first largest)."""
    labels = ops.cast(ops.reshape(labels, (-1,)), "int32")
    return ops.mean(ops.cast(ops.equal(ops.cast(ops.argmax(logits, axis=-1), "int32"), labels), "float32"))


@keras.saving.register_keras_serializable(package="calciumgan")
class AuxiliaryClassifierLoss:
    """``weight`` times the class cross-entropy; ``on_generated``: the critic learns from generated
    samples' labels too (Odena's AC-GAN)."""

    def __init__(self, weight: float = 1.0, on_generated: bool = True):
        if not weight >= 0:
            raise ValueError(f"auxiliary classifier weight must be >= 0, got {weight}")
        self.weight = float(weight)
        self.on_generated = bool(on_generated)

    def critic(self, real_logits, generated_logits, labels):
        """The term (scalar) added to the critic's loss, and its logs; logits (batch, classes)."""
        term = cross_entropy(real_logits, labels)
        if self.on_generated:
            term = term + cross_entropy(generated_logits, labels)
        term = self.weight * term
        return term, {"auxiliary_loss": term, "real_accuracy": accuracy(real_logits, labels),
                      "generated_accuracy": accuracy(generated_logits, labels)}  # fmt: skip

    def generator(self, generated_logits, labels):
        """The term (scalar) added to the generator's loss, and its logs."""
        term = self.weight * cross_entropy(generated_logits, labels)
        return term, {"generator_auxiliary_loss": term}

    def get_config(self) -> dict:
        return {"weight": self.weight, "on_generated": self.on_generated}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
