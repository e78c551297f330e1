"""The package's figures stay out of pyplot: importing it keeps the user's backend, drawing opens no pyplot figure."""

import os
import subprocess
import sys

import numpy as np
import pytest

from calciumgan.core.figures import subplots

PLOTTING_MODULES = ("calciumgan.evaluation.plots", "lfp.evaluation.plots", "exciting_inputs.report",
                    "exciting_inputs.latent.report", "exciting_inputs.optimisation.report")  # fmt: skip


@pytest.mark.slow  # a subprocess
def test_importing_the_plotting_modules_keeps_the_users_backend():
    code = f"import matplotlib, {', '.join(PLOTTING_MODULES)}; print(matplotlib.get_backend())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "MPLBACKEND": "svg"})  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "svg"


def test_subplots_draws_and_saves_without_pyplot(tmp_path):
    import matplotlib.pyplot as plt

    figure, axes = subplots(2, 3, figsize=(4, 3), dpi=50, squeeze=False)
    assert axes.shape == (2, 3) and tuple(figure.get_size_inches()) == (4, 3)
    axes[1, 2].plot(np.arange(5))
    figure.savefig(tmp_path / "figure.png", format="png")
    assert (tmp_path / "figure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plt.get_fignums() == []
