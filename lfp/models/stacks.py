"""Convolution stacks from a layer table, in 1D (signals, (batch, time, channels)) or 2D (images,
(batch, height, width, channels)).

Every hidden layer is the thesis's "ReLU/BN": convolution without bias (batch normalisation makes a
bias redundant, §2.2) -> ReLU -> [Dropout] -> BatchNormalization. Padding ``p`` of the PyTorch
original is ``ZeroPadding(p)`` before a valid convolution; for a transposed convolution it is a
valid transposed convolution followed by ``Cropping(p)``. BatchNormalization uses PyTorch's
defaults (momentum 0.1 there, 0.9 in Keras; epsilon 1e-5), as the thesis states none.

Layers of block ``i`` (from 1) are named ``pad{i}``, ``conv{i}``, ``crop{i}``, ``relu{i}``,
``dropout{i}`` and ``norm{i}``, so a block's output size is that of ``relu{i}``. A stack may use a
leaky ReLU (slope 0.2 below zero; layers ``leaky_relu{i}``) instead: the critic's combination net
narrows to 2 and 1 channels, where a plain ReLU can be dead for every input from the start.
"""

import keras

CONVOLUTIONS = {1: keras.layers.Conv1D, 2: keras.layers.Conv2D}
TRANSPOSED_CONVOLUTIONS = {1: keras.layers.Conv1DTranspose, 2: keras.layers.Conv2DTranspose}
PADDINGS = {1: keras.layers.ZeroPadding1D, 2: keras.layers.ZeroPadding2D}
CROPPINGS = {1: keras.layers.Cropping1D, 2: keras.layers.Cropping2D}


def _symmetric(amount: tuple, rank: int):
    """Keras's symmetric padding/cropping argument: an int in 1D, (rows, columns) in 2D."""
    return amount[0] if rank == 1 else amount


ACTIVATIONS = {"relu": lambda name: keras.layers.ReLU(name=name),
               "leaky_relu": lambda name: keras.layers.LeakyReLU(0.2, name=name)}  # fmt: skip


def _relu_norm(x, index: int, dropout: float, activation: str = "relu"):
    x = ACTIVATIONS[activation](f"{activation}{index}")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name=f"dropout{index}")(x)
    return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=f"norm{index}")(x)


def convolution_stack(x, table, rank: int, dropout: float = 0.0, activation: str = "relu"):
    """``x`` through every :class:`~lfp.models.tables.ConvLayer` of ``table``, each ReLU/[Dropout]/BN
    (``activation``: "relu" or "leaky_relu")."""
    for index, layer in enumerate(table, start=1):
        kernel, strides, padding = layer.per_axis(rank)
        if any(padding):
            x = PADDINGS[rank](_symmetric(padding, rank), name=f"pad{index}")(x)
        x = CONVOLUTIONS[rank](layer.filters, kernel, strides=strides, use_bias=False, name=f"conv{index}")(x)
        x = _relu_norm(x, index, dropout, activation)
    return x


def transposed_stack(x, layers, rank: int, output_activation: str | None = None):
    """``x`` through mirrored :class:`~lfp.models.tables.TransposedLayer` rows.

    Every layer but the last is ReLU/BN; the last has a bias and ``output_activation``
    (``None``: linear).
    """
    for index, layer in enumerate(layers, start=1):
        last = index == len(layers)
        convolution = TRANSPOSED_CONVOLUTIONS[rank](
            layer.filters,
            layer.kernel,
            strides=layer.strides,
            padding="valid",
            output_padding=layer.output_padding,
            use_bias=last,
            activation=output_activation if last else None,
            name=f"conv{index}",
        )
        x = convolution(x)
        if any(layer.padding):
            x = CROPPINGS[rank](_symmetric(layer.padding, rank), name=f"crop{index}")(x)
        if not last:
            x = _relu_norm(x, index, 0.0)
    return x
