import contextlib
import sys

from calciumgan.core.imports import around_first_import


def test_context_wraps_the_first_import_only(tmp_path, monkeypatch):
    (tmp_path / "wrapped_module_for_test.py").write_text("import events\nevents.append('executed')\n")
    (tmp_path / "events.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    import events

    events.__dict__["append"] = lambda item: log.append(item)
    log = []

    @contextlib.contextmanager
    def around():
        log.append("enter")
        yield
        log.append("exit")

    assert around_first_import("wrapped_module_for_test", around)
    assert not around_first_import("wrapped_module_for_test", around)  # one hook per module
    import wrapped_module_for_test  # noqa: F401

    assert log == ["enter", "executed", "exit"]
    assert not around_first_import("wrapped_module_for_test", around)  # already imported
    del sys.modules["wrapped_module_for_test"], sys.modules["events"]
