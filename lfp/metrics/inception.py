"""FID and Inception score of LFP windows rendered as images, as the thesis did with pytorch-fid (§2.8, §4.5).

Needs the Keras ImageNet Inception-v3 weights *with* the classifier top
(``inception_v3_weights_tf_dim_ordering_tf_kernels.h5``) as a local file: given as ``weights_path`` or in
the environment variable ``LFP_INCEPTION_WEIGHTS``. Nothing is downloaded. These are not pytorch-fid's
FID weights, so scores are comparable with each other, not with the thesis's Table 5.1.
"""

import functools
import os
import pathlib

import h5py
import keras
import numpy as np

from calciumgan.core.errors import ConfigError
from lfp.metrics.classifier import inception_score
from lfp.metrics.frechet import frechet_distance

WEIGHTS_VARIABLE = "LFP_INCEPTION_WEIGHTS"
IMAGE_SIZE = 299


def inception_available(weights_path=None):
    """(True, path description) if Inception-v3 weights were given and can be used; (False, one-line
    reason) if none were given.

    ``weights_path`` falls back to the environment variable ``LFP_INCEPTION_WEIGHTS``. Weights that
    were given but cannot be used (no such file, not a ``.h5`` file, not HDF5) are a ``ConfigError``
    naming the file: the user asked for FID / IS, so they are not skipped quietly.
    """
    path = weights_path or os.environ.get(WEIGHTS_VARIABLE)
    if not path:
        return False, (f"no Inception-v3 weights: pass a weights path or set {WEIGHTS_VARIABLE} to a local "
                       "inception_v3_weights_tf_dim_ordering_tf_kernels.h5 (nothing is downloaded)")  # fmt: skip
    path = pathlib.Path(path)
    if not path.is_file():
        problem = "is a directory" if path.is_dir() else "no such file"
    elif path.suffix != ".h5":
        problem = "expected a Keras .h5 weights file"
    elif not h5py.is_hdf5(path):
        problem = "not an HDF5 file (damaged or not Keras weights)"
    else:
        return True, f"Inception-v3 weights {path}"
    raise ConfigError(f"Inception-v3 weights {path}: {problem}; give inception_v3_weights_tf_dim_ordering_tf_"
                      f"kernels.h5 or leave --inception-weights and {WEIGHTS_VARIABLE} unset to skip FID / IS")  # fmt: skip


def render_windows(windows, image_size: int = IMAGE_SIZE) -> np.ndarray:
    """(n, time, channels) LFP windows as (n, image_size, image_size, 3) float32 images in [0, 1].

    Channels run down the height and time along the width; each window is min-max scaled on its own
    (a constant window becomes 0), resized bilinearly and repeated over three colour channels.
    """
    windows = np.asarray(windows, dtype=np.float32)
    if windows.ndim != 3:
        raise ValueError(f"windows have shape {windows.shape}; expected (samples, time, channels)")
    images = np.transpose(windows, (0, 2, 1))
    low = images.min(axis=(1, 2), keepdims=True)
    span = images.max(axis=(1, 2), keepdims=True) - low
    scaled = np.divide(images - low, span, out=np.zeros_like(images), where=span > 0)
    resized = keras.ops.image.resize(scaled[..., None], (image_size, image_size), interpolation="bilinear")
    return np.repeat(keras.ops.convert_to_numpy(resized), 3, axis=-1)


def inception_metrics(real, fake, weights_path=None, batch_size: int = 50, splits: int = 1) -> dict:
    """FID between (n, time, channels) ``real`` and ``fake`` windows, and the Inception score of ``fake``.

    FID uses the 2048 pool features, the score the 1000 ImageNet class probabilities. Returns
    {"fid": float, "inception_score": float, "inception_score_std": float (over ``splits``)}.
    """
    real_features, _ = inception_features(real, weights_path, batch_size)
    fake_features, fake_probabilities = inception_features(fake, weights_path, batch_size)
    score, spread = inception_score(fake_probabilities, splits)
    return {"fid": frechet_distance(real_features, fake_features), "inception_score": score,
            "inception_score_std": spread}  # fmt: skip


def inception_features(windows, weights_path=None, batch_size: int = 50):
    """Pool features (n, 2048) and ImageNet class probabilities (n, 1000), float64, of (n, time, channels)
    windows rendered by :func:`render_windows`. Compute a reference set's once to score many candidates
    with :func:`~lfp.metrics.frechet.frechet_distance`. A ``ConfigError`` if the weights are missing."""
    available, reason = inception_available(weights_path)
    if not available:
        raise ConfigError(reason)
    network = _inception_network(str(weights_path or os.environ[WEIGHTS_VARIABLE]))
    windows = np.asarray(windows)
    features, logits = [], []
    for start in range(0, len(windows), batch_size):
        images = render_windows(windows[start : start + batch_size]) * 2.0 - 1.0  # Inception's [-1, 1] input
        batch_features, batch_logits = network(images, training=False)
        features.append(keras.ops.convert_to_numpy(batch_features).astype(np.float64))
        logits.append(keras.ops.convert_to_numpy(batch_logits).astype(np.float64))
    logits = np.concatenate(logits)
    exponentials = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.concatenate(features), exponentials / exponentials.sum(axis=1, keepdims=True)


@functools.lru_cache(maxsize=1)
def _inception_network(weights_path: str) -> keras.Model:
    """Inception-v3 with ``weights_path`` loaded, built once per path; outputs pool features (n, 2048)
    and logits (n, 1000)."""
    base = keras.applications.InceptionV3(include_top=True, weights=weights_path, classifier_activation=None)
    return keras.Model(base.input, [base.get_layer("avg_pool").output, base.output], name="inception_features")
