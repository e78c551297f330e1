"""Model variants by name: a generator builder and a critic builder with keyword arguments.

``build_models`` passes each builder the keys of a model config that it names, so a variant
declares what it needs in its signature and nothing else. Output heads and upsampling are
options of every time-domain variant (``calciumgan.models.heads``), not variants.
"""

import dataclasses
import functools
import inspect
from typing import Callable

from calciumgan.models import wavegan, wavegan2d


@dataclasses.dataclass(frozen=True)
class ModelVariant:
    build_generator: Callable  # (**arguments) -> keras.Model, noise (batch, noise_dim) -> samples
    build_critic: Callable  # (**arguments) -> keras.Model, samples -> scores (batch, 1)


# Names as in calciumgan.models.shapes.VARIANT_NAMES, which configs check against without Keras.
VARIANTS = {
    "wavegan": ModelVariant(wavegan.build_generator, wavegan.build_critic),  # CalciumGAN, Table 3.1
    "wavegan2d": ModelVariant(wavegan2d.build_generator, wavegan2d.build_critic),  # CalciumGAN-2D, Table A.2
    "wavegan2d_fft": ModelVariant(  # CalciumGAN-2D FFT, §3.2.2
        functools.partial(wavegan2d.build_generator, frequency_domain=True),
        functools.partial(wavegan2d.build_critic, frequency_domain=True),
    ),
}


def build_models(variant: str, arguments: dict, dtype=None):
    """(generator, critic) of ``variant``, each given the entries of ``arguments`` it accepts."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown model variant '{variant}' (known: {', '.join(VARIANTS)})")
    chosen = VARIANTS[variant]
    return tuple(
        builder(**_accepted(builder, arguments), dtype=dtype) for builder in (chosen.build_generator, chosen.build_critic)
    )


def _accepted(builder: Callable, arguments: dict) -> dict:
    names = inspect.signature(builder).parameters
    return {name: value for name, value in arguments.items() if name in names and name != "dtype"}
