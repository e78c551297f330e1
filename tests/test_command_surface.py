"""One command surface: every command-line tool of the four packages is built with the shared parser and spells
the shared flags (``--config``, ``--out``, ``--run``, ``--overwrite``, ``--seed``) the same way."""

import argparse
import importlib
import pathlib
import re

import pytest
from commands import run_module

from calciumgan.core.cli import CommandParser, non_negative_int
from calciumgan.core.folders import TOOLS

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("calciumgan", "lfp", "exciting_inputs", "tuning")
FOLDER_TOOLS = {*TOOLS, "tuning"}  # the <tool> of a default folder runs/<tool>/<config name>


def _command_modules() -> list:
    """Every module of the packages that runs as ``python -m``: it has a ``main`` and a ``__main__`` guard."""
    modules = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if "def main(" in text and 'if __name__ == "__main__":' in text:
                modules.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return modules


COMMANDS = _command_modules()


class _Parsed(Exception):
    def __init__(self, parser):
        self.parser = parser


@pytest.fixture(params=COMMANDS)
def command(request, monkeypatch):
    """(module name, its parser): ``main`` is stopped at the parser's first ``parse_args``."""

    def capture(parser, *args, **kwargs):
        raise _Parsed(parser)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", capture)
    with pytest.raises(_Parsed) as parsed:
        importlib.import_module(request.param).main([])
    return request.param, parsed.value.parser


def _flags(parser) -> dict:
    return {option: action for action in parser._actions for option in action.option_strings}


def test_the_walk_finds_every_tool():
    assert len(COMMANDS) >= 18
    assert {"calciumgan.train", "lfp.pretrain", "exciting_inputs.latent.evolve", "tuning.search"} <= set(COMMANDS)


@pytest.mark.parametrize("module", COMMANDS)
def test_help_answers_under_the_command_name(module):
    result = run_module(module, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: python -m {module} ")


def test_every_command_uses_the_shared_parser_and_no_positional_or_sub_command(command):
    module, parser = command
    assert isinstance(parser, CommandParser), module
    assert all(action.option_strings or isinstance(action, argparse._HelpAction) for action in parser._actions), module


def test_only_deprecated_spellings_are_left_out_of_help(command):
    module, parser = command
    hidden = [action for action in parser._actions if action.help == argparse.SUPPRESS and action.dest != "help"]
    assert all(type(action).__name__ == "_DeprecatedSpelling" for action in hidden), module


def test_the_shared_flags_mean_the_same_everywhere(command):
    module, parser = command
    flags = _flags(parser)
    assert "--out" in flags or "--run" in flags, f"{module}: neither writes (--out) nor reads (--run) a folder"
    if "--config" in flags:
        assert "--out" in flags, module
        assert flags["--config"].help.startswith("config file, or a shipped config: "), module
    if "--seed" in flags:
        assert flags["--seed"].type is non_negative_int and flags["--seed"].help.startswith("random seed of "), module
    if "--overwrite" in flags:
        assert isinstance(flags["--overwrite"], argparse._StoreTrueAction), module
        assert flags["--overwrite"].help == "replace an existing --out file", module
    for flag in ("--out", "--run"):
        if flag in flags:
            assert flags[flag].dest == flag[2:] and flags[flag].type is None and flags[flag].nargs is None, module


def test_default_folders_are_runs_tool_config(command):
    module, parser = command
    help_text = _flags(parser).get("--out", argparse.Action([], "out")).help or ""
    if "(default: runs/" in help_text:
        tool = re.fullmatch(r".*\(default: runs/([\w.]+)/<config name>\)", help_text).group(1)
        assert tool in FOLDER_TOOLS and module.startswith(tool.split(".")[0]), (module, tool)
