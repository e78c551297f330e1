"""Keras layers that register themselves: the modules that define a package's serializable layers are
imported together with Keras, whichever of the two is imported first, so that
``keras.saving.load_model`` finds the layers of any ``.keras`` file of ``calciumgan``, ``lfp`` or
``exciting_inputs`` once that package is imported."""

import contextlib
import importlib
import sys

from calciumgan.core.imports import around_first_import

_LAYER_MODULES = []


def _register_layers():
    for name in _LAYER_MODULES:
        importlib.import_module(name)


@contextlib.contextmanager
def _then_register_layers():
    yield
    _register_layers()


def register_layer_modules(*names: str) -> None:
    """Have the modules ``names`` (which define serializable Keras layers) imported with Keras: now, if
    Keras is loaded already, else right after it is."""
    _LAYER_MODULES.extend(name for name in names if name not in _LAYER_MODULES)
    if "keras" in sys.modules:
        _register_layers()
    else:
        around_first_import("keras", _then_register_layers)
