"""A one-line progress bar on stderr, for long loops in the command-line tools."""

import sys
import time


class ProgressBar:
    """``label done/total [=====.....] seconds  note``, redrawn at most ten times a second.

    It draws only when ``enabled`` and stderr is a terminal, so logs written to a file stay
    free of carriage-return redraws (the loops log a summary line of their own).
    """

    def __init__(self, total: int, label: str, enabled: bool = True, width: int = 30):
        self.total, self.label, self.width = max(int(total), 1), label, width
        self.enabled = enabled and sys.stderr.isatty()
        self.done, self.started, self.drawn = 0, time.monotonic(), 0.0

    def update(self, count: int = 1, note: str = "") -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self.drawn >= 0.1 or self.done >= self.total):
            self.drawn = now
            filled = self.width * min(self.done, self.total) // self.total
            bar = "=" * filled + "." * (self.width - filled)
            line = f"\r{self.label} {self.done}/{self.total} [{bar}] {now - self.started:.1f} s"
            sys.stderr.write(f"{line}  {note}" if note else line)
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
