"""Progress of long loops in the command-line tools, on stderr, readable in a terminal and in a log.

In a terminal: one line redrawn in place at most ten times a second. Anywhere else (CI, ``nohup``,
a cluster job's log file): one plain line each time another ``every_percent`` of the work is
done, with the rate and the estimated time left, so a log never fills with carriage returns.
"""

import sys
import time


class ProgressBar:
    """``label done/total [=====.....] seconds  note`` in a terminal; otherwise
    ``label done/total (p%) rate/s, ETA seconds  note`` lines every ``every_percent`` per cent."""

    def __init__(self, total: int, label: str, enabled: bool = True, width: int = 30, every_percent: float = 10.0):
        self.total, self.label, self.width = max(int(total), 1), label, width
        self.enabled, self.terminal = enabled, sys.stderr.isatty()
        self.step = max(1, round(self.total * every_percent / 100))  # items between two log lines
        self.done, self.started, self.drawn, self.logged = 0, time.monotonic(), 0.0, 0

    def update(self, count: int = 1, note: str = "") -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if self.terminal and (now - self.drawn >= 0.1 or self.done >= self.total):
            self.drawn = now
            filled = self.width * min(self.done, self.total) // self.total
            bar = "=" * filled + "." * (self.width - filled)
            line = f"\r{self.label} {self.done}/{self.total} [{bar}] {now - self.started:.1f} s"
            self._write(f"{line}  {note}" if note else line)
        elif not self.terminal and (self.done // self.step > self.logged // self.step or self.done >= self.total):
            if self.logged >= self.total:
                return
            self.logged = self.done
            elapsed = max(now - self.started, 1e-9)
            rate = self.done / elapsed
            left = (self.total - min(self.done, self.total)) / rate if rate > 0 else float("inf")
            line = (f"{self.label} {self.done}/{self.total} ({100 * min(self.done, self.total) // self.total}%) "
                    f"{rate:.3g}/s, ETA {left:.0f} s")  # fmt: skip
            self._write(f"{line}  {note}\n" if note else f"{line}\n")

    def close(self) -> None:
        if self.enabled and self.terminal and self.drawn:
            self._write("\n")

    @staticmethod
    def _write(text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()


def time_left_text(elapsed: float, done: int, left: int) -> str:
    """``"about 14 min left"``: the time ``left`` more units of work take at the pace of the ``done`` that took
    ``elapsed`` seconds (rounded to seconds under 2 minutes, minutes under 2 hours, then hours and minutes)."""
    seconds = elapsed / max(done, 1) * left
    if seconds < 120:
        return f"about {seconds:.0f} s left"
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"about {minutes} min left"
    return f"about {minutes // 60} h {minutes % 60} min left"
