"""The spatial-transformer pyramid readout of Walker et al. 2019 in ``keras.ops``.

It follows the PyTorch original, ``SpatialTransformerPyramid2d`` (its ``Pyramid`` with the
``gauss5x5`` filter and ``lap_split``), which the names below refer to.

Feature maps (batch, height, width, channels) from the core are split into a Laplace pyramid of
``scales + 1`` levels (``laplace_pyramid``). Each neuron owns one location (x, y) in [-1, 1]^2
and reads every level there by bilinear interpolation with corner alignment (PyTorch's
``grid_sample(..., align_corners=True)``: -1 and 1 are the centres of the first and last
pixels, so the same location points at the same place on every level). The (levels x channels)
values are weighted by the neuron's non-negative feature weights, a bias is added, and the result
goes through ELU + 1, so predicted rates are positive.

Parameters per neuron: 2 (location) + levels x channels (features) + 1 (bias); 771 for 192
channels (three 64-channel blocks) and 4 levels.
"""

import keras
import numpy as np
from keras import ops

from exciting_inputs.models.regularizers import Clip

GAUSS_5X5 = np.float32([
    [0.003765, 0.015019, 0.023792, 0.015019, 0.003765],
    [0.015019, 0.059912, 0.094907, 0.059912, 0.015019],
    [0.023792, 0.094907, 0.150342, 0.094907, 0.023792],
    [0.015019, 0.059912, 0.094907, 0.059912, 0.015019],
    [0.003765, 0.015019, 0.023792, 0.015019, 0.003765]])  # fmt: skip  # the original's 'gauss5x5' filter


def _separable_factor(table: np.ndarray) -> np.ndarray:
    """(5,) float64 g with outer(g, g) closest to the symmetric (5, 5) ``table`` (its rank-one part)."""
    values, vectors = np.linalg.eigh(table.astype(np.float64))
    return np.abs(vectors[:, -1]) * np.sqrt(values[-1])


GAUSS_5 = _separable_factor(GAUSS_5X5)  # outer(GAUSS_5, GAUSS_5) matches the table to 2.2e-7 (its rounding)


def smoothing_matrix(size: int) -> np.ndarray:
    """(ceil(size / 2), size) float32 D: ``D @ x`` filters a length-``size`` axis with ``GAUSS_5`` (zero
    padding 2) and keeps every other sample, from the first. Its transpose, ``D.T @ low``, places ``low`` on
    the even samples of zeros and filters with the same (symmetric) kernel: the original's stride-2 transposed
    convolution with padding 2, back to ``size`` samples."""
    rows = np.arange(0, size, 2)[:, None]
    offset = np.arange(size)[None, :] - rows + 2  # kernel tap that joins output row and input column
    taps = np.where((offset >= 0) & (offset < 5), GAUSS_5[np.clip(offset, 0, 4)], 0.0)
    return taps.astype(np.float32)


def laplace_pyramid(maps, scales: int) -> list:
    """``scales + 1`` levels of (batch, height, width, channels) maps: ``scales`` band-pass, then the low-pass rest.

    One split (the original's ``lap_split``): ``smooth`` = maps filtered with the 5 x 5 Gaussian (zero
    padding 2); ``low`` = every other row and column of ``smooth``; the band-pass level is ``maps -
    4 * transposed_convolution(low)`` (stride 2, padding 2, back to the maps' size). The Gaussian is
    separable, so both steps are products with ``smoothing_matrix`` along the height and the width
    (fast on every backend, unlike a depthwise convolution on XLA's CPU backend). Sizes halve
    rounding up: 30 x 48 -> 15 x 24 -> 8 x 12 -> 4 x 6.
    """
    levels = []
    for _ in range(scales):
        down_rows, down_columns = (ops.convert_to_tensor(smoothing_matrix(size)) for size in maps.shape[1:3])
        low = ops.einsum("biwc,jw->bijc", ops.einsum("ih,bhwc->biwc", down_rows, maps), down_columns)
        up = ops.einsum("bhjc,jw->bhwc", ops.einsum("ih,bijc->bhjc", down_rows, low), down_columns)
        levels.append(maps - 4 * up)
        maps = low
    return levels + [maps]


def bilinear_sample(maps, location):
    """(batch, neurons, channels): (batch, height, width, channels) maps read at (neurons, 2) locations (x, y)
    in [-1, 1] by bilinear interpolation, corners aligned (x = -1: column 0, x = 1: column width - 1).

    The four neighbouring pixels are gathered; their weights are differentiable in the location.
    """
    height, width, channels = maps.shape[1:]
    column = (location[:, 0] + 1) * 0.5 * (width - 1)
    row = (location[:, 1] + 1) * 0.5 * (height - 1)
    left = ops.stop_gradient(ops.clip(ops.floor(column), 0, max(width - 2, 0)))
    top = ops.stop_gradient(ops.clip(ops.floor(row), 0, max(height - 2, 0)))
    across, down = column - left, row - top
    left, top = ops.cast(left, "int32"), ops.cast(top, "int32")
    right, bottom = ops.minimum(left + 1, width - 1), ops.minimum(top + 1, height - 1)
    index = ops.stack([top * width + left, top * width + right, bottom * width + left, bottom * width + right], 1)
    weights = ops.stack([(1 - down) * (1 - across), (1 - down) * across, down * (1 - across), down * across], 1)
    corners = ops.take(ops.reshape(maps, (-1, height * width, channels)), index, axis=1)  # (batch, neurons, 4, C)
    return ops.einsum("bnkc,nk->bnc", corners, ops.cast(weights, corners.dtype))


@keras.saving.register_keras_serializable(package="exciting_inputs")
class PyramidReadout(keras.layers.Layer):
    """(batch, height, width, channels) core features -> (batch, neurons) positive rates (see the module docstring).

    Weights: ``location`` (neurons, 2) as (x, y), initialised U(-init_range, init_range) and kept in
    [-1, 1] by a ``Clip`` constraint; ``features`` (neurons, (scales + 1) * channels), level-major
    as the original concatenates them, initialised to 1 / channels and kept >= 0 by a ``NonNeg``
    constraint (the original zeroes negative weights before each forward pass, the same projection);
    ``bias`` (neurons,), initialised to 0.
    """

    def __init__(self, neurons: int, scales: int = 3, init_range: float = 0.1, **kwargs):
        super().__init__(**kwargs)
        self.neurons, self.scales, self.init_range = int(neurons), int(scales), float(init_range)

    def build(self, input_shape):
        channels = input_shape[-1]
        uniform = keras.initializers.RandomUniform(-self.init_range, self.init_range)
        self.location = self.add_weight(shape=(self.neurons, 2), name="location", initializer=uniform,
                                        constraint=Clip(-1.0, 1.0))  # fmt: skip
        self.features = self.add_weight(shape=(self.neurons, (self.scales + 1) * channels), name="features",
                                        initializer=keras.initializers.Constant(1.0 / channels),
                                        constraint=keras.constraints.NonNeg())  # fmt: skip
        self.bias = self.add_weight(shape=(self.neurons,), name="bias", initializer="zeros")

    def call(self, maps):
        pooled = [bilinear_sample(level, self.location) for level in laplace_pyramid(maps, self.scales)]
        linear = ops.einsum("bnf,nf->bn", ops.concatenate(pooled, axis=-1), self.features) + self.bias
        return ops.elu(linear) + 1

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.neurons)

    def get_config(self) -> dict:
        return {**super().get_config(), "neurons": self.neurons, "scales": self.scales, "init_range": self.init_range}
