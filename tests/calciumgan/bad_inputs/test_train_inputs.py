"""Bad recordings given to ``calciumgan.train --data``, and bad ``train`` arguments."""

import numpy as np
import yaml
from catalogue import FRAMES, NEURONS, Case, cases, good_signals

from calciumgan.train import main

pytestmark = __import__("pytest").mark.slow


def train(data: str, workspace, out=None) -> list:
    return ["--config", workspace.config(), "--data", data, "--out", out or workspace / "new-run"]


def with_value(frame: int, neuron: int, value, dtype=np.float64) -> np.ndarray:
    signals = good_signals().astype(dtype)
    signals[frame, neuron] = value
    return signals


RAGGED = np.array([np.zeros(3), np.zeros(4)], dtype=object)  # saved as pickled Python objects

RECORDINGS = (
    Case("object-dtype-npz", lambda w: train(w.recording_npz("bad.npz", signals=RAGGED), w), "bad.npz", "signals"),
    Case("signals-is-a-group", lambda w: train(w.h5("bad.h5", groups=("signals",), attrs={"sampling_rate": 24.0}), w),
         "bad.h5", "'signals'", "group"),
    Case("signals-is-a-scalar", lambda w: train(w.h5("bad.h5", {"signals": 3.0}, {"sampling_rate": 24.0}), w),
         "bad.h5", "'signals'", "dimensions"),
    Case("complex-values", lambda w: train(w.recording_npz(signals=good_signals() * (1 + 1j)), w),
         "rec.npz", "complex"),
    Case("beyond-float32", lambda w: train(w.recording_npz(signals=with_value(5, 2, 1e39)), w),
         "rec.npz", "float32", "frame 5"),
    Case("nan", lambda w: train(w.recording_npz(signals=with_value(7, 1, np.nan)), w), "rec.npz", "NaN", "frame 7"),
    Case("inf", lambda w: train(w.recording_npz(signals=with_value(9, 3, -np.inf)), w), "rec.npz", "infinite"),
    Case("one-dimension", lambda w: train(w.recording_npz(signals=np.ones(FRAMES)), w), "rec.npz", "1 dimensions"),
    Case("three-dimensions", lambda w: train(w.recording_npz(signals=np.ones((2, FRAMES, 3))), w),
         "rec.npz", "3 dimensions"),
    Case("no-frames", lambda w: train(w.recording_npz(signals=np.ones((0, NEURONS))), w), "rec.npz", "empty"),
    Case("every-neuron-constant", lambda w: train(w.recording_npz(signals=np.full((FRAMES, NEURONS), 0.5)), w),
         "rec.npz", f"all {NEURONS} neurons are constant"),
    Case("text-values", lambda w: train(w.recording_npz(signals=np.full((FRAMES, NEURONS), "x")), w),
         "rec.npz", "non-numeric"),
    Case("missing-signals", lambda w: train(w.recording_npz(signals=None, traces=good_signals()), w),
         "rec.npz", "missing 'signals'"),
    Case("missing-rate-npz", lambda w: train(w.recording_npz(sampling_rate=None), w), "rec.npz", "'sampling_rate'"),
    Case("missing-rate-hdf5", lambda w: train(w.h5("rec.h5", {"signals": good_signals()}), w),
         "rec.h5", "'sampling_rate'"),
    Case("negative-rate", lambda w: train(w.recording_npz(sampling_rate=-24.0), w), "rec.npz", "sampling_rate"),
    Case("zero-rate", lambda w: train(w.recording_npz(sampling_rate=0.0), w), "rec.npz", "sampling_rate"),
    Case("nan-rate", lambda w: train(w.recording_npz(sampling_rate=np.nan), w), "rec.npz", "sampling_rate"),
    Case("text-rate", lambda w: train(w.recording_npz(sampling_rate=np.array("fast")), w), "rec.npz", "sampling_rate"),
    Case("two-rates", lambda w: train(w.recording_npz(sampling_rate=np.array([24.0, 30.0])), w),
         "rec.npz", "sampling_rate"),
    Case("text-rate-hdf5", lambda w: train(w.h5("rec.h5", {"signals": good_signals()}, {"sampling_rate": "24 Hz"}), w),
         "rec.h5", "sampling_rate"),
    Case("spikes-shape", lambda w: train(w.recording_npz(spikes=np.zeros((FRAMES, NEURONS + 1))), w),
         "rec.npz", "'spikes'"),
    Case("negative-spikes", lambda w: train(w.recording_npz(spikes=-np.ones((FRAMES, NEURONS))), w),
         "rec.npz", "negative"),
    Case("nan-spikes", lambda w: train(w.recording_npz(spikes=with_value(3, 0, np.nan) * 0), w), "rec.npz", "'spikes'"),
    Case("spikes-is-a-group", lambda w: train(w.h5("rec.h5", {"signals": good_signals()}, {"sampling_rate": 24.0},
                                                   groups=("spikes",)), w), "rec.h5", "'spikes'"),  # fmt: skip
    Case("duplicate-ids", lambda w: train(w.recording_npz(neuron_ids=np.zeros(NEURONS, int)), w),
         "rec.npz", "duplicates"),
    Case("ids-length", lambda w: train(w.recording_npz(neuron_ids=np.arange(NEURONS + 2)), w), "rec.npz", "neuron_ids"),
    Case("float-ids", lambda w: train(w.recording_npz(neuron_ids=np.arange(NEURONS) + 0.5), w),
         "rec.npz", "neuron_ids"),
    Case("shorter-than-a-window", lambda w: train(w.recording_npz(signals=good_signals(20)), w),
         "rec.npz", "shorter than one window"),
    Case("validation-block-too-short", lambda w: train(w.recording_npz(signals=good_signals(100)), w),
         "rec.npz", "validation block"),
    Case("missing-file", lambda w: train(w / "nowhere.h5", w), "nowhere.h5", "no such file"),
    Case("unknown-suffix", lambda w: train(w.text("rec.csv", "1,2\n3,4\n"), w), "rec.csv", "unknown format"),
    Case("garbage-npz", lambda w: train(w.text("rec.npz", "not an archive"), w), "rec.npz", "not a readable"),
    Case("garbage-hdf5", lambda w: train(w.text("rec.h5", "not hdf5"), w), "rec.h5", "not a readable"),
    Case("empty-hdf5", lambda w: train(w.text("rec.h5", b""), w), "rec.h5", "not a readable"),
    Case("folder-as-data", lambda w: train(w.folder("rec.h5"), w), "rec.h5", "folder"),
    Case("large-baseline", lambda w: train(w.recording_npz(signals=good_signals().astype(np.float64) + 3e7), w),
         "rec.npz", "float32", "baseline"),
)


