"""``python -m module ...`` in a child forked from a server that has already imported Keras and its backend.

Importing TensorFlow takes about 9 s of CPU; a test that runs a tool as a process of its own (to kill it, or to
limit the size of the files it writes) pays it once per process. Here the children are forked from one server per
test process (``multiprocessing``'s forkserver, which imports ``keras`` once and never runs an operation, so that
forking is safe), and each child runs the module as ``python -m`` would: ``runpy`` executes it as ``__main__``
with ``sys.argv`` set, in its own working folder and environment, and it exits with the code, or dies by the
signal, that the tool's own process would. Its stdout and stderr are named pipes read by this process, not files,
so that a limit on the size of the files the child writes leaves them be.
"""

import contextlib
import multiprocessing
import os
import pathlib
import runpy
import signal
import sys
import tempfile
import threading
import time
import traceback

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["keras"])  # imports the backend chosen by KERAS_BACKEND, as the tools do


def _child(module, argv, cwd, environment, out, err, file_size_limit, new_session):  # runs in the forked child
    if new_session:
        os.setsid()
    os.chdir(cwd)
    os.environ.update(environment)
    for stream, path in ((1, out), (2, err)):
        os.dup2(os.open(path, os.O_WRONLY), stream)
    if file_size_limit is not None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of the signal killing
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    sys.argv = [module, *argv]
    code = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        if exit.code is None or isinstance(exit.code, int):
            code = exit.code or 0
        else:
            print(exit.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


class _PipeReader(threading.Thread):
    """Reads a named pipe to its end: the text a child writes into it."""

    def __init__(self, path: pathlib.Path):
        super().__init__(daemon=True)
        self.path, self.data = path, b""
        os.mkfifo(path)
        self.start()

    def run(self):
        with open(self.path, "rb") as pipe:  # blocks until the child opens it
            self.data = pipe.read()

    def text(self) -> str:
        if self.is_alive():  # a child killed before it opened the pipe: stand in for it, so the read ends
            with contextlib.suppress(OSError):
                os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
        self.join()
        return self.data.decode(errors="replace")


class ForkedModule:
    """A running ``python -m module argv``: ``poll``, ``wait``, ``send_signal`` and ``returncode`` as in
    ``subprocess.Popen`` (negative: killed by that signal); ``stdout`` and ``stderr`` once it has ended.
    ``new_session``: the child leads a process group of its own, as ``Popen(start_new_session=True)``."""

    def __init__(self, module, argv, cwd=None, environment=None, file_size_limit=None, new_session=False):
        self._folder = tempfile.TemporaryDirectory(prefix="forked-")
        self._out, self._err = (_PipeReader(pathlib.Path(self._folder.name) / name) for name in ("stdout", "stderr"))
        arguments = (module, [str(argument) for argument in argv], str(cwd or os.getcwd()), dict(environment or {}),
                     str(self._out.path), str(self._err.path), file_size_limit, new_session)  # fmt: skip
        self._process = _CONTEXT.Process(target=_child, args=arguments)  # not daemonic: a tool may start workers
        self._process.start()
        while new_session and os.getpgid(self.pid) != self.pid and self.poll() is None:
            time.sleep(0.001)  # until the child leads its group, so that the group can be signalled

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def returncode(self):
        return self._process.exitcode

    def poll(self):
        return self._process.exitcode

    def wait(self, timeout=None):
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise TimeoutError(f"forked {self._process.name} still running after {timeout} s")
        return self._process.exitcode

    def send_signal(self, number):
        os.kill(self._process.pid, number)

    @property
    def stdout(self) -> str:
        return self._out.text()

    @property
    def stderr(self) -> str:
        return self._err.text()


def run_forked(module, *argv, timeout=300, **options) -> ForkedModule:
    """Run ``python -m module argv`` to the end in a forked child (options: ``cwd``, ``environment``,
    ``file_size_limit`` in bytes); returns it, with its ``returncode``, ``stdout`` and ``stderr``."""
    child = ForkedModule(module, argv, **options)
    child.wait(timeout)
    return child
