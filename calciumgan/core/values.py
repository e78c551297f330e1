"""Checks of values that every reader shares: a sampling rate, and arrays of real numbers."""

import numpy as np

from calciumgan.core.errors import RecordingError


def checked_sampling_rate(value, source: str) -> float:
    """``value`` as a positive finite number of Hz, or a one-line ``RecordingError`` naming ``source``."""
    array = np.asarray(value)
    if array.size != 1 or not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
        raise RecordingError(f"{source}: 'sampling_rate' must be one number (Hz), got {array.dtype} {array.shape}")
    rate = float(array.reshape(()))
    if not np.isfinite(rate) or rate <= 0:
        raise RecordingError(f"{source}: 'sampling_rate' must be a positive number of Hz, got {rate}")
    return rate


def check_real_numbers(dtype: np.dtype, name: str, source: str) -> None:
    """A one-line ``RecordingError`` unless ``dtype`` holds real numbers (or booleans)."""
    if np.issubdtype(dtype, np.complexfloating):
        raise RecordingError(f"{source}: '{name}' holds complex numbers ({dtype}); give real-valued traces")
    if not (np.issubdtype(dtype, np.number) or dtype.kind == "b"):
        raise RecordingError(f"{source}: '{name}' has non-numeric dtype {dtype}; expected real numbers")
