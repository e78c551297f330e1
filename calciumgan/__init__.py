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
them in a ``.keras`` file of this package without any further import. TensorFlow, when it is
imported after this package, starts without its C++ start-up lines (``core.backend_logs``;
``TF_CPP_MIN_LOG_LEVEL=0`` shows them), in the tools, in notebooks and in worker processes alike.
"""

import importlib

from calciumgan.core import __version__
from calciumgan.core.backend_logs import quiet_tensorflow_start
from calciumgan.core.layer_registry import register_layer_modules

__all__ = ["evaluate_arrays", "load_run", "__version__"]


def __getattr__(name):
    if name in ("load_run", "evaluate_arrays"):
        return getattr(importlib.import_module("calciumgan.api"), name)
    raise AttributeError(f"module 'calciumgan' has no attribute '{name}'")


register_layer_modules("calciumgan.models.layers", "calciumgan.models.convolution", "calciumgan.models.heads",
                       "calciumgan.models.spectral", "calciumgan.models.spectral_normalization")
quiet_tensorflow_start()
