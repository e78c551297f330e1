"""Bad arrays and arguments given to ``calciumgan.prepare``."""

import numpy as np
import pytest
from catalogue import FRAMES, NEURONS, Case, cases, good_signals

from calciumgan.prepare import main

pytestmark = pytest.mark.slow


def prepare(workspace, signals=None, *extra: str, out=None, rate: str = "24") -> list:
    signals = signals or workspace.npy("F.npy", good_signals())
    return ["--signals", signals, "--sampling-rate", rate, "--out", out or workspace / "rec.h5", *extra]


PREPARE = (
    Case("out-is-a-folder", lambda w: prepare(w, out=w.folder("rec.h5")), "rec.h5", "folder"),
    Case("out-exists", lambda w: prepare(w, out=w.text("rec.h5", "keep me")), "rec.h5", "--overwrite"),
    Case("out-unknown-suffix", lambda w: prepare(w, out=w / "rec.txt"), "rec.txt", ".h5"),
    Case("neurons-first-without-flag", lambda w: prepare(w, w.npy("F.npy", good_signals().T)),
         "F.npy", "--neurons-first"),
    Case("frames-first-with-flag", lambda w: prepare(w, None, "--neurons-first"), "F.npy", "--neurons-first"),
    Case("large-baseline", lambda w: prepare(w, w.npy("F.npy", good_signals().astype(np.float64) + 3e7)),
         "F.npy", "float32", "--subtract-baseline"),
    Case("missing-signals", lambda w: prepare(w, w / "nowhere.npy"), "nowhere.npy", "no such file"),
    Case("pickled-array", lambda w: prepare(w, w.npy("F.npy", np.array([None, 1], dtype=object), allow_pickle=True)),
         "F.npy", "plain .npy"),
    Case("npz-instead-of-npy", lambda w: prepare(w, w.npz("F.npz", signals=good_signals())), "F.npz", ".npy"),
    Case("garbage-npy", lambda w: prepare(w, w.text("F.npy", "1 2 3")), "F.npy", "plain .npy"),
    Case("three-dimensions", lambda w: prepare(w, w.npy("F.npy", np.ones((2, FRAMES, NEURONS)))),
         "F.npy", "3 dimensions"),
    Case("complex", lambda w: prepare(w, w.npy("F.npy", good_signals() * 1j)), "F.npy", "complex"),
    Case("nan", lambda w: prepare(w, w.npy("F.npy", np.where(good_signals() > 6, np.nan, 1.0))), "F.npy", "NaN"),
    Case("text", lambda w: prepare(w, w.npy("F.npy", np.full((FRAMES, NEURONS), "x"))), "F.npy", "non-numeric"),
    Case("empty", lambda w: prepare(w, w.npy("F.npy", np.zeros((0, NEURONS)))), "F.npy", "empty"),
    Case("rate-negative", lambda w: prepare(w, rate="-24"), "--sampling-rate", "positive"),
    Case("rate-zero", lambda w: prepare(w, rate="0"), "--sampling-rate", "positive"),
    Case("rate-nan", lambda w: prepare(w, rate="nan"), "--sampling-rate", "positive"),
    Case("rate-inf", lambda w: prepare(w, rate="inf"), "--sampling-rate", "positive"),
    Case("rate-text", lambda w: prepare(w, rate="fast"), "--sampling-rate", "'fast'"),
    Case("spikes-shape", lambda w: prepare(w, None, "--spikes", w.npy("S.npy", np.zeros((FRAMES, NEURONS + 1)))),
         "'spikes'", "shape"),
    Case("spikes-missing", lambda w: prepare(w, None, "--spikes", w / "S.npy"), "S.npy", "no such file"),
    Case("spikes-negative", lambda w: prepare(w, None, "--spikes", w.npy("S.npy", -np.ones((FRAMES, NEURONS)))),
         "negative"),
)


@cases(*PREPARE)
def test_bad_prepare_inputs(refused, case):
    refused(main, case)
