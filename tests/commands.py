"""Run a command-line tool inside the test process, as ``python -m module ...`` would run it.

Saves a Python start and a TensorFlow import per call. The ``python -m`` entry points themselves
are run in subprocesses by a few tests per tool (``--help``, one end-to-end run).
"""

import contextlib
import importlib
import io
import logging
import subprocess


def run_module(module: str, *arguments) -> subprocess.CompletedProcess:
    """``main(arguments)`` of ``module``: exit code, stdout and stderr (log lines included), like ``subprocess.run``."""
    out, err = io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    argv = [str(argument) for argument in arguments]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = importlib.import_module(module).main(argv)
            except SystemExit as exit:  # argparse's --help and usage errors
                code = exit.code
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    return subprocess.CompletedProcess([module, *argv], code, out.getvalue(), err.getvalue())
