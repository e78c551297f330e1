"""Progress output: plain lines every few per cent outside a terminal, redraws inside one."""

import re

import pytest

from calciumgan.core import progress
from calciumgan.core.progress import ProgressBar, time_left_text


class _Stream:
    def __init__(self, terminal: bool):
        self.terminal, self.text = terminal, ""

    def isatty(self) -> bool:
        return self.terminal

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def _run(monkeypatch, terminal: bool, total: int = 200, enabled: bool = True) -> str:
    stream = _Stream(terminal)
    monkeypatch.setattr(progress.sys, "stderr", stream)
    bar = ProgressBar(total, "epoch 1/3", enabled=enabled, every_percent=10)
    for _ in range(total):
        bar.update(1, "loss 0.5")
    bar.close()
    return stream.text


def test_outside_a_terminal_one_line_per_ten_per_cent_with_rate_and_eta(monkeypatch):
    text = _run(monkeypatch, terminal=False)
    assert "\r" not in text
    lines = text.splitlines()
    assert [int(re.match(r"epoch 1/3 (\d+)/200 ", line).group(1)) for line in lines] == list(range(20, 201, 20))
    assert all(re.search(r"\(\d+%\) [\d.e+]+/s, ETA \d+ s  loss 0.5$", line) for line in lines)
    assert lines[-1].startswith("epoch 1/3 200/200 (100%)") and lines[-1].endswith("ETA 0 s  loss 0.5")


def test_short_loops_log_every_item_once_and_disabled_bars_write_nothing(monkeypatch):
    assert len(_run(monkeypatch, terminal=False, total=3).splitlines()) == 3
    assert _run(monkeypatch, terminal=False, enabled=False) == ""
    assert _run(monkeypatch, terminal=True, enabled=False) == ""


def test_in_a_terminal_the_line_is_redrawn_in_place(monkeypatch):
    text = _run(monkeypatch, terminal=True, total=5)
    assert text.count("\n") == 1 and text.endswith("\n") and text.startswith("\repoch 1/3 1/5 [")
    assert "5/5 [==============================]" in text


@pytest.mark.parametrize("elapsed, done, left, text", [
    (30.0, 3, 2, "about 20 s left"),  # 10 s per unit
    (600.0, 2, 5, "about 25 min left"),
    (3000.0, 1, 3, "about 2 h 30 min left"),
    (5.0, 1, 0, "about 0 s left"),
])  # fmt: skip
def test_time_left_is_the_pace_so_far_times_the_work_left(elapsed, done, left, text):
    assert time_left_text(elapsed, done, left) == text
