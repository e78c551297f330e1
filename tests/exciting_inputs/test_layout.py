"""``exciting_inputs/`` builds on the generic core only (not ``lfp``), and keeps backend code out."""

import pathlib

from source_imports import module_imports

MEI = pathlib.Path(__file__).resolve().parents[2] / "exciting_inputs"


def test_mei_imports_only_the_generic_core_and_no_backend():
    modules = {path.relative_to(MEI).as_posix(): module_imports(path) for path in MEI.rglob("*.py")}
    assert len(modules) > 15
    for path, names in modules.items():
        calcium = {name for name in names if name.split(".")[0] == "calciumgan"}
        assert all(name == "calciumgan" or name.startswith(("calciumgan.core", "calciumgan.training"))
                   for name in calcium), (path, calcium)  # fmt: skip
        assert not {name.split(".")[0] for name in names} & {"lfp", "tensorflow", "jax", "torch", "tuning"}, path
