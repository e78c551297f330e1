"""Run code around the first import of a module, whoever imports it and whenever."""

import importlib.abc
import importlib.util
import sys


class _AroundImport(importlib.abc.MetaPathFinder):
    """Executes the module ``name`` inside the context manager ``around()``, the first time it is imported."""

    def __init__(self, name: str, around):
        self.name, self.around = name, around

    def find_spec(self, name, path, target=None):
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            execute, around = spec.loader.exec_module, self.around

            def exec_module(module):
                with around():
                    execute(module)

            spec.loader.exec_module = exec_module
        return spec


def around_first_import(name: str, around) -> bool:
    """Have the first import of module ``name`` run inside ``around()`` (a context-manager factory).

    Returns False, and does nothing, when ``name`` is already imported or already has a hook.
    """
    if name in sys.modules or any(isinstance(f, _AroundImport) and f.name == name for f in sys.meta_path):
        return False
    sys.meta_path.insert(0, _AroundImport(name, around))
    return True
