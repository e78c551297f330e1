"""Bad files and arguments given to ``calciumgan.evaluate``, with ``--real`` / ``--synthetic`` or ``--run``."""

import json

import numpy as np
import pytest
from catalogue import NEURONS, WINDOW, Case, cases, good_signals

from calciumgan.evaluate import main

pytestmark = pytest.mark.slow


def compare(workspace, real=None, synthetic=None, *extra: str, out=None) -> list:
    """argv comparing ``real`` (default: a valid recording) with ``synthetic`` (default: valid samples)."""
    real = real or workspace.recording_npz("real.npz")
    synthetic = synthetic or workspace.samples_h5()
    return ["--real", real, "--synthetic", synthetic, "--out", out or workspace / "report", *extra]


def samples(count: int = 8, window: int = WINDOW, neurons: int = NEURONS) -> np.ndarray:
    return np.stack([good_signals(window, neurons) for _ in range(count)])


def evaluate_run(workspace, *extra: str, damage=None) -> list:
    if damage:
        damage(workspace.run)
    return ["--run", str(workspace.run), *extra]


FILES = (
    Case("empty-samples", lambda w: compare(w, synthetic=w.samples_h5(signals=np.zeros((0, WINDOW, NEURONS)))),
         "samples.h5", "no samples"),
    Case("empty-real-file", lambda w: compare(w, real=w.text("real.h5", b"")), "real.h5", "not a readable"),
    Case("garbage-synthetic-file", lambda w: compare(w, synthetic=w.text("samples.h5", "garbage")),
         "samples.h5", "not a readable"),
    Case("hdf5-without-signals", lambda w: compare(w, synthetic=w.h5("samples.h5", {"traces": samples()})),
         "samples.h5", "'signals'"),
    Case("object-dtype-npz", lambda w: compare(w, real=w.npz("real.npz", signals=np.array([[1], [1, 2]], dtype=object),
                                                             sampling_rate=24.0)), "real.npz", "signals"),  # fmt: skip
    Case("nan-samples", lambda w: compare(w, synthetic=w.samples_h5(signals=np.where(samples() > 5, np.nan, 1.0))),
         "samples.h5", "NaN"),
    Case("text-samples", lambda w: compare(w, synthetic=w.samples_h5(signals=np.full((2, WINDOW, NEURONS), b"x"))),
         "samples.h5", "numeric"),
    Case("complex-samples", lambda w: compare(w, synthetic=w.samples_h5(signals=samples() * 1j)),
         "samples.h5", "complex"),
    Case("four-dimensional-samples", lambda w: compare(w, synthetic=w.samples_h5(signals=samples()[None])),
         "samples.h5", "4 dimensions"),
    Case("samples-without-rate", lambda w: compare(w, synthetic=w.h5("samples.h5", {"signals": samples()})),
         "samples.h5", "'sampling_rate'"),
    Case("samples-with-bad-rate", lambda w: compare(w, synthetic=w.samples_h5(sampling_rate=-24.0)),
         "samples.h5", "sampling_rate"),
    Case("samples-too-short", lambda w: compare(w, real=w.samples_h5("real.h5", signals=samples(window=4)),
                                                synthetic=w.samples_h5(signals=samples(window=4))),
         "real.h5", "4 frames", "correlation_bin_width"),  # fmt: skip
    Case("one-neuron", lambda w: compare(w, real=w.recording_npz("real.npz", signals=good_signals(neurons=1)),
                                         synthetic=w.samples_h5(signals=samples(neurons=1))), "1 neuron", "at least 2"),
    Case("garbage-real-file", lambda w: compare(w, real=w.text("real.h5", "garbage")), "real.h5", "not a readable"),
    Case("empty-synthetic-file", lambda w: compare(w, synthetic=w.text("samples.h5", b"")),
         "samples.h5", "not a readable"),
    Case("rates-differ", lambda w: compare(w, synthetic=w.samples_h5(sampling_rate=30.0)), "samples.h5", "30.0 Hz"),
    Case("neurons-differ", lambda w: compare(w, synthetic=w.samples_h5(signals=samples(neurons=NEURONS + 1))),
         "samples.h5", "neurons"),
    Case("recording-shorter-than-samples",
         lambda w: compare(w, real=w.recording_npz("real.npz", signals=good_signals(10))), "real.npz", "10 frames"),
    Case("two-recordings", lambda w: compare(w, synthetic=w.recording_npz("synthetic.npz")), "samples (K, T, N)"),
    Case("missing-synthetic", lambda w: compare(w, synthetic=w / "nowhere.h5"), "nowhere.h5", "no such file"),
    Case("real-is-a-folder", lambda w: compare(w, real=w.folder("real.h5")), "real.h5", "folder"),
    Case("num-samples-negative", lambda w: compare(w) + ["--num-samples", "-5"], "--num-samples", "positive"),
    Case("num-samples-zero", lambda w: compare(w) + ["--num-samples", "0"], "--num-samples", "positive"),
    Case("out-is-a-file", lambda w: compare(w, out=w.text("report", "keep me")), "report", "not a folder"),
    Case("no-out", lambda w: compare(w)[:4], "--out"),
    Case("only-real", lambda w: ["--real", w.recording_npz("real.npz"), "--out", w / "report"], "--synthetic"),
    Case("run-and-files", lambda w: ["--run", str(w.run), *compare(w)], "--run"),
    Case("nothing", lambda w: [], "--run"),
    Case("run-samples-without-out", lambda w: ["--run", str(w.run), "--synthetic", w.samples_h5()], "--out"),
    Case("run-samples-of-other-neurons",
         lambda w: ["--run", str(w.run), "--synthetic", w.samples_h5(neuron_ids=np.arange(NEURONS) + 100),
                    "--out", w / "report"], "samples.h5", "not the run's"),  # fmt: skip
    Case("train-without-real", lambda w: ["--run", str(w.run), "--train", w.recording_npz("train.npz")], "--train"),
    Case("unknown-inference-mode", lambda w: compare(w) + ["--spike-inference", "learned"], "--spike-inference"),
    Case("train-with-other-neurons",
         lambda w: compare(w) + ["--train", w.recording_npz("train.npz", signals=good_signals(neurons=NEURONS + 2))],
         "train.npz", "8 neurons"),
)


