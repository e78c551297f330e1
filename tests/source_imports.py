"""The modules a source file imports, read from its syntax tree (for the layout tests)."""

import ast
import pathlib


def module_imports(path: pathlib.Path) -> set:
    """Every module a file imports, at any depth of its code."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names
