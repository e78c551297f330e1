"""What every command-line tool shares: logging set-up and one-line errors."""

import logging
import sys

from calciumgan.core.errors import CalciumGANError


def run_command(action) -> int:
    """Run ``action()`` with logging on; print a user-facing error as one line and return 2."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    try:
        action()
    except CalciumGANError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
