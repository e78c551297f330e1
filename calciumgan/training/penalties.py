"""Regularisers of the critic, each computed from the critic's input gradients.

A penalty names the points where it needs the gradient of the critic's summed scores with
respect to its input (``points``), then turns those gradients into the term added to the
critic's loss (``__call__``). Gradients are taken and reduced in float32. Three forms:

- :class:`GradientPenalty`, two-sided (WGAN-GP, Gulrajani et al. 2017):
  ``lambda E[(||grad D(x_hat)||_2 - 1)^2]`` at ``x_hat = eps x + (1 - eps) G(z)``, one
  ``eps ~ U(0, 1)`` per example.
- :class:`OneSidedGradientPenalty` (LFP thesis Eq. 2.8-2.9, after Hartmann et al. 2018's
  EEG-GAN): ``P_1 = lambda E[max(0, ||grad D(x_hat)||_2 - 1)^2]``, added to the critic's
  loss as ``max(0, W) P_1`` with ``W`` the critic's Wasserstein estimate (or as ``P_1``).
- :class:`WassersteinDivergence` (WGAN-div, Wu et al. 2018):
  ``(k / 2) E[||grad D(x)||_2^p + ||grad D(G(z))||_2^p]`` at real and generated points
  (k = 2, p = 6), as the upstream code computes it.

Each returns ``(term, mean_gradient_norm)``; the norm is logged as a diagnostic.
"""

import keras
from keras import ops

NORM_EPSILON = 1e-12  # inside the square root, so that a zero gradient has a finite derivative


def _squared_norms(gradients):
    """Per-example squared L2 norm (batch,) of a (batch, ...) gradient, in float32."""
    gradients = ops.cast(gradients, "float32")
    return ops.sum(ops.square(gradients), axis=tuple(range(1, len(gradients.shape))))


def _interpolates(real, fake, seed_generator):
    real, fake = ops.cast(real, "float32"), ops.cast(fake, "float32")
    shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
    weights = keras.random.uniform(shape, seed=seed_generator)
    return weights * real + (1.0 - weights) * fake


class _Penalty:
    def __init__(self, weight: float = 10.0):
        if not weight >= 0:
            raise ValueError(f"penalty weight must be >= 0, got {weight}")
        self.weight = float(weight)

    def get_config(self) -> dict:
        return {"weight": self.weight}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@keras.saving.register_keras_serializable(package="calciumgan")
class GradientPenalty(_Penalty):
    """Two-sided gradient penalty of WGAN-GP at random interpolates; ``weight`` is lambda."""

    def points(self, real, fake, seed_generator) -> list:
        return [_interpolates(real, fake, seed_generator)]

    def __call__(self, gradients: list, wasserstein):
        norms = ops.sqrt(_squared_norms(gradients[0]) + NORM_EPSILON)
        return self.weight * ops.mean(ops.square(norms - 1.0)), ops.mean(norms)


@keras.saving.register_keras_serializable(package="calciumgan")
class OneSidedGradientPenalty(_Penalty):
    """Eq. 2.8-2.9 of the LFP thesis: only gradient norms above 1 are penalised.

    With ``scale_by_wasserstein`` (Eq. 2.9) the term is ``max(0, W) P_1``; the factor
    ``max(0, W)`` is held constant for differentiation, so it rescales lambda step by step
    rather than adding a gradient through ``W`` (Asprusten 2020 does not say; this is EEG-GAN's, Hartmann et al. 2018,
    reading). Without it, the term is ``P_1``.
    """

    def __init__(self, weight: float = 10.0, scale_by_wasserstein: bool = True):
        super().__init__(weight)
        self.scale_by_wasserstein = bool(scale_by_wasserstein)

    def points(self, real, fake, seed_generator) -> list:
        return [_interpolates(real, fake, seed_generator)]

    def __call__(self, gradients: list, wasserstein):
        norms = ops.sqrt(_squared_norms(gradients[0]) + NORM_EPSILON)
        penalty = self.weight * ops.mean(ops.square(ops.relu(norms - 1.0)))
        if self.scale_by_wasserstein:
            penalty = ops.stop_gradient(ops.relu(ops.cast(wasserstein, "float32"))) * penalty
        return penalty, ops.mean(norms)

    def get_config(self) -> dict:
        return {**super().get_config(), "scale_by_wasserstein": self.scale_by_wasserstein}


@keras.saving.register_keras_serializable(package="calciumgan")
class WassersteinDivergence(_Penalty):
    """WGAN-div: ``(k / 2) E[||grad D(x)||^p + ||grad D(G(z))||^p]``; ``weight`` is k."""

    def __init__(self, weight: float = 2.0, power: float = 6.0):
        super().__init__(weight)
        if not power > 0:
            raise ValueError(f"WGAN-div power p must be positive, got {power}")
        self.power = float(power)

    def points(self, real, fake, seed_generator) -> list:
        return [ops.cast(real, "float32"), ops.cast(fake, "float32")]

    def __call__(self, gradients: list, wasserstein):
        squared = [_squared_norms(gradient) for gradient in gradients]
        # ||g||^p = (||g||^2)^(p/2): smooth at g = 0 for p >= 2, no square root needed
        term = sum(ops.mean(ops.power(values, self.power / 2)) for values in squared)
        mean_norm = sum(ops.mean(ops.sqrt(values + NORM_EPSILON)) for values in squared) / len(squared)
        return 0.5 * self.weight * term, mean_norm

    def get_config(self) -> dict:
        return {**super().get_config(), "power": self.power}


@keras.saving.register_keras_serializable(package="calciumgan")
class NoPenalty(_Penalty):
    """No term at all, and no gradient computed for one: the standard GAN of DCGAN and AC-GAN."""

    def __init__(self, weight: float = 0.0):
        super().__init__(weight)

    def points(self, real, fake, seed_generator) -> list:
        return []

    def __call__(self, gradients: list, wasserstein):
        zero = ops.zeros((), "float32")
        return zero, zero


def gradient_penalty_or_none(weight: float):
    """``GradientPenalty(weight)``, or ``NoPenalty()`` for weight 0 (no gradient computed at all)."""
    return GradientPenalty(weight) if weight > 0 else NoPenalty()


PENALTIES = {"gradient": GradientPenalty, "one_sided": OneSidedGradientPenalty, "divergence": WassersteinDivergence,
             "none": NoPenalty}  # fmt: skip
