"""Atomic writes, clean-up after killed processes, and output-path checks."""

import errno
import json
import math
import os
import pathlib
import subprocess
import sys

import h5py
import numpy as np
import pytest

from calciumgan.core.errors import OutputError
from calciumgan.core.files import (atomic_hdf5, atomic_path, check_output_file, check_output_folder,
                                   remove_stale_partials, write_json_atomic, write_text_atomic,
                                   write_texts_atomic)  # fmt: skip

DEAD_PID = 2**22 + 1  # above Linux's largest process id
NO_SPACE = "No space left on device"


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, NO_SPACE)


def _names(folder) -> list:
    return sorted(path.name for path in folder.iterdir())


def test_atomic_path_renames_on_success_and_removes_on_failure(tmp_path):
    with atomic_path(tmp_path / "a.h5") as temporary:
        assert temporary.name == f".partial-{os.getpid()}-a.h5"
        temporary.write_text("done")
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "b.h5") as temporary:
        temporary.write_text("half")
        raise RuntimeError
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.h5"]



def test_text_and_json_round_trip(tmp_path):
    value = {"b": [1, 2.5, None], "a": "x"}
    assert write_json_atomic(tmp_path / "new" / "v.json", value) == tmp_path / "new" / "v.json"
    assert (tmp_path / "new" / "v.json").read_text() == json.dumps(value, indent=1)
    write_json_atomic(tmp_path / "flat.json", value, indent=None)
    assert (tmp_path / "flat.json").read_text() == json.dumps(value)
    write_text_atomic(tmp_path / "note.md", "ΔF/F ≥ 0\n")
    assert (tmp_path / "note.md").read_bytes() == "ΔF/F ≥ 0\n".encode("utf-8")
    assert _names(tmp_path) == ["flat.json", "new", "note.md"] and _names(tmp_path / "new") == ["v.json"]


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, failing):
    path = tmp_path / "record.json"
    path.write_text("old contents")

    def write_half_then_fail(self, text, encoding=None):
        with open(self, "w", encoding=encoding) as handle:
            handle.write(text[: len(text) // 2])
        _disk_full()

    if failing == "write":
        monkeypatch.setattr("pathlib.Path.write_text", write_half_then_fail)
    else:
        monkeypatch.setattr(os, "fsync", _disk_full)
    with pytest.raises(OutputError, match=f"^{path}: not written \\({NO_SPACE}\\)$"):
        write_json_atomic(path, {"new": list(range(100))})
    assert path.read_text() == "old contents"
    assert _names(tmp_path) == ["record.json"]


def test_files_written_together_change_together_or_not_at_all(tmp_path, monkeypatch):
    paths = [tmp_path / "report.json", tmp_path / "report.md"]
    assert write_texts_atomic({paths[0]: "{}", paths[1]: "# old"}) == paths
    synced = []

    def second_sync_fails(descriptor):  # the first file is complete, the second is cut off
        synced.append(descriptor)
        if len(synced) == 2:
            _disk_full()

    monkeypatch.setattr(os, "fsync", second_sync_fails)
    with pytest.raises(OutputError, match=f"{paths[0]} and {paths[1]}: not written"):
        write_texts_atomic({paths[0]: '{"new": 1}', paths[1]: "# new"})
    assert [path.read_text() for path in paths] == ["{}", "# old"]
    assert _names(tmp_path) == ["report.json", "report.md"]


def test_hdf5_round_trip(tmp_path):
    with atomic_hdf5(tmp_path / "out.h5") as file:
        assert file.filename.endswith(f".partial-{os.getpid()}-out.h5")
        file.create_dataset("signals", data=np.arange(12, dtype=np.float32).reshape(3, 4))
        file.attrs["sampling_rate"] = 24.0
    with h5py.File(tmp_path / "out.h5", "r") as file:
        assert file["signals"][()].tolist() == np.arange(12).reshape(3, 4).tolist()
        assert file.attrs["sampling_rate"] == 24.0
    assert _names(tmp_path) == ["out.h5"]


def _write_dataset_fails(monkeypatch):
    monkeypatch.setattr(h5py.Dataset, "__setitem__", _disk_full)


def _cut_off_at_close(monkeypatch):  # the close reports nothing, but the file on disk is short
    close = h5py.File.close

    def close_and_cut(self):
        name, writing = self.filename, self.mode == "r+"
        close(self)
        if writing:
            os.truncate(name, os.path.getsize(name) // 2)

    monkeypatch.setattr(h5py.File, "close", close_and_cut)


@pytest.mark.parametrize("failure, reason", [(_write_dataset_fails, NO_SPACE),
                                             (_cut_off_at_close, "Unable to synchronously open file")])  # fmt: skip
def test_a_failed_hdf5_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, failure, reason):
    path = tmp_path / "samples.h5"
    with atomic_hdf5(path) as file:
        file.create_dataset("signals", data=np.zeros(3))
    before = path.read_bytes()
    failure(monkeypatch)
    with pytest.raises(OutputError) as raised, atomic_hdf5(path) as file:
        signals = file.create_dataset("signals", (1000,), dtype="float64")
        signals[:] = np.ones(1000)
    message = str(raised.value)
    assert message.startswith(f"{path}: not written ({reason}") and "\n" not in message
    assert path.read_bytes() == before
    assert _names(tmp_path) == ["samples.h5"]


def _write_samples(path) -> None:
    """Like ``calciumgan.generate``: the body holds its dataset while it writes it in slices."""
    with atomic_hdf5(path) as file:
        signals = file.create_dataset("signals", (1000, 8), dtype="float64")
        file.attrs["sampling_rate"] = 24.0
        for start in range(0, 1000, 100):
            signals[start : start + 100] = np.ones((100, 8))


def _writes_fail_from(monkeypatch, first: float) -> list:
    """Make the ``first``-th ``os.write`` and every later one fail as on a full disk; returns the calls so far."""
    calls, write = [], os.write

    def counted(descriptor, data):
        calls.append(descriptor)
        return _disk_full() if len(calls) >= first else write(descriptor, data)

    monkeypatch.setattr(os, "write", counted)
    return calls


@pytest.mark.parametrize("failing", ["first", "middle", "last"])
def test_a_disk_that_fills_at_any_hdf5_write_leaves_the_old_file(tmp_path, monkeypatch, failing):
    """Every write from the ``failing`` one on fails, inside HDF5's own calls (data, metadata, closing)."""
    calls = _writes_fail_from(monkeypatch, math.inf)
    _write_samples(tmp_path / "samples.h5")
    first = {"first": 1, "middle": len(calls) // 2, "last": len(calls)}[failing]
    before = (tmp_path / "samples.h5").read_bytes()
    monkeypatch.undo()
    _writes_fail_from(monkeypatch, first)
    with pytest.raises(OutputError, match=f"^{tmp_path / 'samples.h5'}: not written \\({NO_SPACE}\\)$"):
        _write_samples(tmp_path / "samples.h5")
    assert (tmp_path / "samples.h5").read_bytes() == before
    assert _names(tmp_path) == ["samples.h5"]


FILE_SIZE_LIMIT = """
import resource, signal, sys
from calciumgan.core.errors import OutputError
from calciumgan.core.files import write_text_atomic
from test_files import _write_samples
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[3]), resource.RLIM_INFINITY))
try:
    if sys.argv[2] == "text":
        write_text_atomic(sys.argv[1], "x" * 100_000)
    else:
        _write_samples(sys.argv[1])
except OutputError as error:
    print(error, flush=True)
    sys.exit(2)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs resource.RLIMIT_FSIZE")
@pytest.mark.parametrize("kind, limit", [("text", 8192), ("hdf5", 0), ("hdf5", 4096), ("hdf5", 40_000)])
def test_a_write_the_kernel_refuses_leaves_the_old_file(tmp_path, kind, limit):
    """A real failed ``write(2)``: a file-size limit (EFBIG) stands in for a full disk, without root.

    Before HDF5 wrote through ``_FailureRecordingFile``, the HDF5 cases died of a segmentation fault
    after printing the error, when Python collected the dataset that ``_write_samples`` held.
    """
    path = tmp_path / "out.h5"
    path.write_bytes(b"old")
    result = subprocess.run([sys.executable, "-c", FILE_SIZE_LIMIT, str(path), kind, str(limit)], capture_output=True,
                            text=True, cwd=pathlib.Path(__file__).parent, timeout=120)  # fmt: skip
    assert (result.returncode, result.stdout) == (2, f"{path}: not written (File too large)\n"), result.stderr[-2000:]
    assert path.read_bytes() == b"old"
    assert _names(tmp_path) == ["out.h5"]


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
