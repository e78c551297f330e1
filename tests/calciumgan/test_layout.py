"""Stage boundaries, checked on the import statements of the source files."""

import pathlib

from source_imports import module_imports

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "calciumgan"


def _modules(folder: str = "") -> dict:
    paths = (PACKAGE / folder).rglob("*.py")
    return {path.relative_to(PACKAGE.parent).as_posix(): module_imports(path) for path in paths}


def test_the_generic_core_imports_nothing_calcium_specific():
    for path, names in {**_modules("core"), **_modules("training")}.items():
        own = {name for name in names if name.split(".")[0] == "calciumgan"}
        assert all(name.startswith(("calciumgan.core", "calciumgan.training")) for name in own), (path, own)


def test_backend_code_lives_in_one_step_module_per_backend():
    importers = {backend: sorted(path for path, names in _modules().items()
                                 if any(name.split(".")[0] == backend for name in names))
                 for backend in ("tensorflow", "jax")}  # fmt: skip
    assert importers == {
        "tensorflow": ["calciumgan/training/tensorflow_steps.py"],
        # and the CPU-only choice of convolution gradients (see models/convolution.py)
        "jax": ["calciumgan/models/convolution.py", "calciumgan/training/jax_steps.py"],
    }


def test_nothing_in_the_package_imports_lfp_or_tuning():
    for path, names in _modules().items():
        assert not {name.split(".")[0] for name in names} & {"lfp", "tuning"}, path
