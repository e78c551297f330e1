"""Atomic file writes: a crash or a full disk never leaves a half-written file under the real name.

Temporary files are named ``.partial-<pid>-<name>``; one whose process is gone was left by
a killed command and is removed by :func:`remove_stale_partials`. A write that fails raises
one ``OutputError`` naming the path, and leaves what was there before untouched.
"""

import contextlib
import json
import logging
import os
import pathlib
import re

from calciumgan.core.errors import OutputError, RecordingError

logger = logging.getLogger(__name__)

PARTIAL_NAME = re.compile(r"\.partial-(\d+)-(.+)$")


@contextlib.contextmanager
def atomic_paths(*paths):
    """Yield a list of temporary siblings of ``paths``; rename them onto ``paths`` only when the body succeeds.

    Every temporary is written and synced to disk before the first rename, so files that belong
    together land together. The temporary names end with the real names, so suffixes that h5py and
    Keras check (".h5", ".weights.h5", ".keras") still match. An ``OSError`` (a full disk) becomes an
    ``OutputError`` naming the paths; the temporaries are removed whatever happens.
    """
    paths = [pathlib.Path(path) for path in paths]
    temporaries = [path.with_name(f".partial-{os.getpid()}-{path.name}") for path in paths]
    try:
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
        yield temporaries
        for temporary in temporaries:
            _sync(temporary)
        for temporary, path in zip(temporaries, paths):
            os.replace(temporary, path)
    except OSError as error:
        raise OutputError(f"{' and '.join(map(str, paths))}: not written ({_reason(error)})") from error
    finally:
        for temporary in temporaries:
            if temporary.exists():
                temporary.unlink()


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary sibling of ``path``; rename it onto ``path`` only on success (see :func:`atomic_paths`)."""
    with atomic_paths(path) as (temporary,):
        yield temporary


def write_texts_atomic(texts: dict) -> list:
    """Write each ``{path: text}`` as UTF-8; no path changes unless every text was written. Returns the paths."""
    with atomic_paths(*texts) as temporaries:
        for temporary, text in zip(temporaries, texts.values()):
            temporary.write_text(text, encoding="utf-8")
    return [pathlib.Path(path) for path in texts]


def write_text_atomic(path, text: str) -> pathlib.Path:
    """Write ``text`` to ``path`` as UTF-8, atomically; returns ``path`` as a Path."""
    return write_texts_atomic({path: text})[0]


def write_json_atomic(path, value, indent: int | None = 1) -> pathlib.Path:
    """Write ``value`` as JSON to ``path``, atomically; returns ``path`` as a Path."""
    return write_text_atomic(path, json.dumps(value, indent=indent))


@contextlib.contextmanager
def atomic_hdf5(path):
    """Yield an ``h5py.File`` open for writing on a temporary sibling of ``path``; rename it onto ``path``
    only once it is flushed, closed, and opens again read-only.

    h5py reports a write that fails at close only as "Exception ignored" when the file is collected,
    so the file is flushed and closed here, where failures raise, and then reopened: HDF5 refuses a
    file shorter than its superblock says, as one cut off by a full disk is. The body may close the
    file itself (pynwb's ``NWBHDF5IO`` does).
    """
    import h5py  # only the writers of HDF5 files pay for it

    with atomic_path(path) as temporary, _system_errors():
        file = h5py.File(temporary, "w")
        try:
            yield file
            if file:  # still open
                file.flush()
        except BaseException:
            with contextlib.suppress(Exception):  # the first error is the one to report
                file.close()
            raise
        file.close()
        h5py.File(temporary, "r").close()


@contextlib.contextmanager
def _system_errors():
    """Turn h5py's ``RuntimeError`` for a failed system call ("errno = 28") into an ``OSError`` of that number."""
    try:
        yield
    except RuntimeError as error:
        number = re.search(r"errno = (\d+)", str(error))
        if number is None:
            raise
        raise OSError(int(number.group(1)), str(error)) from error


def _sync(path: pathlib.Path) -> None:
    """Make the operating system write ``path``'s data to disk (where a full disk may still show)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _reason(error: OSError) -> str:
    """One line: the system's words for the error number, else the first line of the message."""
    if error.errno:
        return os.strerror(error.errno)
    return (str(error).splitlines() or [type(error).__name__])[0]


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
