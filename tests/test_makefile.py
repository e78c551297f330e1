"""The Makefile's test lanes and installs, read from ``make -n`` (what make would run, run nothing)."""

import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _planned(*targets) -> list[str]:
    """The commands ``make -B`` would run for ``targets``, continuation lines joined."""
    result = subprocess.run(["make", "-n", "-B", *targets], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.replace("\\\n", " ").splitlines()


def test_both_environments_install_from_one_resolved_set_and_nothing_downloads_twice():
    planned = _planned("test")
    compiles = [line for line in planned if " pip compile " in line]
    installs = [line for line in planned if " pip install " in line and "-e " in line]
    assert len(compiles) == 1 and "--extra tensorflow" in compiles[0] and "--extra jax" in compiles[0]
    resolved = compiles[0].split(" -o ")[1].split()[0]
    assert len(installs) == 2 and all(f"-c {resolved}" in line for line in installs)
    assert all(line.split()[0].endswith("/uv") for line in installs)  # one installer, one download cache
    assert all("--compile-bytecode" in line for line in installs)  # or each Python start recompiles TensorFlow
    assert not any("pip download" in line or "--no-cache" in line for line in planned)


def test_the_lanes_select_what_the_readme_says():
    planned = _planned("test")
    suites = [line for line in planned if "-m pytest" in line]
    assert len(suites) == 2
    tensorflow, jax = suites
    assert "KERAS_BACKEND" not in tensorflow and " -m backend" not in tensorflow
    assert jax.startswith("KERAS_BACKEND=jax ") and jax.endswith("-m backend") and ".venv-jax/" in jax
    assert " -n 2 " in tensorflow + " " and " -n 2 " in jax  # pytest-xdist, a worker per core
    (fast,) = [line for line in _planned("test-fast") if "-m pytest" in line]
    assert fast.endswith('-m "not slow"') and "KERAS_BACKEND" not in fast and " -n 2 " in fast
