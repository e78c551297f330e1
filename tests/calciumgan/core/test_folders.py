"""The record of which tool made a folder, and each tool's refusal of another tool's folder."""

import json

import pytest
from catalogue import Workspace
from commands import run_module

from calciumgan import __version__
from calciumgan.core.errors import RunError
from calciumgan.core.folders import CALCIUMGAN, LFP, MEI, Tool, check_tool, read_record, record_tool


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    return Workspace(tmp_path, finished_run=None)


def test_a_record_names_the_tool_the_command_and_the_version_and_is_written_once(tmp_path):
    record_tool(tmp_path, LFP, "lfp.pretrain")
    record_tool(tmp_path, LFP, "lfp.train")  # a later command keeps the first one's record
    assert read_record(tmp_path) == json.loads((tmp_path / "tool.json").read_text())
    assert read_record(tmp_path) == {"tool": "lfp", "made_by": "lfp.pretrain", "version": __version__}
    assert __version__


@pytest.mark.parametrize("tool, made_by", [("calciumgan", "calciumgan.train"), ("lfp", "lfp.pretrain"),
                                           ("exciting_inputs", "exciting_inputs.simulate")])  # fmt: skip
def test_each_folder_class_records_its_tool_when_it_starts_a_folder(workspace, tool, made_by):
    record = read_record(workspace.tool_folder(tool))
    assert record["tool"] == tool and record["made_by"] == made_by and record["version"]


def test_a_tool_folder_is_accepted_by_its_tool_alone_and_a_new_folder_by_every_tool(workspace):
    run = workspace.tool_folder("calciumgan")
    check_tool(run, CALCIUMGAN)
    for other in (LFP, MEI):
        with pytest.raises(RunError, match="made by calciumgan.train"):
            check_tool(run, other)
    for tool in (CALCIUMGAN, LFP, MEI):
        check_tool(workspace.folder("empty"), tool)
        check_tool(workspace / "nowhere", tool)


def test_a_record_of_a_tool_not_declared_here_is_named_as_it_is(workspace):
    run = workspace.folder("run")
    record_tool(run, Tool("tuning", "a search"), "tuning.search")
    with pytest.raises(RunError, match=r"run is a tuning folder made by tuning.search, not a CalciumGAN run$"):
        check_tool(run, CALCIUMGAN)


def test_a_damaged_record_is_named(workspace):
    run = workspace.folder("run")
    workspace.text("run/tool.json", "{")
    with pytest.raises(RunError, match="tool.json: damaged"):
        check_tool(run, CALCIUMGAN)


GENERATE = ["calciumgan.generate", "--run", "{folder}", "--num-samples", "2", "--out", "{root}/samples.h5"]
# (the folder's tool, a command of another tool and its arguments); calciumgan's commands given other tools'
# folders are cases of the bad-input catalogue (tests/calciumgan/bad_inputs)
REFUSALS = [
    ("calciumgan", ["lfp.generate", "--run", "{folder}", "--out", "{root}/windows.h5"]),
    ("calciumgan", ["lfp.evaluate", "--run", "{folder}"]),
    ("calciumgan", ["lfp.pretrain", "--config", "demo", "--out", "{folder}"]),
    ("calciumgan", ["exciting_inputs.simulate", "--config", "demo", "--out", "{folder}"]),
    ("calciumgan", ["exciting_inputs.fit", "--config", "demo", "--out", "{folder}"]),
    ("calciumgan", ["calciumgan.autoencoders.denoise", "--config", "denoise_demo", "--out", "{folder}"]),
    ("exciting_inputs", ["exciting_inputs.latent.decode", "--config", "demo", "--out", "{folder}"]),
    ("exciting_inputs.latent", ["exciting_inputs.fit", "--config", "demo", "--out", "{folder}"]),
    ("exciting_inputs.latent", ["exciting_inputs.optimise", "--config", "demo", "--out", "{folder}"]),
]
# the folder's tool -> what the error line names: the folder's kind and maker, and the first command that reads it
NAMES = {"calciumgan": ("a CalciumGAN run made by calciumgan.train", "calciumgan.generate"),
         "lfp": ("an LFP experiment made by lfp.pretrain", "lfp.generate"),
         "exciting_inputs": ("an MEI experiment made by exciting_inputs.simulate", "exciting_inputs.fit"),
         "exciting_inputs.latent": ("a latent-code experiment made by exciting_inputs.latent.train",
                                    "exciting_inputs.latent.decode")}  # fmt: skip


def refusal(workspace, folder: str, command: list) -> str:
    """Run ``command`` with ``{folder}`` and ``{root}`` filled in; assert a refusal that changed nothing and
    return its one error line."""
    before = workspace.snapshot()
    result = run_module(*[part.format(folder=folder, root=workspace.root) for part in command])
    lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-3000:]
    assert len(lines) == 1 and lines[0].startswith(f"error: {folder} "), result.stderr[-3000:]
    assert workspace.snapshot() == before, "the refused command created, changed or removed files"
    return lines[0]


@pytest.mark.parametrize("tool, command", REFUSALS, ids=[f"{tool}-to-{command[0]}" for tool, command in REFUSALS])
def test_a_command_given_another_tools_folder_names_that_tool_and_its_readers(workspace, tool, command):
    line = refusal(workspace, workspace.tool_folder(tool), command)
    kind, reader = NAMES[tool]
    assert kind in line and f"read it with {reader}" in line


def test_a_gan_run_inside_an_lfp_experiment_names_the_experiment_and_its_readers(workspace):
    experiment = workspace.tool_folder("lfp")
    gan_run = workspace.folder("lfp/gan-scratch")
    workspace.text("lfp/gan-scratch/config.yaml", (workspace.root / "lfp/config.yaml").read_text())
    line = refusal(workspace, gan_run, GENERATE)
    assert f"part of {experiment}, an LFP experiment made by lfp.pretrain" in line
    assert f"read {experiment} with lfp.generate or lfp.evaluate" in line


def test_a_folder_made_before_records_is_known_by_its_marker_file(workspace):
    experiment = workspace.tool_folder("lfp")
    (workspace.root / "lfp/tool.json").unlink()
    workspace.text("lfp/data.h5", "")
    line = refusal(workspace, experiment, GENERATE)
    assert "an LFP experiment (it holds data.h5), not a CalciumGAN run; read it with lfp.generate" in line
