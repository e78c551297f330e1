"""CalciumGAN: synthesise realistic neural recordings with GANs, and measure how realistic they are.

Subpackages, in data-flow order (``ARCHITECTURE.md`` draws the stages):

- ``core``        generic helpers: errors, atomic files, config schemas, CLI runner, progress
- ``data``        recordings, the dichotomized-Gaussian surrogate, split and scaling, windows
- ``models``      custom layers, the WaveGAN-style builders, a registry of variants
- ``training``    the generic GAN engine: model, losses, penalties, TensorFlow and JAX steps,
                  training loop, checkpoints, run folder
- ``evaluation``  spike inference, statistics, divergences, baselines, memorisation, report

The command-line tools are ``calciumgan.train``, ``.generate``, ``.evaluate`` and ``.prepare``.
For notebooks: ``calciumgan.load_run(folder)`` and ``calciumgan.evaluate_arrays(real, synthetic,
sampling_rate)`` (see ``calciumgan.api``).

Importing the package is light (no backend is loaded). Its Keras layers register themselves as
soon as Keras is imported, before or after this package, so ``keras.saving.load_model`` finds
them in a ``.keras`` file of this package without any further import.
"""

import contextlib
import importlib
import sys

from calciumgan.core import __version__
from calciumgan.core.imports import around_first_import

__all__ = ["evaluate_arrays", "load_run", "__version__"]

_LAYER_MODULES = [
    "calciumgan.models.layers",
    "calciumgan.models.convolution",
    "calciumgan.models.heads",
    "calciumgan.models.spectral",
]


def __getattr__(name):
    if name in ("load_run", "evaluate_arrays"):
        return getattr(importlib.import_module("calciumgan.api"), name)
    raise AttributeError(f"module 'calciumgan' has no attribute '{name}'")


def _register_layers():
    for name in _LAYER_MODULES:
        importlib.import_module(name)


@contextlib.contextmanager
def _then_register_layers():
    yield
    _register_layers()


def register_layer_modules(*names: str) -> None:
    """Have the modules ``names`` (which define serializable Keras layers) imported with Keras: now, if
    Keras is loaded already, else right after it is (another package's layers, e.g. ``lfp``'s)."""
    _LAYER_MODULES.extend(name for name in names if name not in _LAYER_MODULES)
    if "keras" in sys.modules:
        _register_layers()
    else:
        around_first_import("keras", _then_register_layers)


register_layer_modules()
