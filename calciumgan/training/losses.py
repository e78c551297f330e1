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


LOSSES = {"wasserstein": WassersteinLoss}
