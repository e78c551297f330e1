import os
import subprocess
import sys
import tempfile

import pytest

from calciumgan.core import backend_logs
from calciumgan.core.backend_logs import ABSL_PREAMBLE, filtered_descriptor_2, kept_lines

CAPTURED = "\n".join([
    ABSL_PREAMBLE,
    "I0000 00:00:1795537387.980662   27584 port.cc:153] oneDNN custom operations are on.",
    "I0000 00:00:1795537389.942569   27584 cpu_feature_guard.cc:227] This TensorFlow binary is optimized.",
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow.",
    "W0000 00:00:1795537390.000001   27584 some_file.cc:12] a warning",
    "E0000 00:00:1795537390.000002   27584 cuda_driver.cc:152] failed call to cuInit: UNKNOWN ERROR (303)",
    "E0000 00:00:1795537390.000003   27584 real_error.cc:9] something actually broke",
    "/site-packages/module.py:3: UserWarning: a Python warning",
    "To enable the following instructions: kept, its parent line was kept",
])  # fmt: skip


def test_level_2_keeps_real_errors_and_python_output_only():
    assert kept_lines(CAPTURED, 2) == [
        "E0000 00:00:1795537390.000003   27584 real_error.cc:9] something actually broke",
        "/site-packages/module.py:3: UserWarning: a Python warning",
        "To enable the following instructions: kept, its parent line was kept",
    ]


def test_level_0_keeps_everything_and_level_3_drops_every_absl_line():
    assert kept_lines(CAPTURED, 0) == CAPTURED.splitlines()
    assert kept_lines(CAPTURED, 3) == CAPTURED.splitlines()[-2:]
    assert kept_lines(CAPTURED, 1)[:2] == CAPTURED.splitlines()[4:6]  # warnings and errors, no info, no preamble


def test_descriptor_2_is_filtered_and_restored(capfd):
    with filtered_descriptor_2(2):
        os.write(2, f"{ABSL_PREAMBLE}\nreal line\n".encode())
    os.write(2, b"after the block\n")
    assert capfd.readouterr().err == "real line\nafter the block\n"


def test_descriptor_2_is_restored_when_the_block_raises(capfd):
    with pytest.raises(RuntimeError), filtered_descriptor_2(2):
        os.write(2, b"written before the failure\n")
        raise RuntimeError("import failed")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "written before the failure\nafter\n"


def test_descriptor_2_is_left_alone_without_a_temporary_file(capfd, monkeypatch):
    def full_disk(*args, **kwargs):
        raise FileNotFoundError(2, "No usable temporary directory found")

    monkeypatch.setattr(tempfile, "TemporaryFile", full_disk)
    with filtered_descriptor_2(2):
        os.write(2, f"{ABSL_PREAMBLE}\n".encode())
    assert capfd.readouterr().err == f"{ABSL_PREAMBLE}\n"


def test_a_full_disk_leaves_tensorflow_a_temporary_folder(monkeypatch):
    """Python's search for one writes a test file in each candidate; absl asks for it when TensorFlow imports."""

    def no_writable_candidate():
        raise FileNotFoundError(2, "No usable temporary directory found")

    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(tempfile, "gettempdir", no_writable_candidate)
    monkeypatch.setenv("TMPDIR", "/somewhere")
    backend_logs._skip_temporary_folder_probe()
    assert tempfile.tempdir == "/somewhere"


COMMAND = "from calciumgan.core.cli import run_command; run_command(lambda: __import__('keras') and None)"
NOTEBOOK = "import calciumgan.api, keras; keras.ops.ones(2)"  # the Python API, then a first operation


def _stderr(script: str, level: str | None) -> list[str]:
    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    if level is not None:
        environment["TF_CPP_MIN_LOG_LEVEL"] = level
    environment["KERAS_BACKEND"] = "tensorflow"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment, check=True)
    return result.stderr.splitlines()


@pytest.mark.slow  # a subprocess per case
@pytest.mark.parametrize("script", [COMMAND, NOTEBOOK], ids=["command-line-tool", "python-api"])
def test_tensorflow_starts_without_its_start_up_lines_unless_asked(script):
    pytest.importorskip("tensorflow")
    assert _stderr(script, None) == []
    assert ABSL_PREAMBLE in _stderr(script, "0")  # the user can still ask for everything
