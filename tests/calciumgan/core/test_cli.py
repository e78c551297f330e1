"""The shared command-line pieces: one-line argument errors, typed arguments, exit codes."""

import argparse
import pathlib

import pytest

from calciumgan.core.cli import (
    CommandParser,
    add_deprecated_spelling,
    non_negative_int,
    positive_float,
    positive_int,
    run_command,
)
from calciumgan.core.errors import RunError


def test_argument_errors_are_one_line_with_exit_code_2(capsys):
    parser = CommandParser(prog="tool")
    parser.add_argument("--count", type=positive_int, required=True)
    with pytest.raises(SystemExit) as exit:
        parser.parse_args(["--count", "-1"])
    assert exit.value.code == 2
    assert capsys.readouterr().err == "error: argument --count: must be a positive integer, got -1 (see tool --help)\n"


def test_help_shows_the_default_of_every_option_that_takes_a_value():
    parser = CommandParser(prog="tool")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="noise seed")
    parser.add_argument("--rate", type=positive_float, help="sampling rate in Hz")
    parser.add_argument("--out", default="report", help="folder (default: beside the run)")
    parser.add_argument("--overwrite", action="store_true", help="replace the folder")
    parser.add_argument("--no-average", dest="average", action="store_false", help="last weights")
    options = " ".join(parser.format_help().split("options:")[1].split())
    assert options.endswith(
        "--seed SEED noise seed (default: 0) "  # a zero default is shown too
        "--rate RATE sampling rate in Hz "  # no default: nothing added
        "--out OUT folder (default: beside the run) "  # a help that states its default keeps its words
        "--overwrite replace the folder --no-average last weights"  # switches: no default
    )


def test_a_deprecated_spelling_does_what_the_current_one_does_with_a_notice(capsys):
    parser = CommandParser(prog="tool")
    add_deprecated_spelling(parser, parser.add_argument("--window-s", type=positive_float, default=60.0), "--window")
    add_deprecated_spelling(parser, parser.add_argument("--no-cells-only", dest="cells_only", action="store_false"),
                            "--all-rois")  # fmt: skip
    assert vars(parser.parse_args([])) == {"window_s": 60.0, "cells_only": True}
    assert capsys.readouterr().err == ""
    assert vars(parser.parse_args(["--window", "4", "--all-rois"])) == {"window_s": 4.0, "cells_only": False}
    assert capsys.readouterr().err.splitlines() == [
        "warning: --window is deprecated and will be removed in the next release; use --window-s",
        "warning: --all-rois is deprecated and will be removed in the next release; use --no-cells-only",
    ]
    assert "--window " not in parser.format_help() and "--all-rois" not in parser.format_help()
    with pytest.raises(SystemExit):  # the current spelling's type still checks the value
        parser.parse_args(["--window", "0"])
    assert "argument --window: must be a positive finite number, got 0" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kind, text, value",
    [(positive_int, "3", 3), (non_negative_int, "0", 0), (positive_float, "24.5", 24.5),
     (positive_float, "1e3", 1000.0)],
)  # fmt: skip
def test_typed_arguments_accept_their_domain(kind, text, value):
    assert kind(text) == value


@pytest.mark.parametrize(
    "kind, text",
    [(positive_int, "0"), (positive_int, "2.5"), (non_negative_int, "-1"), (positive_float, "nan"),
     (positive_float, "inf"), (positive_float, "-24"), (positive_float, "fast")],
)  # fmt: skip
def test_typed_arguments_refuse_the_rest(kind, text):
    with pytest.raises(argparse.ArgumentTypeError, match=f"got '?{text}'?$"):
        kind(text)


def test_user_errors_become_exit_code_2_and_others_propagate(capsys):
    def refuse():
        raise RunError("runs/x: missing")

    assert run_command(refuse) == 2 and capsys.readouterr().err == "error: runs/x: missing\n"
    assert run_command(lambda: None) == 0
    with pytest.raises(ZeroDivisionError):  # a bug is not a user error: it keeps its traceback
        run_command(lambda: 1 / 0)


class ResourceExhaustedError(Exception):  # TensorFlow's class name, without importing TensorFlow
    pass


@pytest.mark.parametrize("error", [MemoryError(), ResourceExhaustedError("OOM when allocating tensor"),
                                   RuntimeError("RESOURCE_EXHAUSTED: Out of memory allocating 4 GiB")])  # fmt: skip
def test_running_out_of_memory_is_one_line_saying_what_to_lower(capsys, error):
    def exhaust():
        raise error

    assert run_command(exhaust) == 2
    assert capsys.readouterr().err == (f"error: out of memory ({type(error).__name__}); lower train.batch_size (or "
                                       "the window or network size) or use a device with more memory\n")  # fmt: skip
    with pytest.raises(RuntimeError):  # another runtime error keeps its traceback
        run_command(lambda: (_ for _ in ()).throw(RuntimeError("INTERNAL: something else")))


def test_a_command_ends_by_naming_where_its_outputs_are(caplog):
    with caplog.at_level("INFO"):
        assert run_command(lambda: pathlib.Path("runs/demo")) == 0
        assert caplog.messages[-1] == "done: the outputs are in runs/demo"
        caplog.clear()
        assert run_command(lambda: None) == 0  # nothing written: nothing said
        assert caplog.messages == []
