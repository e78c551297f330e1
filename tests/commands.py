"""Run a command-line tool inside the test process, as ``python -m module ...`` would run it.

Saves a Python start and a TensorFlow import per call. The ``python -m`` entry points themselves
are run in subprocesses by a few tests per tool (``--help``, one end-to-end run).
"""

import contextlib
import importlib
import io
import logging
import subprocess
import warnings


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


@contextlib.contextmanager
def functions_run_eagerly():
    """Under TensorFlow, TensorFlow functions run eagerly inside the block; nothing changes under JAX.

    A tiny end-to-end run takes a few steps, and tracing a GAN's training step costs more than running them
    eagerly (the tiny LFP pipeline, pretrain to evaluate: 109 s traced, 41 s eagerly). The traced steps have
    tests of their own.
    """
    import keras

    if keras.backend.backend() != "tensorflow":
        yield
        return
    import tensorflow as tf

    tf.config.run_functions_eagerly(True)
    try:
        with warnings.catch_warnings():  # that tf.data's functions stay traced
            warnings.filterwarnings("ignore", "Even though the `tf.config.experimental_run_functions_eagerly`")
            yield
    finally:
        tf.config.run_functions_eagerly(False)
