"""A damaged file in an LFP experiment folder is named in one error line, with no traceback (issue 23)."""

import hashlib
import json
import shutil

import pytest
from commands import run_module

pytestmark = pytest.mark.slow  # builds a tiny LFP GAN (a few seconds); the cases then run in this process

WRONG_PROGRESS = json.dumps({"signal_autoencoder": 3, "image_autoencoder": {"epochs": 1, "loss": []}})
CASES = {  # name: (file, its damaged content, command, what the error line says)
    "progress-not-json": ("pretrain/progress.json", "{", "lfp.pretrain", "progress.json: damaged, not JSON"),
    "progress-wrong-shape": ("pretrain/progress.json", WRONG_PROGRESS, "lfp.pretrain",
                             "progress.json: damaged, not {name: {\"epochs\": n"),
    "split-truncated": ("split.json", '{"source": "synthetic", "train_ima', "lfp.pretrain", "split.json: damaged"),
    "data-not-hdf5": ("data.h5", "garbage", "lfp.generate", "data.h5: not a readable HDF5 file"),
    "generator-not-keras": ("gan-scratch/generator.keras", "garbage", "lfp.generate",
                            "generator.keras: damaged, not a complete .keras archive"),
    "tool-record-truncated": ("tool.json", '{"tool": "lfp', "lfp.generate", "tool.json: damaged"),
}  # fmt: skip


def _snapshot(folder) -> dict:
    """relative path -> SHA-256 of every file under ``folder``."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}  # fmt: skip


def _arguments(command: str, experiment, tmp_path) -> list:
    if command == "lfp.pretrain":
        return ["--config", experiment.parent / "tiny.yaml", "--out", experiment]
    return ["--run", experiment, "--init", "scratch", "--out", tmp_path / "windows.h5"]


@pytest.mark.parametrize("case", CASES)
def test_a_damaged_file_is_named_in_one_line(untrained_lfp_experiment, tmp_path, case):
    name, content, command, message = CASES[case]
    experiment = shutil.copytree(untrained_lfp_experiment, tmp_path / "experiment")
    shutil.copy(untrained_lfp_experiment.parent / "tiny.yaml", tmp_path / "tiny.yaml")
    (experiment / name).parent.mkdir(parents=True, exist_ok=True)
    (experiment / name).write_text(content)
    before = _snapshot(tmp_path)
    result = run_module(command, *_arguments(command, experiment, tmp_path))
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert len(errors) == 1 and str(experiment / name) in errors[0] and message in errors[0], errors
    assert _snapshot(tmp_path) == before  # nothing created, changed or removed
