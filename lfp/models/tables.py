"""The layer tables of the thesis (Asprusten 2020, Tables 4.1-4.4) as data, and their size arithmetic.

A table is a tuple of :class:`ConvLayer` rows. ``kernel``, ``strides`` and ``padding`` are an int
(every spatial axis) or one value per axis, (height, width) for images. A convolution with padding
``p`` maps a spatial size ``n`` to ``(n + 2p - k) // s + 1``. Decoders are mirrors of encoders
(:func:`mirror_table`): transposed convolutions in reverse order whose output padding makes every
layer reproduce its encoder layer's input size exactly.

Our fixes of the thesis's typos (its §4.3-4.4): Table 4.3 layer 2 has kernel 40 (not 30), so
the random-input net ends at 115 like the signal encoder; Table 4.2 layer 3 outputs 199 x 263 (the
table prints 119).
"""

import dataclasses
import math

from calciumgan.core.errors import ConfigError


@dataclasses.dataclass(frozen=True)
class ConvLayer:
    """One convolution: ``filters`` output channels, kernel, stride and zero padding (int or per axis)."""

    filters: int
    kernel: int | tuple
    strides: int | tuple = 1
    padding: int | tuple = 0

    def per_axis(self, rank: int) -> tuple:
        """(kernel, strides, padding), each a ``rank``-tuple."""
        return tuple(_per_axis(value, rank) for value in (self.kernel, self.strides, self.padding))


@dataclasses.dataclass(frozen=True)
class TransposedLayer:
    """One transposed convolution of a mirrored table; all spatial values are ``rank``-tuples.

    Output size per axis: ``(n - 1) * s + k + output_padding - 2 * padding``.
    """

    filters: int
    kernel: tuple
    strides: tuple
    padding: tuple
    output_padding: tuple


def _per_axis(value, rank: int) -> tuple:
    return (value,) * rank if isinstance(value, int) else tuple(value)


def _table(filters, kernels, paddings, strides=None) -> tuple:
    strides = strides or (1,) * len(filters)
    return tuple(ConvLayer(*row) for row in zip(filters, kernels, strides, paddings, strict=True))


# Table 4.1 (left): signal encoder, 22 x 313 -> 10 x 115, stride 1.
SIGNAL_ENCODER = _table(
    filters=(20, 18, 16, 15, 14, 13, 12, 11, 10),
    kernels=(10, 40, 25, 70, 24, 5, 13, 20, 20),
    paddings=(3, 3, 4, 0, 0, 0, 0, 0, 0),
)
# Table 4.3: random-input net, noise 3 x 313 -> 10 x 115 (layer 2 kernel 40, not the printed 30).
RANDOM_INPUT_NET = _table(
    filters=(4, 5, 4, 3, 5, 6, 5, 7, 10),
    kernels=(10, 40, 25, 70, 24, 5, 13, 20, 20),
    paddings=(3, 3, 4, 0, 0, 0, 0, 0, 0),
)
# Table 4.4 layers 1-8: combination net, c x 115 -> 1 x 24 (layer 9, Linear(24 -> 1), is not a convolution).
COMBINATION_NET = _table(
    filters=(10, 8, 6, 5, 6, 4, 2, 1),
    kernels=(15, 26, 30, 2, 5, 4, 2, 15),
    paddings=(0,) * 8,
)
# Table 4.2 (left): image encoder, 918 x 1174 x 1 -> 5 x 23 x 2 (layer 3 gives 199 x 263, not 119).
THESIS_IMAGE_ENCODER = _table(
    filters=(4, 2, 4, 5, 3, 2, 3, 6, 5, 4, 2),
    kernels=(30, 20, 30, 70, (16, 30), 30, 15, 5, 20, 10, (2, 9)),
    strides=(2, 2, 1, 1, 1, 1, 1, 2, 1, 1, 1),
    paddings=(30,) + (0,) * 10,
)
# Not in the thesis: a small encoder for the demo's 48 x 64 images, also ending at 5 x 23 x 2
# (48 x 64 -> 24 x 32 -> 12 x 29 -> 6 x 26 -> 5 x 23).
DEMO_IMAGE_ENCODER = _table(
    filters=(4, 8, 8, 2),
    kernels=(4, 4, 4, (2, 4)),
    strides=(2, (2, 1), (2, 1), 1),
    paddings=(1, (1, 0), (1, 0), 0),
)
IMAGE_ENCODERS = {"thesis": THESIS_IMAGE_ENCODER, "demo": DEMO_IMAGE_ENCODER}


def image_encoder_table(table) -> tuple:
    """``(name, table)`` for a table name in :data:`IMAGE_ENCODERS` or a table itself."""
    if isinstance(table, str):
        if table not in IMAGE_ENCODERS:
            raise ConfigError(f"model.image_encoder '{table}' is not one of {', '.join(IMAGE_ENCODERS)}")
        return f"image encoder '{table}'", IMAGE_ENCODERS[table]
    return "image encoder", tuple(table)


def _size_text(size: tuple) -> str:
    return " x ".join(str(value) for value in size)


def table_sizes(table, input_size: tuple, *, name: str, positions: int | None = None) -> tuple:
    """Every layer's output spatial size (a tuple per layer) for a spatial ``input_size`` tuple.

    ``positions``: the number of positions (product of the spatial sizes) the last layer must
    reach, e.g. the signal code length 115; ``None`` accepts any positive end size. Raises a
    one-line ``ConfigError`` naming ``name``'s layer whose values or output size are not valid.
    """
    rank, size, sizes = len(input_size), tuple(input_size), []
    for index, layer in enumerate(table, start=1):
        kernel, strides, padding = layer.per_axis(rank)
        where = f"{name} layer {index} (kernel {_size_text(kernel)}, stride {_size_text(strides)}, padding "
        where += f"{_size_text(padding)})"
        if len(kernel + strides + padding) != 3 * rank or min(kernel + strides) < 1 or min(padding) < 0:
            raise ConfigError(f"{where}: needs {rank} positive kernel and stride values and non-negative padding")
        out = tuple((n + 2 * p - k) // s + 1 for n, k, s, p in zip(size, kernel, strides, padding))
        if min(out) < 1:
            raise ConfigError(f"{where}: maps {_size_text(size)} to {_size_text(out)}, which is not positive")
        size = out
        sizes.append(size)
    if positions is not None and math.prod(size) != positions:
        raise ConfigError(f"{name}: ends at {_size_text(size)} = {math.prod(size)} positions from input "
                          f"{_size_text(input_size)}, but the code needs {positions}")  # fmt: skip
    return tuple(sizes)


def mirror_table(table, input_size: tuple, input_channels: int, *, name: str) -> tuple:
    """The decoder of encoder ``table`` for its ``input_size``: :class:`TransposedLayer` rows, last first.

    Decoder layer j undoes encoder layer n + 1 - j: same kernel, stride and padding, output
    channels of the layer before it (``input_channels`` for the last), and the output padding
    (below the stride) that restores the encoder layer's input size exactly.
    """
    rank = len(input_size)
    sizes = (tuple(input_size),) + table_sizes(table, input_size, name=name)
    channels = (input_channels,) + tuple(layer.filters for layer in table)
    mirrored = []
    for index in reversed(range(len(table))):
        kernel, strides, padding = table[index].per_axis(rank)
        before, after = sizes[index], sizes[index + 1]
        output_padding = tuple(b - ((a - 1) * s + k - 2 * p)
                               for b, a, k, s, p in zip(before, after, kernel, strides, padding))  # fmt: skip
        mirrored.append(TransposedLayer(channels[index], kernel, strides, padding, output_padding))
    return tuple(mirrored)
