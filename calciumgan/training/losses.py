"""Adversarial losses: what the critic and the generator minimise, given the critic's scores.

Scores are float32 tensors of shape (batch, 1). A loss object has ``critic(real_scores,
fake_scores)`` and ``generator(fake_scores)``, both scalars; penalties are separate
(``calciumgan.training.penalties``) and added by the GAN.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="calciumgan")
class WassersteinLoss:
    """Wasserstein GAN (Arjovsky et al. 2017; thesis Eq. 2.7).

    The critic minimises ``E[D(G(z))] - E[D(x)]``, the negative of its estimate of the
    Wasserstein distance; the generator minimises ``-E[D(G(z))]``.
    """

    def critic(self, real_scores, fake_scores):
        return ops.mean(fake_scores) - ops.mean(real_scores)

    def generator(self, fake_scores):
        return -ops.mean(fake_scores)

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@keras.saving.register_keras_serializable(package="calciumgan")
class NonSaturatingLoss:
    """The standard GAN's binary cross-entropy with the non-saturating generator loss (Goodfellow et al.
    2014; DCGAN, Radford et al. 2016; AC-GAN, Odena et al. 2017). Scores are logits of "real".

    The discriminator minimises ``E[softplus(-D(x))] + E[softplus(D(G(z)))]``, the cross-entropy of
    real samples labelled 1 and generated ones 0; the generator minimises ``E[softplus(-D(G(z)))]``,
    its samples labelled 1 (maximising log D(G(z)) rather than minimising log(1 - D(G(z))), which
    saturates while the discriminator wins).
    """

    def critic(self, real_scores, fake_scores):
        return ops.mean(ops.softplus(-real_scores)) + ops.mean(ops.softplus(fake_scores))

    def generator(self, fake_scores):
        return ops.mean(ops.softplus(-fake_scores))

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


LOSSES = {"wasserstein": WassersteinLoss, "non_saturating": NonSaturatingLoss}
