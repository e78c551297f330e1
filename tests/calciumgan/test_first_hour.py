"""A new user's first hour with their own recording, end to end (issue 27): a Suite2p plane folder with non-cells ->
prepare -> train (tiny) -> generate NWB -> evaluate the NWB against the run -> a report that names ROIs by their
Suite2p numbers and scores the held-out block."""

import json
import re

import h5py
import numpy as np
import pytest
import yaml
from commands import run_module
from ophys_files import write_suite2p_plane

from calciumgan.core.samples import open_samples
from calciumgan.evaluation import plots

pytestmark = pytest.mark.slow

RATE, FRAMES = 24.0, 1200
ISCELL = np.array([1, 0, 1, 1, 0, 1, 1, 1])  # ROIs 1 and 4 are not cells
CELL_IDS = [0, 2, 3, 5, 6, 7]  # what every file and figure must call the six cells


def _plane_folder(folder):
    """Suite2p's F (1000 + 400 x calcium of 0.5 Hz Poisson spikes, 0.5 s decay, plus noise) and Fneu of 8 ROIs."""
    rng = np.random.default_rng(7)
    spikes = rng.poisson(0.5 / RATE, size=(len(ISCELL), FRAMES))
    calcium = np.zeros(spikes.shape)
    for t in range(FRAMES):
        calcium[:, t] = spikes[:, t] + (calcium[:, t - 1] * np.exp(-1 / (0.5 * RATE)) if t else 0)
    fluorescence = 1000 + 400 * calcium + rng.normal(0, 10, spikes.shape)
    neuropil = 200 + rng.normal(0, 5, spikes.shape)
    iscell = np.stack([ISCELL, np.where(ISCELL == 1, 0.9, 0.1)], axis=1)
    return write_suite2p_plane(folder / "suite2p" / "plane0", fluorescence, neuropil, iscell=iscell,
                               settings={"fs": RATE, "nframes": FRAMES})  # fmt: skip


def _ends_naming(result, path) -> bool:
    return result.stderr.rstrip().splitlines()[-1].endswith(f"done: the outputs are in {path}")


def test_a_suite2p_folder_goes_from_prepare_to_a_report_that_names_its_rois(tmp_path, write_config, monkeypatch):
    plane = _plane_folder(tmp_path)

    recording = tmp_path / "recording.h5"
    result = run_module("calciumgan.prepare", "--signals", plane, "--out", recording)
    assert result.returncode == 0 and _ends_naming(result, recording), result.stderr[-2000:]
    with h5py.File(recording) as file:
        assert file["neuron_ids"][()].tolist() == CELL_IDS and file["signals"].shape == (FRAMES, len(CELL_IDS))

    run = tmp_path / "run"
    config = write_config(tmp_path / "tiny.yaml", {"evaluate.num_samples": 16, "evaluate.heatmap_samples": 4,
                                                   "evaluate.workers": 1})  # fmt: skip
    result = run_module("calciumgan.train", "--config", config, "--data", plane, "--out", run)
    assert result.returncode == 0 and _ends_naming(result, run), result.stderr[-2000:]
    assert re.search(r"epoch 2/2 \(about \d+ s left in training\)", result.stderr)  # the whole run's time left
    saved = yaml.safe_load((run / "config.yaml").read_text())["data"]
    assert saved["source"] == "file" and "preset" not in saved  # the surrogate's keys do not apply to a file

    samples = run / "samples.nwb"
    result = run_module("calciumgan.generate", "--run", run, "--num-samples", "16", "--out", samples)
    assert result.returncode == 0 and _ends_naming(result, samples), result.stderr[-2000:]
    assert open_samples(samples).ids.tolist() == CELL_IDS  # the NWB file's ROI table

    figures = []
    monkeypatch.setattr(plots, "_save", lambda figure, path: figures.append(figure))
    report = run / "samples-report"
    result = run_module("calciumgan.evaluate", "--run", run, "--synthetic", samples, "--out", report)
    assert result.returncode == 0 and _ends_naming(result, report), result.stderr[-2000:]
    scores = json.loads((report / "report.json").read_text())
    assert scores["counts"]["neuron_ids"] == CELL_IDS and scores["real_data"]["held_out"] is True
    assert "floor" in {row["row"] for row in scores["table"]}  # the run's training block gives a floor
    assert "from the held-out real data" in (report / "report.md").read_text()
    named = [int(number) for figure in figures for axis in figure.axes
             for number in re.findall(r"neuron (\d+)", axis.get_title() + axis.get_ylabel())]  # fmt: skip
    assert named and set(named) <= set(CELL_IDS) and set(named) & {5, 6, 7}, named  # ROI numbers, not columns
