"""Initialise the GAN from the pre-trained autoencoders (Asprusten 2020, §4.4).

The generator gets the signal decoder, the critic the signal encoder, and both the image encoder
(when they have one and an image autoencoder is given). The random-input net and the combination
net stay freshly initialised. Sub-models are matched by name and their layers by name; every
weight is copied, batch-normalisation statistics included.

Where a GAN layer has more input channels than its pre-trained counterpart (the signal decoder's
first layer: 12 = 10 code + 2 image-code channels, against 10), the pre-trained kernel fills the
leading input slices and the new slices are zero, so the decoder computes exactly the pre-trained
function of its 10 code channels whatever the image code.
"""

import keras
import numpy as np

from calciumgan.core.errors import ConfigError


def _widened(source: np.ndarray, shape: tuple, channels: tuple | None, where: str) -> np.ndarray:
    """``source``, or ``source`` in the leading slice of zeros of ``shape`` when ``channels`` = (pre-trained, new)
    input channels, e.g. (10, 12), and the shapes differ only on that axis; otherwise a ``ConfigError``."""
    shape = tuple(shape)
    if source.shape == shape:
        return source
    differing = [axis for axis, (old, new) in enumerate(zip(source.shape, shape)) if old != new]
    widening = (channels is not None and channels[0] < channels[1] and source.ndim == len(shape)
                and len(differing) == 1 and (source.shape[differing[0]], shape[differing[0]]) == channels)  # fmt: skip
    if not widening:
        raise ConfigError(f"{where}: the pre-trained weight of shape {source.shape} does not fit shape {shape}")
    widened = np.zeros(shape, source.dtype)
    widened[tuple(slice(0, n) for n in source.shape)] = source
    return widened


def copy_submodel(source: keras.Model, target: keras.Model, name: str, widen_input: bool = False) -> None:
    """Copy sub-model ``name`` of ``source`` into sub-model ``name`` of ``target``, layer by layer.

    ``widen_input``: the layers reading the sub-model's input may have more input channels than the
    pre-trained ones (the extra slices are zeroed).
    """
    try:
        source_part, target_part = source.get_layer(name), target.get_layer(name)
    except ValueError:
        raise ConfigError(f"model '{source.name}' or '{target.name}' has no sub-model '{name}' to transfer") from None
    for layer in target_part.layers:
        if not layer.weights:
            continue
        where = f"{target.name}/{name}/{layer.name}"
        try:
            source_layer = source_part.get_layer(layer.name)
        except ValueError:
            raise ConfigError(f"{where}: the pre-trained '{source.name}' has no layer '{layer.name}'") from None
        if len(source_layer.weights) != len(layer.weights):
            raise ConfigError(f"{where}: {len(layer.weights)} weights, the pre-trained layer has "
                              f"{len(source_layer.weights)}")  # fmt: skip
        channels = None
        if widen_input and layer.input is target_part.input:
            channels = (source_layer.input.shape[-1], layer.input.shape[-1])
        for source_weight, target_weight in zip(source_layer.weights, layer.weights):
            value = keras.ops.convert_to_numpy(source_weight.value)
            target_weight.assign(_widened(value, target_weight.shape, channels, f"{where}/{target_weight.name}"))


def _has(model: keras.Model, name: str) -> bool:
    return any(layer.name == name for layer in model.layers)


def transfer_pretrained(generator, critic, signal_autoencoder, image_autoencoder=None) -> None:
    """Initialise ``generator`` and ``critic`` in place from the pre-trained autoencoders.

    ``image_autoencoder=None`` leaves the image encoders fresh (as does a model without one).
    """
    copy_submodel(signal_autoencoder, generator, "signal_decoder", widen_input=True)
    copy_submodel(signal_autoencoder, critic, "signal_encoder")
    if image_autoencoder is not None:
        for model in (generator, critic):
            if _has(model, "image_encoder"):
                copy_submodel(image_autoencoder, model, "image_encoder")
