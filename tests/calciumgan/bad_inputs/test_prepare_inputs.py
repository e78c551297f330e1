"""Bad arrays and arguments given to ``calciumgan.prepare``."""

import numpy as np
import pytest
from catalogue import FRAMES, NEURONS, Case, cases, good_signals
from ophys_files import write_dff_nwb, write_suite2p_plane

from calciumgan.prepare import main

pytestmark = pytest.mark.slow
RATE_HZ = 24.0


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
    Case("square-without-layout", lambda w: prepare(w, w.npy("F.npy", good_signals()[:NEURONS])),
         "F.npy", "as many frames as neurons", "--frames-first"),
    Case("both-layouts", lambda w: prepare(w, None, "--neurons-first", "--frames-first"),
         "--frames-first", "not allowed with argument --neurons-first"),
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


def plane(workspace, name: str = "plane0", fs=RATE_HZ, iscell=None, offset: float = 100.0) -> str:
    """A Suite2p plane folder of NEURONS ROIs (every one a cell unless ``iscell`` says otherwise)."""
    signals = good_signals().T + offset
    iscell = np.ones((NEURONS, 2)) if iscell is None else iscell
    return str(write_suite2p_plane(workspace.root / name, signals, signals / 2, iscell, settings={"fs": fs}))


def two_planes(workspace) -> str:
    """A suite2p folder holding plane0 and plane1."""
    plane(workspace, "suite2p/plane0"), plane(workspace, "suite2p/plane1")
    return workspace / "suite2p"


def nwb(workspace, timestamps=None) -> str:
    """An NWB file whose one series is 'DfOverF/roi_series' at 24 Hz (or at ``timestamps``)."""
    rate = None if timestamps is not None else RATE_HZ
    return str(write_dff_nwb(workspace.root / "session.nwb", good_signals(neurons=4), rate, timestamps))


def convert(workspace, signals: str, *extra: str, out=None) -> list:
    return ["--signals", signals, "--out", out or workspace / "rec.h5", *extra]


IRREGULAR = np.arange(FRAMES) / RATE_HZ + np.where(np.arange(FRAMES) >= 300, 0.02, 0.0)  # one interval 20 ms late

SUITE2P_AND_NWB = (
    Case("suite2p-neurons-first", lambda w: convert(w, plane(w), "--neurons-first"), "--neurons-first",
         ".npy signals only", "plane0"),
    Case("suite2p-spikes-npy", lambda w: convert(w, plane(w), "--spikes", w.npy("S.npy", good_signals())),
         "--spikes", ".npy signals only"),
    Case("suite2p-subtract-baseline", lambda w: convert(w, plane(w), "--subtract-baseline"), "--subtract-baseline"),
    Case("suite2p-series", lambda w: convert(w, plane(w), "--nwb-series", "roi_series"), "--nwb-series",
         "an NWB file only"),
    Case("nwb-trace", lambda w: convert(w, nwb(w), "--trace", "raw"), "--trace", "a Suite2p folder only",
         "session.nwb"),
    Case("npy-no-cells-only", lambda w: prepare(w, None, "--no-cells-only"), "--no-cells-only", "F.npy"),
    Case("npy-without-rate", lambda w: ["--signals", w.npy("F.npy", good_signals()), "--out", w / "rec.h5"],
         "--sampling-rate is required", "F.npy"),
    Case("suite2p-rate-disagrees", lambda w: convert(w, plane(w, fs=30.0), "--sampling-rate", "24"),
         "plane0", "30 Hz", "--sampling-rate says 24 Hz"),
    Case("nwb-rate-disagrees", lambda w: convert(w, nwb(w), "--sampling-rate", "25"), "session.nwb", "24 Hz"),
    Case("suite2p-out-exists", lambda w: convert(w, plane(w), out=w.text("rec.h5", "keep me")), "rec.h5",
         "--overwrite"),
    Case("not-suite2p", lambda w: convert(w, w.folder("plane0")), "plane0", "not a Suite2p plane folder",
         "F.npy, Fneu.npy, iscell.npy, ops.npy or settings.npy"),
    Case("suite2p-two-planes", lambda w: convert(w, two_planes(w)), "suite2p", "2 Suite2p planes (plane0, plane1)"),
    Case("suite2p-no-cells", lambda w: convert(w, plane(w, iscell=np.zeros((NEURONS, 2)))), "iscell.npy",
         "none of the 6 ROIs", "--no-cells-only"),
    Case("suite2p-bad-fs", lambda w: convert(w, plane(w, fs=-1.0)), "ops.npy", "'fs' must be a positive number"),
    Case("suite2p-negative-baseline", lambda w: convert(w, plane(w, offset=-50.0)), "ROI 0", "F0 <= 0", "'delta_f'"),
    Case("suite2p-trace-unknown", lambda w: convert(w, plane(w), "--trace", "dF"), "--trace", "'dF'"),
    Case("suite2p-percentile", lambda w: convert(w, plane(w), "--baseline-percentile", "150"),
         "--baseline-percentile", "0 to 100"),
    Case("suite2p-coefficient", lambda w: convert(w, plane(w), "--neuropil-coefficient", "-1"),
         "--neuropil-coefficient"),
    Case("suite2p-window", lambda w: convert(w, plane(w), "--baseline-window-s", "0"), "--baseline-window-s",
         "positive"),
    Case("nwb-garbage", lambda w: convert(w, w.text("session.nwb", "not NWB")), "session.nwb", "not an NWB file"),
    Case("nwb-unknown-series", lambda w: convert(w, nwb(w), "--nwb-series", "deconvolved"), "session.nwb",
         "no RoiResponseSeries 'deconvolved'", "DfOverF/roi_series"),
    Case("nwb-irregular", lambda w: convert(w, nwb(w, IRREGULAR)), "session.nwb", "'DfOverF/roi_series'",
         "irregular timestamps"),
)  # fmt: skip


@cases(*SUITE2P_AND_NWB)
def test_bad_suite2p_and_nwb_inputs(refused, case):
    refused(main, case)
