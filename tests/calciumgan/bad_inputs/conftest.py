"""Fixtures of the bad-input catalogue: a workspace per case (with the session's tiny run), the refusal check.

Every case runs a command-line tool in-process on a fresh workspace (a folder holding the
case's inputs, output targets and, when it needs one, a copy of a finished tiny run) and
asserts what the README promises: exit code 2, exactly one ``error:`` line on stderr that
names the file, key or argument at fault, no traceback, and not one file or folder of the
workspace created, changed or removed.
"""

import pytest
from catalogue import Case, Workspace


@pytest.fixture
def workspace(tmp_path, trained_tiny_run) -> Workspace:
    root = tmp_path / "workspace"
    root.mkdir()
    return Workspace(root, trained_tiny_run)


@pytest.fixture
def refused(workspace, capsys):
    """``refused(main, case)``: run the case and assert the refusal contract."""

    def check(main, case: Case):
        argv = case.argv(workspace)
        capsys.readouterr()
        before = workspace.snapshot()
        try:
            code = main(argv)
        except SystemExit as exit:  # argparse
            code = exit.code
        error = capsys.readouterr().err
        assert "Traceback" not in error
        lines = [line for line in error.splitlines() if "error:" in line]
        assert code == 2, f"exit code {code}, stderr: {error}"
        assert len(lines) == 1 and lines[0].startswith("error: "), error
        for name in case.names:
            assert name in lines[0], f"{name!r} not in {lines[0]!r}"
        assert workspace.snapshot() == before, "the command created, changed or removed files"
        return lines[0]

    return check
