"""The LFP GAN's networks (thesis Tables 4.1-4.4, Fig. 4.1) as Keras functional models.

Signals are (batch, 313, 22) channels-last windows, codes (batch, 115, channels), images
(batch, height, width, 1) in [0, 1]. ``tables`` holds the layer tables as data, ``autoencoders``
the signal and image autoencoders, ``networks`` the random-input and combination nets and the
generator and critic, ``transfer`` the initialisation of the GAN from the autoencoders.
"""

from lfp.models.autoencoders import (
    build_image_autoencoder,
    build_image_decoder,
    build_image_encoder,
    build_signal_autoencoder,
    build_signal_decoder,
    build_signal_encoder,
    image_code_shape,
    signal_code_shape,
)
from lfp.models.layers import WindowStandardization
from lfp.models.networks import build_combination_net, build_critic, build_generator, build_random_input_net
from lfp.models.transfer import transfer_pretrained

__all__ = [
    "WindowStandardization",
    "build_combination_net",
    "build_critic",
    "build_generator",
    "build_image_autoencoder",
    "build_image_decoder",
    "build_image_encoder",
    "build_random_input_net",
    "build_signal_autoencoder",
    "build_signal_decoder",
    "build_signal_encoder",
    "image_code_shape",
    "signal_code_shape",
    "transfer_pretrained",
]
