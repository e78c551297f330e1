"""The AC-GAN command end to end: a short run on two very different presets learns their labels."""

import json

import h5py
import numpy as np
import pytest
import yaml

from calciumgan.conditional.train import main

CONFIG = {
    "data": {"presets": ["day1", "dff_day4"], "num_frames": 2400, "num_neurons": 8, "window": 32, "stride": 4},
    "model": {"noise_dim": 8, "embedding_dim": 4, "filters": 4, "kernel_size": 4, "num_blocks": 3},
    "train": {"epochs": 2, "steps_per_epoch": 40, "batch_size": 16, "n_critic": 2, "validation_batches": 4,
              "checkpoint_every": 1},
    "generate": {"samples_per_label": 5},
}  # fmt: skip
CHANCE = 0.5  # two labels
MARGIN = 0.25  # at least 48 of 64 held-out windows (chance would reach that with p < 1e-4); measured 0.875


@pytest.mark.slow
def test_short_run_classifies_held_out_labels_and_writes_labelled_samples(tmp_path):
    config = tmp_path / "acgan.yaml"
    config.write_text(yaml.safe_dump(CONFIG))
    out = tmp_path / "run"
    assert main(["--config", str(config), "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    print(f"held-out real-label accuracy {metrics['val_real_accuracy']:.3f}")
    assert metrics["val_real_accuracy"] >= CHANCE + MARGIN
    conditioning = json.loads((out / "conditioning.json").read_text())
    print(f"per-neuron mean r, generated x real labels: {conditioning['mean_correlation']}")
    assert conditioning["presets"] == ["day1", "dff_day4"] and np.shape(conditioning["mean_correlation"]) == (2, 2)
    with h5py.File(out / "samples.h5") as file:
        assert file["signals"].shape == (10, 32, 8) and file["signals"].dtype == np.float32
        np.testing.assert_array_equal(file["labels"][:], [0] * 5 + [1] * 5)
        assert list(file.attrs["presets"]) == ["day1", "dff_day4"]
        first = file["signals"][:]
    # the same command again finds the finished run: nothing retrains, the same samples come out
    assert main(["--config", str(config), "--out", str(out)]) == 0
    with h5py.File(out / "samples.h5") as file:
        np.testing.assert_array_equal(file["signals"][:], first)
    assert json.loads((out / "metrics.json").read_text()) == metrics
    assert sorted(path.name for path in (out / "checkpoints").iterdir()) == ["epoch-00001.h5", "epoch-00002.h5"]
