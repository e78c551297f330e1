"""What every command-line tool shares: an argument parser whose errors are one line, typed
arguments, logging set-up (without TensorFlow's start-up noise) and the conversion of
user-facing errors into exit code 2."""

import argparse
import importlib
import logging
import math
import pathlib
import sys

from calciumgan.core.errors import CalciumGANError
from calciumgan.core.files import check_output_folder

USAGE_ERROR = 2  # the exit code of every refused input, as argparse uses


class DefaultsHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help that ends each option's text with its default, where it takes a value and has a default; the
    description and the epilog keep their line breaks."""

    def _get_help_string(self, action):
        text = action.help or ""
        takes_value = action.option_strings and action.nargs != 0  # not a switch such as --overwrite
        has_default = action.default is not None and action.default is not argparse.SUPPRESS
        said = "default" in text  # the help states its default in words already
        return f"{text} (default: %(default)s)" if takes_value and has_default and not said else text


class CommandParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` whose errors are one ``error:`` line (exit code 2), without the usage block, and
    whose help shows every default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", DefaultsHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(USAGE_ERROR, f"error: {message} (see {self.prog} --help)\n")

    # The shared flags: every command that takes one of them takes it through these, with the same meaning.

    def add_config(self, shipped: str, required: bool = True) -> None:
        """``--config``: a config file, or the name of a shipped one (``shipped`` lists them, or says where)."""
        self.add_argument("--config", required=required, help=f"config file, or a shipped config: {shipped}")

    def add_out(self, what: str, tool: str | None = None, required: bool = False) -> argparse.Action:
        """``--out``: the ``what`` (a folder or a file) the command creates or continues; a folder command of
        ``tool`` writes to ``runs/<tool>/<config name>`` without it (:func:`default_folder`)."""
        default = f" (default: runs/{tool}/<config name>)" if tool else ""
        return self.add_argument("--out", required=required, help=f"{what}{default}")

    def add_run(self, what: str, required: bool = True) -> argparse.Action:
        """``--run``: the finished folder the command reads (``what`` says which tool made it)."""
        return self.add_argument("--run", required=required, help=what)

    def add_overwrite(self) -> None:
        """``--overwrite``: replace an existing ``--out`` file."""
        self.add_argument("--overwrite", action="store_true", help="replace an existing --out file")

    def add_seed(self, what: str, default: int | None = 0) -> None:
        """``--seed``: the random seed of ``what``."""
        self.add_argument("--seed", type=non_negative_int, default=default, help=f"random seed of {what}")


def add_deprecated_spelling(parser: argparse.ArgumentParser, current: argparse.Action, old: str) -> None:
    """Accept ``old`` as a spelling of the option ``current`` (what ``add_argument`` returned) for one more
    release: it does what the current spelling does, prints a one-line notice on stderr and is left out of
    ``--help``."""
    parser.add_argument(old, action=_DeprecatedSpelling, current=current, dest=current.dest)


class _DeprecatedSpelling(argparse.Action):
    """An old spelling of the option ``current``: a notice, then ``current``'s own action."""

    def __init__(self, option_strings, dest, current: argparse.Action, **kwargs):
        super().__init__(option_strings, dest, nargs=current.nargs, const=current.const, default=current.default,
                         type=current.type, choices=current.choices, metavar=current.metavar,
                         help=argparse.SUPPRESS)  # fmt: skip
        self.current = current

    def __call__(self, parser, namespace, values, option_string=None):
        new = self.current.option_strings[0]
        print(f"warning: {option_string} is deprecated and will be removed in the next release; use {new}",
              file=sys.stderr)  # fmt: skip
        self.current(parser, namespace, values, new)


def positive_int(text: str) -> int:
    """An argparse type: an integer >= 1."""
    return _bounded(text, int, "a positive integer", lambda value: value >= 1)


def non_negative_int(text: str) -> int:
    """An argparse type: an integer >= 0 (seeds)."""
    return _bounded(text, int, "a non-negative integer", lambda value: value >= 0)


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0 (rates in Hz)."""
    return _bounded(text, float, "a positive finite number", lambda value: math.isfinite(value) and value > 0)


def number_in(low: float, high: float = math.inf):
    """An argparse type: a finite number from ``low`` to ``high`` (inclusive)."""
    bounds = f"from {low:g} to {high:g}" if math.isfinite(high) else f"of at least {low:g}"
    return lambda text: _bounded(text, float, f"a finite number {bounds}",
                              lambda value: math.isfinite(value) and low <= value <= high)  # fmt: skip


def _bounded(text: str, kind: type, description: str, allowed) -> int | float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {description}, got {text!r}") from None
    if not allowed(value):
        raise argparse.ArgumentTypeError(f"must be {description}, got {text}")
    return value


def run_command(action) -> int:
    """Run ``action()`` with logging on; print a user-facing error as one line and return 2.

    ``action`` returns where its outputs are (a file or folder), which the last log line names, or None.
    TensorFlow's C++ start-up lines are filtered as soon as the package is imported (``core.backend_logs``).
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    try:
        outputs = action()
    except CalciumGANError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except Exception as error:
        if not out_of_memory(error):
            raise
        print(f"error: out of memory ({type(error).__name__}); lower train.batch_size (or the window or network "
              "size) or use a device with more memory", file=sys.stderr)  # fmt: skip
        return USAGE_ERROR
    if outputs is not None:
        logging.getLogger("calciumgan").info("done: the outputs are in %s", outputs)
    return 0


def out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` says that the backend or Python ran out of memory (TensorFlow's ``ResourceExhaustedError``,
    XLA's ``RESOURCE_EXHAUSTED`` status under JAX, ``MemoryError``)."""
    return (isinstance(error, MemoryError) or type(error).__name__ == "ResourceExhaustedError"
            or str(error).lstrip().startswith("RESOURCE_EXHAUSTED"))  # fmt: skip


def default_folder(tool: str, config) -> pathlib.Path:
    """``runs/<tool>/<config name>``: the folder a command of ``tool`` writes when ``--out`` is not given."""
    return pathlib.Path("runs") / tool / pathlib.Path(config).stem


def output_folder(args, tool: str) -> pathlib.Path:
    """The checked ``--out`` folder of parsed ``args`` (with ``config``), or ``tool``'s default folder."""
    return check_output_folder(args.out or default_folder(tool, args.config))


def config_and_output_command(argv, prog: str, description: str, shipped: str, load, run, tool: str,
                              out_name: str = "output folder") -> int:  # fmt: skip
    """Parse ``--config`` and ``--out`` (default ``runs/<tool>/<config name>``), then ``run(load(config), out)``.

    ``load`` and ``run`` are functions or ``"module:function"`` names, imported only once the arguments are
    parsed, so that ``--help`` and argument errors answer without Keras. The config is read and the output
    folder checked before any work.
    """
    parser = CommandParser(prog=prog, description=description)
    parser.add_config(shipped)
    parser.add_out(out_name, tool)
    args = parser.parse_args(argv)

    def action():
        config = _function(load)(args.config)
        out = output_folder(args, tool)
        _function(run)(config, out)
        return out

    return run_command(action)


def _function(target):
    """``target`` itself, or the function that ``"module:function"`` names."""
    if callable(target):
        return target
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)
