"""Model variants by name: a generator builder and a critic builder with keyword arguments.

``build_models`` passes each builder the keys of a model config that it names, so a variant
declares what it needs in its signature and nothing else. Later variants (2D, FFT, output
heads) join ``VARIANTS``.
"""

import dataclasses
import inspect
from typing import Callable

from calciumgan.models import wavegan


@dataclasses.dataclass(frozen=True)
class ModelVariant:
    build_generator: Callable  # (**arguments) -> keras.Model, noise (batch, noise_dim) -> samples
    build_critic: Callable  # (**arguments) -> keras.Model, samples -> scores (batch, 1)


VARIANTS = {
    "wavegan": ModelVariant(wavegan.build_generator, wavegan.build_critic),
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
