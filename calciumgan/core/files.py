"""Atomic file writes: a crash never leaves a half-written file under the real name.

Temporary files are named ``.partial-<pid>-<name>``; one whose process is gone was left by
a killed command and is removed by :func:`remove_stale_partials`.
"""

import contextlib
import logging
import os
import pathlib
import re

from calciumgan.core.errors import OutputError, RecordingError

logger = logging.getLogger(__name__)

PARTIAL_NAME = re.compile(r"\.partial-(\d+)-(.+)$")


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


def remove_stale_partials(folder) -> list:
    """Delete the temporary files in ``folder`` whose writing process no longer runs; return their paths."""
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    for path in folder.iterdir():
        match = PARTIAL_NAME.match(path.name)
        if match and path.is_file() and not _process_exists(int(match.group(1))):
            path.unlink()
            removed.append(path)
    if removed:
        logger.info("removed %d temporary file(s) left by a killed process in %s", len(removed), folder)
    return removed


def _process_exists(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def check_output_file(path, suffixes: tuple, overwrite: bool = False, argument: str = "--out") -> pathlib.Path:
    """``path`` as a Path if a command may write a file there; a one-line ``OutputError`` otherwise.

    The file must end with one of ``suffixes``, must not be a folder, and must not exist
    unless ``overwrite``; nothing is created here.
    """
    path = pathlib.Path(path)
    if path.suffix not in suffixes:
        raise OutputError(f"{argument} {path}: must end with {' or '.join(suffixes)}")
    if path.is_dir():
        raise OutputError(f"{argument} {path}: is a folder; give a file name ending with {' or '.join(suffixes)}")
    if path.exists() and not overwrite:
        raise OutputError(f"{argument} {path}: already exists; choose another name or pass --overwrite")
    _check_ancestors(path, argument)
    return path


def check_output_folder(path, argument: str = "--out") -> pathlib.Path:
    """``path`` as a Path if a command may write files into it (a folder, or nothing yet); nothing is created."""
    path = pathlib.Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{argument} {path}: is a file, not a folder")
    _check_ancestors(path, argument)
    return path


def _check_ancestors(path: pathlib.Path, argument: str) -> None:
    """An ``OutputError`` if the nearest existing folder above ``path`` is a file."""
    existing = next((parent for parent in path.parents if parent.exists()), None)
    if existing is not None and not existing.is_dir():
        raise OutputError(f"{argument} {path}: {existing} is a file, not a folder")


def open_hdf5(path):
    """``path`` opened read-only as an ``h5py.File``; a one-line ``RecordingError`` if it is missing or not HDF5."""
    import h5py  # only the readers of HDF5 files pay for it

    path = pathlib.Path(path)
    if not path.is_file():
        raise RecordingError(f"{path}: no such file")
    try:
        return h5py.File(path, "r")
    except OSError:
        raise RecordingError(f"{path}: not an HDF5 file") from None
