"""Keep TensorFlow's C++ start-up lines out of the command-line tools' logs.

Importing TensorFlow writes a dozen lines straight to file descriptor 2 through absl's C++
logger (oneDNN, CUDA drivers, CPU instructions), and recent versions ignore
``TF_CPP_MIN_LOG_LEVEL`` for them because they are written before absl is initialised. The
command-line tools therefore import TensorFlow, and query its devices once, with descriptor 2
redirected to a temporary file, then replay what was written, minus the lines below
``TF_CPP_MIN_LOG_LEVEL`` (2, errors only, unless the user set it: ``TF_CPP_MIN_LOG_LEVEL=0``
shows everything) and a short list of known-harmless errors (no CUDA driver on a CPU machine,
CUDA factories registered twice). Python-level output of the import (warnings) is replayed
unchanged. Lines TensorFlow logs later, while it works, are not touched.
"""

import contextlib
import functools
import os
import re
import sys
import tempfile

from calciumgan.core.imports import around_first_import

DEFAULT_LEVEL = "2"  # TensorFlow's own scale: 0 everything, 1 no info, 2 no warnings, 3 no errors
ABSL_PREAMBLE = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"
ABSL_LINE = re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [^\]]+\] ")
SEVERITY = {"I": 0, "W": 1, "E": 2, "F": 3}
HARMLESS_ERRORS = (
    "failed call to cuInit",
    "Unable to register cuDNN factory",
    "Unable to register cuFFT factory",
    "Unable to register cuBLAS factory",
    "computation placer already registered",
)
CONTINUATION = "To enable the following instructions:"  # the second line of the CPU-instructions message


def kept_lines(text: str, level: int) -> list[str]:
    """The lines of captured ``text`` worth showing at ``TF_CPP_MIN_LOG_LEVEL`` = ``level``."""
    kept, dropped_previous = [], False
    for line in text.splitlines():
        match = ABSL_LINE.match(line)
        if match:
            dropped = SEVERITY[match.group(1)] < level or (level >= 2 and any(s in line for s in HARMLESS_ERRORS))
        elif line == ABSL_PREAMBLE:
            dropped = level >= 1
        else:
            dropped = dropped_previous and line.startswith(CONTINUATION)
        if not dropped:
            kept.append(line)
        dropped_previous = dropped
    return kept


@contextlib.contextmanager
def filtered_descriptor_2(level: int):
    """Capture everything written to file descriptor 2 inside the block; replay ``kept_lines`` after it.

    Without a writable temporary folder (a full disk) nothing is filtered: the command goes on, to
    report what it cannot write.
    """
    sys.stderr.flush()
    try:
        capture = tempfile.TemporaryFile(mode="w+b")
    except OSError:
        capture = None
    if capture is None:
        yield
        return
    saved = os.dup(2)
    with capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = kept_lines(capture.read().decode(errors="replace"), level)
            if lines:
                print("\n".join(lines), file=sys.stderr, flush=True)


@contextlib.contextmanager
def _filtered_tensorflow_start(level: int):
    """Filter the import of TensorFlow and its first device query (which logs a failed ``cuInit`` without a GPU)."""
    _skip_temporary_folder_probe()
    with filtered_descriptor_2(level):
        yield
        sys.modules["tensorflow"].config.list_physical_devices()


def _skip_temporary_folder_probe() -> None:
    """Let TensorFlow import on a full disk, to report it: absl asks for the temporary folder at import,
    and Python finds it by writing a test file in each candidate, which fails there. The first
    POSIX candidate is taken unprobed instead; a file made in it fails later, where it is used.
    """
    try:
        tempfile.gettempdir()
    except FileNotFoundError:  # "No usable temporary directory found"
        tempfile.tempdir = os.environ.get("TMPDIR") or "/tmp"


def quiet_tensorflow_start() -> None:
    """Filter TensorFlow's start-up lines when it is first imported (a no-op if it already is)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", DEFAULT_LEVEL)
    try:
        level = int(os.environ["TF_CPP_MIN_LOG_LEVEL"])
    except ValueError:
        level = int(DEFAULT_LEVEL)
    around_first_import("tensorflow", functools.partial(_filtered_tensorflow_start, level))
