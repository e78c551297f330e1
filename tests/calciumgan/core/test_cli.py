"""The shared command-line pieces: one-line argument errors, typed arguments, exit codes."""

import argparse

import pytest

from calciumgan.core.cli import CommandParser, non_negative_int, positive_float, positive_int, run_command
from calciumgan.core.errors import RunError


def test_argument_errors_are_one_line_with_exit_code_2(capsys):
    parser = CommandParser(prog="tool")
    parser.add_argument("--count", type=positive_int, required=True)
    with pytest.raises(SystemExit) as exit:
        parser.parse_args(["--count", "-1"])
    assert exit.value.code == 2
    assert capsys.readouterr().err == "error: argument --count: must be a positive integer, got -1 (see tool --help)\n"


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
