"""The core's weight penalties (Klindt et al. 2017) and the readout's location constraint (Walker et al. 2019).

Keras kernels are (kernel height, kernel width, input channels, output channels).

- ``LaplaceL2``: smoothness of the first layer's filters. Each (kernel height x kernel width)
  filter is filtered with the 3 x 3 Laplace kernel [[0, -1, 0], [-1, 4, -1], [0, -1, 0]] without
  padding; the penalty is ``strength * mean(Laplace(w)^2) / 2`` over every output value of every
  filter (the PyTorch original's ``LaplaceL2`` with padding 0).
- ``GroupSparsity``: ``strength * mean over (input, output) channel pairs of the L2 norm of that
  pair's spatial kernel``, the original's ``group_sparsity`` for one layer. A group is one input
  channel's kernel into one output channel, so whole input-output connections are driven to 0.
  The original averages this over the hidden layers and scales the average by gamma_hidden, so each
  of L hidden layers gets ``strength = gamma_hidden / L``.
- ``Clip``: a constraint that projects a weight onto [low, high] after every update (the original
  clamps the readout's locations to [-1, 1] before every forward pass, the same projection).
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="exciting_inputs")
class LaplaceL2(keras.regularizers.Regularizer):
    """``strength * mean(Laplace(kernel)^2) / 2`` over valid 3 x 3 Laplace outputs of each spatial filter."""

    def __init__(self, strength: float = 0.1):
        self.strength = float(strength)

    def __call__(self, kernel):
        centre = kernel[1:-1, 1:-1]
        laplace = 4 * centre - kernel[:-2, 1:-1] - kernel[2:, 1:-1] - kernel[1:-1, :-2] - kernel[1:-1, 2:]
        return self.strength * ops.mean(ops.square(laplace)) / 2

    def get_config(self) -> dict:
        return {"strength": self.strength}


@keras.saving.register_keras_serializable(package="exciting_inputs")
class GroupSparsity(keras.regularizers.Regularizer):
    """``strength * mean over (input, output) channels of sqrt(sum over the kernel's positions of w^2)``."""

    def __init__(self, strength: float = 0.05):
        self.strength = float(strength)

    def __call__(self, kernel):
        return self.strength * ops.mean(ops.sqrt(ops.sum(ops.square(kernel), axis=(0, 1))))

    def get_config(self) -> dict:
        return {"strength": self.strength}


@keras.saving.register_keras_serializable(package="exciting_inputs")
class Clip(keras.constraints.Constraint):
    """Projects a weight onto [low, high] after each optimizer update."""

    def __init__(self, low: float = -1.0, high: float = 1.0):
        self.low, self.high = float(low), float(high)

    def __call__(self, weight):
        return ops.clip(weight, self.low, self.high)

    def get_config(self) -> dict:
        return {"low": self.low, "high": self.high}
