"""Atomic file writes: a crash never leaves a half-written file under the real name."""

import contextlib
import os
import pathlib


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary sibling of ``path``; rename it onto ``path`` only on success.

    The temporary name ends with the real name, so suffixes that h5py and Keras
    check (".h5", ".weights.h5", ".keras") still match; it is removed if the body
    raises.
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".partial-{os.getpid()}-{path.name}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
