"""``lfp/`` builds on the generic core only, and keeps backend code out of its own modules."""

import pathlib

from source_imports import module_imports

LFP = pathlib.Path(__file__).resolve().parents[2] / "lfp"


def test_lfp_imports_only_the_generic_core_of_calciumgan():
    modules = {path.relative_to(LFP).as_posix(): module_imports(path) for path in LFP.rglob("*.py")}
    assert len(modules) > 20
    for path, names in modules.items():
        calcium = {name for name in names if name.split(".")[0] == "calciumgan"}
        allowed = ("calciumgan.core", "calciumgan.training")
        assert all(name == "calciumgan" or name.startswith(allowed) for name in calcium), (path, calcium)
        assert not {name.split(".")[0] for name in names} & {"tensorflow", "jax", "tuning"}, path
