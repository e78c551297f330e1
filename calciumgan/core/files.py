"""Atomic file writes: a crash or a full disk never leaves a half-written file under the real name.

Temporary files are named ``.partial-<pid>-<name>``; one whose process is gone was left by
a killed command and is removed by :func:`remove_stale_partials`. A write that fails raises
one ``OutputError`` naming the path, and leaves what was there before untouched.
"""

import contextlib
import io
import json
import logging
import os
import pathlib
import re

from calciumgan.core.errors import OutputError, RecordingError, RunError

logger = logging.getLogger(__name__)

HDF5_SUFFIXES = (".h5", ".hdf5")  # the file names the package reads and writes as HDF5
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


def read_json(path, remedy: str = ""):
    """The JSON value in ``path``; a one-line ``RunError`` naming it if it is missing, unreadable or not JSON,
    followed by ``remedy`` (what to do) where given. Callers check the value's structure themselves."""
    path = pathlib.Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        problem = _reason(error)
    except ValueError as error:  # invalid JSON, or bytes that are not UTF-8
        problem = f"damaged, not JSON ({error})"
    raise RunError(f"{path}: {problem}" + (f"; {remedy}" if remedy else "")) from None


@contextlib.contextmanager
def atomic_hdf5(path):
    """Yield an ``h5py.File`` open for writing on a temporary sibling of ``path``; rename it onto ``path``
    only once it is closed without a failed write and opens again read-only.

    HDF5 writes through a :class:`_FailureRecordingFile`, so a full disk never fails inside HDF5 (see
    there) and is raised here once the file is closed. The reopening checks what a file system may
    still have cut off silently. The body may close the file itself (pynwb's ``NWBHDF5IO`` does).
    """
    import h5py  # only the writers of HDF5 files pay for it

    with atomic_path(path) as temporary:
        with _FailureRecordingFile(temporary, "w+") as target:
            try:
                with h5py.File(target, "w") as file:
                    yield file
            finally:  # a failed write is the cause of whatever the body raised after it
                target.raise_failure()
        h5py.File(temporary, "r").close()


class _FailureRecordingFile(io.FileIO):
    """A binary file for h5py's "fileobj" driver whose failed writes are recorded and dropped, not raised.

    HDF5 (1.14) frees an object whose close fails yet keeps its id, and closes that id again when
    h5py collects the object (a dataset the body still holds, in the traceback) or the interpreter
    exits: the process dies of a segmentation fault after a write failed on a full disk. Through
    this file HDF5 never sees a write fail, so every object closes cleanly; :meth:`raise_failure`
    raises the first failure afterwards. After a failure the body still runs to its end, its later
    writes attempted and, where they fail too, dropped.
    """

    failure = None

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        with self._recorded():
            while view:  # write(2) may write part of a buffer before it fails
                view = view[os.write(self.fileno(), view) :]
        return len(data)

    def truncate(self, size=None):
        with self._recorded():
            return super().truncate(size)
        return size

    def raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure

    def __repr__(self) -> str:  # h5py names the file by its repr
        return str(self.name)

    @contextlib.contextmanager
    def _recorded(self):
        try:
            yield
        except OSError as error:
            self.failure = self.failure or error


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
    except OSError as error:
        raise RecordingError(f"{path}: not a readable HDF5 file ({error})") from None
