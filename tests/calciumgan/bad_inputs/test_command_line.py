"""A few catalogue cases run as real commands (``python -m ...``), as a user types them."""

import os
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.slow

COMMANDS = {
    "train-empty-config": lambda w: ["calciumgan.train", "--config", w.text("empty.yaml", ""), "--out", w / "run"],
    "generate-negative-batch": lambda w: ["calciumgan.generate", "--run", w / "run", "--num-samples", "4",
                                          "--out", w / "s.h5", "--batch-size", "-1"],  # fmt: skip
    "evaluate-nothing": lambda w: ["calciumgan.evaluate"],
    "prepare-nan": lambda w: ["calciumgan.prepare", "--signals", w.npy("F.npy", np.full((50, 3), np.nan)),
                              "--sampling-rate", "24", "--out", w / "rec.h5"],  # fmt: skip
}


@pytest.mark.parametrize("name", COMMANDS)
def test_a_refused_command_prints_one_line_and_exits_2(workspace, name):
    argv = COMMANDS[name](workspace)
    before = workspace.snapshot()
    result = subprocess.run([sys.executable, "-m", *argv], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})  # fmt: skip
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert len(errors) == 1 and errors[0].startswith("error: "), result.stderr
    assert workspace.snapshot() == before