@cases(*FILES)
def test_bad_files(refused, case):
    refused(main, case)


def truncate(path) -> None:
    path.write_bytes(path.read_bytes()[:100])


RUNS = (
    Case("missing-run", lambda w: ["--run", w / "nowhere"], "nowhere", "no such run folder"),
    Case("empty-run-folder", lambda w: ["--run", w.folder("empty")], "empty", "not a finished training run"),
    Case("truncated-untrained-generator",
         lambda w: evaluate_run(w, damage=lambda run: truncate(run / "untrained_generator.keras")),
         "untrained_generator.keras", "damaged"),
    Case("corrupt-recording-json",
         lambda w: evaluate_run(w, damage=lambda run: (run / "recording.json").write_text("{")), "recording.json"),
    Case("recording-json-frames-differ",
         lambda w: evaluate_run(w, damage=lambda run: (run / "recording.json").write_text(
             json.dumps({**json.loads((run / "recording.json").read_text()), "num_frames": 10}))),
         "recording.json", "frames"),  # fmt: skip
    Case("truncated-recording", lambda w: evaluate_run(w, damage=lambda run: truncate(run / "recording.h5")),
         "recording.h5", "not a readable"),
    Case("run-num-samples-negative", lambda w: evaluate_run(w, "--num-samples", "-5"), "--num-samples"),
    Case("run-out-is-a-file", lambda w: evaluate_run(w, "--out", w.text("report.txt", "x")),
         "report.txt", "not a folder"),
    Case("lfp-experiment", lambda w: ["--run", w.tool_folder("lfp")],
         "lfp is an LFP experiment made by lfp.pretrain", "lfp.evaluate"),
)


@cases(*RUNS)
def test_bad_runs(refused, case):
    refused(main, case)
