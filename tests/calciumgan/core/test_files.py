"""Atomic writes, clean-up after killed processes, and output-path checks."""

import os

import pytest

from calciumgan.core.errors import OutputError
from calciumgan.core.files import atomic_path, check_output_file, check_output_folder, remove_stale_partials

DEAD_PID = 2**22 + 1  # above Linux's largest process id


def test_atomic_path_renames_on_success_and_removes_on_failure(tmp_path):
    with atomic_path(tmp_path / "a.h5") as temporary:
        assert temporary.name == f".partial-{os.getpid()}-a.h5"
        temporary.write_text("done")
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "b.h5") as temporary:
        temporary.write_text("half")
        raise RuntimeError
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.h5"]


def test_only_partials_of_dead_processes_are_removed(tmp_path):
    dead, alive, ours = (tmp_path / f".partial-{pid}-x.h5" for pid in (DEAD_PID, os.getppid(), os.getpid()))
    other = tmp_path / "partial-notes.txt"
    for path in (dead, alive, ours, other):
        path.write_text("x")
    assert remove_stale_partials(tmp_path) == [dead]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(p.name for p in (alive, ours, other))
    assert remove_stale_partials(tmp_path / "missing") == []


def test_output_file_checks(tmp_path):
    assert check_output_file(tmp_path / "new.h5", (".h5",)) == tmp_path / "new.h5"
    (tmp_path / "old.h5").write_text("x")
    assert check_output_file(tmp_path / "old.h5", (".h5",), overwrite=True) == tmp_path / "old.h5"
    (tmp_path / "folder.h5").mkdir()
    (tmp_path / "file").write_text("x")
    for path, fault in [("old.h5", "already exists; choose another name or pass --overwrite"),
                        ("new.npz", "must end with .h5"), ("folder.h5", "is a folder"),
                        ("file/new.h5", ".*file is a file, not a folder")]:  # fmt: skip
        with pytest.raises(OutputError, match=f"--out .*{path}: {fault}"):
            check_output_file(tmp_path / path, (".h5",))
    assert not (tmp_path / "new.h5").exists()


def test_output_folder_checks(tmp_path):
    assert check_output_folder(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="file: is a file, not a folder"):
        check_output_folder(tmp_path / "file")
    with pytest.raises(OutputError, match="file is a file, not a folder"):
        check_output_folder(tmp_path / "file" / "report")
    assert not (tmp_path / "a").exists()
