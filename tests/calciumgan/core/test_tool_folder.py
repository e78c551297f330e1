"""Every tool's folder (``calciumgan.core.folders.ToolFolder``): start, the same-settings check, config and JSON."""

import dataclasses
import json
import os

import pytest

from calciumgan import __version__
from calciumgan.core.errors import OutputError, RunError
from calciumgan.core.folders import LFP, Tool, ToolFolder, record_tool

DEAD_PID = 2**22 + 1  # above Linux's largest process id: no process has it


@dataclasses.dataclass(frozen=True)
class Data:
    seed: int = 0


@dataclasses.dataclass(frozen=True)
class Settings:
    data: Data = dataclasses.field(default_factory=Data)
    epochs: int = 1


TOY = Tool("toy", "a toy folder", ("toy.read",))


class ToyFolder(ToolFolder):
    schema, tool = Settings, TOY
    work_folders = ("parts",)
    no_config = "{root}: not a toy folder (no config.yaml); start one with toy.start"
    different_settings = "{path}: made with different data; choose a new --out folder"

    @staticmethod
    def same_part(config: Settings):
        return config.data


def test_start_keeps_the_config_records_the_tool_and_removes_only_stale_partials(tmp_path):
    folder = ToyFolder(tmp_path / "toy")
    (tmp_path / "toy" / "parts").mkdir(parents=True)
    stale, stale_inside = (folder.path(name) / f".partial-{DEAD_PID}-x.h5" for name in ("", "parts"))
    ours, notes = folder.path(f".partial-{os.getpid()}-y.h5"), folder.path("notes.txt")
    for path in (stale, stale_inside, ours, notes):
        path.write_text("x")
    folder.start(Settings(Data(3), epochs=5), "toy.start")
    assert folder.config() == Settings(Data(3), epochs=5)
    assert "seed: 3" in folder.config_path.read_text()
    assert json.loads(folder.path("tool.json").read_text()) == {"tool": "toy", "made_by": "toy.start",
                                                                "version": __version__}  # fmt: skip
    assert not stale.exists() and not stale_inside.exists() and ours.exists() and notes.exists()


def test_a_second_start_keeps_the_same_part_and_may_change_the_rest(tmp_path):
    folder = ToyFolder(tmp_path)
    folder.start(Settings(Data(3)), "toy.start")
    folder.start(Settings(Data(3), epochs=9), "toy.more")
    assert folder.config().epochs == 9
    assert json.loads(folder.path("tool.json").read_text())["made_by"] == "toy.start"  # the first command's
    with pytest.raises(RunError) as refusal:
        folder.start(Settings(Data(4), epochs=9), "toy.more")
    assert str(refusal.value) == f"{tmp_path / 'config.yaml'}: made with different data; choose a new --out folder"
    assert folder.config() == Settings(Data(3), epochs=9)  # the refused start changed nothing
    folder.start(Settings(Data(4)), "toy.retrain", replaces_work=True)  # a command that makes the work anew
    assert folder.config() == Settings(Data(4))


def test_a_folder_without_work_accepts_any_config(tmp_path):
    class Unfixed(ToyFolder):
        def holds_work(self) -> bool:
            return False

    folder = Unfixed(tmp_path)
    folder.start(Settings(Data(3)))
    folder.start(Settings(Data(4)))
    assert folder.config().data == Data(4)


def test_config_of_a_folder_without_one_says_what_to_run(tmp_path):
    with pytest.raises(RunError) as missing:
        ToyFolder(tmp_path).config()
    assert str(missing.value) == f"{tmp_path}: not a toy folder (no config.yaml); start one with toy.start"


def test_json_files_round_trip_and_a_damaged_or_missing_one_is_named_in_one_line(tmp_path):
    folder = ToyFolder(tmp_path)
    assert folder.write_json("a.json", {"x": [1, 2]}) == tmp_path / "a.json"
    assert folder.read_json("a.json") == {"x": [1, 2]}
    (tmp_path / "b.json").write_text('{"x": [1,\n')
    with pytest.raises(RunError, match=r"b\.json: damaged, not JSON \(") as damaged:
        folder.read_json("b.json")
    assert "\n" not in str(damaged.value) and str(damaged.value).startswith(str(tmp_path / "b.json"))
    with pytest.raises(RunError, match=r"c\.json: missing$"):
        folder.read_json("c.json")


def test_another_tools_folder_and_a_file_as_the_folder_are_refused(tmp_path):
    record_tool(tmp_path / "lfp", LFP, "lfp.pretrain")
    with pytest.raises(RunError, match="is an LFP experiment made by lfp.pretrain, not a toy folder"):
        ToyFolder(tmp_path / "lfp")
    ToolFolder(tmp_path / "lfp")  # a folder without a tool (a GAN run inside an experiment) checks nothing
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        ToyFolder(tmp_path / "file").start(Settings())
