"""The response model of Walker et al. 2019: a three-block CNN core (``Stacked2dCore``) and the pyramid readout.

Images are (batch, height, width, 1) greyscale in [0, 1]; the model returns (batch, neurons)
predicted spike counts per trial (> 0). It is a Keras functional model, so an MEI optimiser can
call ``model(images)`` and differentiate the output with respect to the images.

Core (the PyTorch original's ``Stacked2dCore``, with average pooling after the first block),
``layers`` blocks of convolution -> average pooling -> batch normalisation -> ELU:

- block 0: ``input_kernel`` x ``input_kernel`` convolution 1 -> ``hidden_channels`` with zero
  padding ``input_kernel // 2`` (k = 4, pad 2: 60 x 96 -> 61 x 97), then ``pooling`` x
  ``pooling`` average pooling (-> 30 x 48);
- blocks 1 ...: ``hidden_kernel`` convolutions (odd, size-preserving padding), no pooling;
- every convolution has no bias and Keras's ``GlorotNormal`` initialiser (the original's Xavier-normal
  variance, from a truncated normal); batch normalisation with Keras momentum 0.9 and epsilon 1e-5
  (PyTorch's momentum 0.1 and default epsilon);
- the outputs of all blocks are concatenated: (30, 48, 192) for 60 x 96 images and 64 channels;
- penalties: ``LaplaceL2(gamma_input)`` on block 0's kernel, ``GroupSparsity(gamma_hidden / (layers - 1))``
  on each hidden kernel (``exciting_inputs.models.regularizers``); Keras adds them to the loss in ``fit``.

Trainable parameters: k^2 C + (layers - 1) 9 C^2 + 2 C layers in the core (75,136 for k = 4, C = 64
and 3 layers) plus 771 per neuron in the readout; 75,907 for a single neuron (``outdims=1``).
"""

import keras

from calciumgan.core.errors import ConfigError
from exciting_inputs.models.readout import PyramidReadout
from exciting_inputs.models.regularizers import GroupSparsity, LaplaceL2

BATCH_NORM = {"momentum": 0.9, "epsilon": 1e-5}  # PyTorch's BatchNorm2d(momentum=0.1), eps 1e-5


def build_core(image_shape=(60, 96), *, hidden_channels: int = 64, layers: int = 3, input_kernel: int = 4,
               hidden_kernel: int = 3, pooling: int = 2, gamma_input: float = 0.1,
               gamma_hidden: float = 0.1) -> keras.Model:  # fmt: skip
    """(batch, height, width, 1) images -> (batch, height', width', layers * hidden_channels) features."""
    if hidden_kernel % 2 == 0 or layers < 1 or min(hidden_channels, input_kernel, pooling) < 1:
        raise ConfigError(f"core: hidden_kernel {hidden_kernel} must be odd, and layers {layers}, hidden_channels "
                          f"{hidden_channels}, input_kernel {input_kernel}, pooling {pooling} positive")  # fmt: skip
    height, width = image_shape
    size = ((height + 2 * (input_kernel // 2) - input_kernel + 1) // pooling,
            (width + 2 * (input_kernel // 2) - input_kernel + 1) // pooling)  # fmt: skip
    if min(size) < 1:
        raise ConfigError(f"core: images of {height} x {width} are too small for the input kernel and pooling")
    images = keras.Input((height, width, 1), name="images")
    padded = keras.layers.ZeroPadding2D(input_kernel // 2, name="pad0")(images)
    features = _block(padded, 0, hidden_channels, input_kernel, "valid", LaplaceL2(gamma_input), pooling)
    outputs = [features]
    for index in range(1, layers):
        penalty = GroupSparsity(gamma_hidden / (layers - 1))
        features = _block(features, index, hidden_channels, hidden_kernel, "same", penalty, 1)
        outputs.append(features)
    joined = keras.layers.Concatenate(name="concatenate")(outputs) if layers > 1 else features
    return keras.Model(images, joined, name="core")


def _block(inputs, index: int, channels: int, kernel: int, padding: str, penalty, pooling: int):
    x = keras.layers.Conv2D(channels, kernel, padding=padding, use_bias=False, kernel_initializer="glorot_normal",
                            kernel_regularizer=penalty, name=f"conv{index}")(inputs)  # fmt: skip
    if pooling > 1:
        x = keras.layers.AveragePooling2D(pooling, name=f"pool{index}")(x)
    x = keras.layers.BatchNormalization(**BATCH_NORM, name=f"norm{index}")(x)
    return keras.layers.ELU(name=f"elu{index}")(x)


def build_response_model(image_shape=(60, 96), neurons: int = 1, *, pyramid_scales: int = 3,
                         init_range: float = 0.1, **core_arguments) -> keras.Model:  # fmt: skip
    """(batch, height, width, 1) images in [0, 1] -> (batch, neurons) positive predicted counts per trial.

    ``core_arguments``: those of :func:`build_core`. The readout is ``PyramidReadout`` (``pyramid_scales``
    band-pass levels plus the low-pass rest, locations initialised in +-``init_range``).
    """
    if neurons < 1:
        raise ConfigError(f"response model: neurons must be at least 1, got {neurons}")
    core = build_core(image_shape, **core_arguments)
    images = keras.Input((*image_shape, 1), name="images")
    readout = PyramidReadout(neurons, scales=pyramid_scales, init_range=init_range, name="readout")
    return keras.Model(images, readout(core(images)), name="response_model")
