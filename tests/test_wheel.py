"""The built wheel holds what an installed package needs: every shipped config, no notebooks or tests, and the
modules that register the custom Keras layers, so a saved model loads outside the checkout."""

import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("calciumgan", "lfp", "exciting_inputs", "tuning")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set:
    """The file names inside a wheel built from a copy of the files git keeps (the checkout stays untouched)."""
    source = tmp_path_factory.mktemp("source")
    tracked = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    build = ("import sys, setuptools.build_meta as backend; print(backend.build_wheel(sys.argv[1]))")
    result = subprocess.run([sys.executable, "-c", build, str(out)], cwd=source, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = out.glob("calciumgan-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_holds_every_shipped_config(wheel_names):
    shipped = {path.relative_to(ROOT).as_posix() for package in PACKAGES for path in (ROOT / package).rglob("*.yaml")}
    assert len(shipped) >= 25
    assert shipped - wheel_names == set()


def test_the_wheel_holds_the_layer_registrations_and_no_notebooks_tests_or_runs(wheel_names):
    registering = {path.relative_to(ROOT).as_posix() for package in PACKAGES for path in (ROOT / package).rglob("*.py")
                   if "register_keras_serializable" in path.read_text(encoding="utf-8")}  # fmt: skip
    assert len(registering) >= 10 and registering - wheel_names == set()
    for package in PACKAGES:
        assert f"{package}/__init__.py" in wheel_names
    assert not [name for name in wheel_names if name.endswith(".ipynb") or name.startswith(("tests/", "runs/",
                                                                                             "notebooks/"))]
    assert any(name.endswith(".dist-info/METADATA") for name in wheel_names)
