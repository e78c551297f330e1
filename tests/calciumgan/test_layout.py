"""Stage boundaries, checked on the import statements of the source files; the source's citations."""

import pathlib
import re

from source_imports import module_imports

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "calciumgan"
SOURCE_PACKAGES = ("calciumgan", "lfp", "exciting_inputs", "tuning")


def _modules(folder: str = "") -> dict:
    paths = (PACKAGE / folder).rglob("*.py")
    return {path.relative_to(PACKAGE.parent).as_posix(): module_imports(path) for path in paths}


def test_the_generic_core_imports_nothing_calcium_specific():
    for path, names in {**_modules("core"), **_modules("training")}.items():
        own = {name for name in names if name.split(".")[0] == "calciumgan"}
        assert all(name.startswith(("calciumgan.core", "calciumgan.training")) for name in own), (path, own)


def test_no_stage_imports_the_experiment_schema():
    """Each stage owns its settings (``<stage>/settings.py``); ``calciumgan.config`` composes them."""
    stages = ("core", "data", "models", "training", "evaluation")
    modules = {path: names for stage in stages for path, names in _modules(stage).items()}
    assert len(modules) > 50 and "calciumgan/evaluation/settings.py" in modules  # the walk found the stages
    assert not {path for path, names in modules.items() if "calciumgan.config" in names}


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


def test_the_source_cites_published_works_not_the_projects_seed_documents():
    """No "seed 00x" in the packages' .py and .yaml files: readers have the cited works, not those documents."""
    root = PACKAGE.parent
    paths = sorted(path for package in SOURCE_PACKAGES for suffix in ("*.py", "*.yaml")
                   for path in (root / package).rglob(suffix))  # fmt: skip
    assert len(paths) > 100  # the walk found the packages
    hits = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search("seed 00", line, re.IGNORECASE):
                hits.append(f"{path.relative_to(root).as_posix()}:{number}: {line.strip()}")
    assert not hits, "\n".join(hits)