@cases(*RECORDINGS)
def test_bad_recordings(refused, case):
    refused(main, case)


ARGUMENTS = (
    Case("no-config", lambda w: ["--out", w / "new-run"], "--config"),
    Case("misspelt-argument", lambda w: ["--config", w.config(), "--ot", w / "new-run"], "--ot"),
    Case("out-is-a-file", lambda w: ["--config", w.config(), "--out", w.text("run.txt", "x")],
         "run.txt", "not a folder"),
    Case("out-inside-a-file", lambda w: ["--config", w.config(), "--out", w.text("run.txt", "x") + "/run"],
         "run.txt", "not a folder"),
)


@cases(*ARGUMENTS)
def test_bad_arguments(refused, case):
    refused(main, case)


def retarget(workspace, recording: str) -> None:
    """Make the finished run's config name ``recording`` as its data file, as if it had trained on it."""
    path = workspace.run / "config.yaml"
    config = yaml.safe_load(path.read_text())
    config["data"].update(source="file", path=recording)
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def changed_recording(workspace) -> list:
    """The run's recording file was re-made with another neuron count since the run trained on it."""
    recording = workspace.recording_npz(signals=good_signals(FRAMES, NEURONS + 1))
    retarget(workspace, recording)
    return train(recording, workspace, out=str(workspace.run))


RUNS = (
    Case("recording-changed-since-training", changed_recording, "rec.npz", "differs from the recording", "7"),
    Case("different-config-on-a-trained-run",
         lambda w: ["--config", w.config(model__filters=8), "--out", str(w.run)],
         "config.yaml", "different configuration"),
    Case("different-data-on-a-trained-run", lambda w: train(w.recording_npz(), w, out=str(w.run)),
         "config.yaml", "different configuration"),
    Case("every-checkpoint-damaged",
         lambda w: [path.write_bytes(b"") for path in (w.run / "checkpoints").iterdir()] and
         ["--config", w.config(train__epochs=3), "--out", str(w.run)], "every checkpoint is damaged"),  # fmt: skip
    Case("out-is-an-lfp-experiment", lambda w: ["--config", w.config(), "--out", w.tool_folder("lfp")],
         "lfp is an LFP experiment made by lfp.pretrain", "lfp.generate"),
)


@cases(*RUNS)
def test_trained_runs_refuse_what_does_not_belong_to_them(refused, case):
    refused(main, case)
