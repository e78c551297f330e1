"""ARCHITECTURE.md's table of packages says what each imports of the others, and the source agrees."""

import pathlib
import re

from source_imports import module_imports

ROOT = pathlib.Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\| `([\w/]+)/` \| .* \| (.*) \|$")


def _rows() -> dict:
    """Package (dotted, e.g. ``calciumgan.core``) -> the packages its "imports" cell names in backticks."""
    rows = {}
    for line in (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8").splitlines():
        if match := ROW.match(line):
            rows[match[1].replace("/", ".")] = set(re.findall(r"`([\w.]+)`", match[2]))
    return rows


def _owner(module: str, packages: list) -> str | None:
    """The table row that holds ``module``: the longest package that is a prefix of its name."""
    owners = [package for package in packages if module == package or module.startswith(package + ".")]
    return max(owners, key=len) if owners else None


def test_the_table_covers_every_package():
    rows = _rows()
    assert {"calciumgan", "calciumgan.core", "calciumgan.training", "lfp", "exciting_inputs", "tuning"} <= set(rows)
    for names in rows.values():
        assert names <= set(rows), f"the imports column names {names - set(rows)}, which no row describes"


def test_each_row_names_exactly_the_packages_its_modules_import():
    rows = _rows()
    packages = sorted(rows)
    for package in packages:
        imported = set()
        for path in (ROOT / package.replace(".", "/")).rglob("*.py"):
            if _owner(".".join(path.relative_to(ROOT).with_suffix("").parts), packages) != package:
                continue  # a module of a sub-package with a row of its own
            imported |= {_owner(name, packages) for name in module_imports(path)}
        assert imported - {None, package} == rows[package], package
