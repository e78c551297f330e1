"""The Suite2p reader, on small plane folders in Suite2p's own layout (see calciumgan/data/suite2p.py)."""

import numpy as np
import pytest
from ophys_files import write_suite2p_plane
from scipy.ndimage import percentile_filter

from calciumgan.core.errors import RecordingError
from calciumgan.data.suite2p import read_suite2p

RATE = 10.0
FRAMES = 400
BASELINES = np.array([100.0, 80.0, 120.0, 50.0])  # per ROI
ISCELL = np.array([[1, 0.9], [0, 0.2], [1, 0.7], [1, 0.6]])  # ROI 1 is not a cell


def events() -> np.ndarray:
    """(4, FRAMES) transients: 3 frames of (ROI + 1) / 2 every 40 frames, 0 elsewhere (92.5 % of frames)."""
    values = np.zeros((4, FRAMES))
    for start in range(5, FRAMES, 40):
        values[:, start : start + 3] = (np.arange(4)[:, None] + 1) / 2
    return values


def neuropil() -> np.ndarray:
    """(4, FRAMES) even integers, so that half of them is exact in float32."""
    return np.random.default_rng(0).integers(20, 60, size=(4, FRAMES)).astype(np.float64) * 2


def write_plane(folder, fluorescence=None, neuropil_traces=None, iscell=ISCELL, spikes=None,
                settings={"fs": RATE, "neucoeff": 0.7}, settings_file="ops.npy"):  # fmt: skip
    """A plane folder whose F corrected by 0.5 x Fneu is ``BASELINES + events()`` unless ``fluorescence`` is given."""
    neuropil_traces = neuropil() if neuropil_traces is None else neuropil_traces
    if fluorescence is None:
        fluorescence = BASELINES[:, None] + events() + 0.5 * neuropil_traces
    return write_suite2p_plane(folder, fluorescence, neuropil_traces, iscell, spikes, settings, settings_file)


def test_dff_delta_f_and_raw_of_traces_with_a_known_baseline(tmp_path):
    plane = write_plane(tmp_path / "suite2p" / "plane0")
    cells = [0, 2, 3]
    expected = {"raw": BASELINES[cells, None] + events()[cells], "delta_f": events()[cells],
                "dff": events()[cells] / BASELINES[cells, None]}  # fmt: skip
    for trace, values in expected.items():
        # 92.5 % of every 5 s window lies on the baseline, so its 8th percentile is the baseline itself
        recording = read_suite2p(plane, neuropil_coefficient=0.5, trace=trace, baseline_window_s=5.0)
        np.testing.assert_allclose(recording.signals, values.T, rtol=1e-6, atol=1e-12)
        np.testing.assert_array_equal(recording.neuron_ids, cells)
        assert recording.sampling_rate == RATE and recording.spikes is None and recording.source == str(plane)


def test_default_settings_agree_with_the_formula_and_scipy(tmp_path):
    rng = np.random.default_rng(1)
    fluorescence = rng.gamma(5.0, 40.0, size=(4, FRAMES)).astype(np.float32) + 200
    neuropil_traces = rng.gamma(5.0, 20.0, size=(4, FRAMES)).astype(np.float32)
    plane = write_plane(tmp_path / "plane0", fluorescence, neuropil_traces, settings={"fs": 2.0})
    corrected = fluorescence.astype(np.float64) - 0.7 * neuropil_traces  # (4, T)
    raw = read_suite2p(plane, trace="raw")
    np.testing.assert_array_equal(raw.signals, corrected[[0, 2, 3]].T.astype(np.float32))
    for percentile, window_s, frames in ((8.0, 60.0, 120), (20.0, 10.0, 20)):  # window: round(seconds x 2 Hz)
        baseline = np.stack([percentile_filter(row, percentile, size=frames, mode="nearest") for row in corrected])
        recording = read_suite2p(plane, baseline_percentile=percentile, baseline_window_s=window_s)
        np.testing.assert_allclose(recording.signals, ((corrected - baseline) / baseline)[[0, 2, 3]].T, rtol=1e-6)


def test_every_roi_and_opt_in_spikes(tmp_path):
    spikes = np.abs(np.random.default_rng(2).normal(size=(4, FRAMES)))
    plane = write_plane(tmp_path / "plane0", spikes=spikes)
    everything = read_suite2p(plane, cells_only=False, neuropil_coefficient=0.5, trace="delta_f",
                              baseline_window_s=5.0)  # fmt: skip
    np.testing.assert_array_equal(everything.neuron_ids, [0, 1, 2, 3])
    np.testing.assert_allclose(everything.signals, events().T, atol=1e-12)
    assert everything.spikes is None  # not asked for
    with_spikes = read_suite2p(plane, suite2p_spikes=True)
    np.testing.assert_array_equal(with_spikes.spikes, spikes[[0, 2, 3]].T.astype(np.float32))


def test_a_suite2p_folder_with_one_plane_and_suite2p_1_settings(tmp_path):
    # suite2p >= 1.0 without ops.npy: settings.npy (nested sections, 'fs' at the top) and db.npy (no rate)
    settings = {"fs": 7.5, "tau": 1.0, "extraction": {"neuropil_coefficient": 0.7}, "io": {"save_ops_orig": False}}
    plane = write_plane(tmp_path / "suite2p" / "plane0", settings=settings, settings_file="settings.npy")
    np.save(plane / "db.npy", {"nplanes": 1, "data_path": [str(tmp_path)]})
    from_parent, from_plane = read_suite2p(tmp_path / "suite2p"), read_suite2p(plane)
    assert from_parent.sampling_rate == 7.5 and from_parent.source == str(plane)
    np.testing.assert_array_equal(from_parent.signals, from_plane.signals)


def _replaced(name, value):
    """A plane writer whose file ``name`` holds ``value`` instead."""

    def write(folder):
        write_plane(folder)
        np.save(folder / name, value)

    return write


BAD_FOLDERS = [
    ("not-suite2p", lambda folder: folder.mkdir(), r"plane0: not a Suite2p plane folder \(missing F.npy, Fneu.npy, "
     r"iscell.npy, ops.npy or settings.npy\)"),
    ("no-rate-file", lambda folder: write_plane(folder, settings=None), r"missing ops.npy or settings.npy\)"),
    ("no-iscell", lambda folder: write_plane(folder, iscell=None), r"missing iscell.npy\)"),
    ("fneu-shape", _replaced("Fneu.npy", np.ones((3, FRAMES), np.float32)),
     rf"Fneu.npy: shape \(3, {FRAMES}\), but F.npy has \(4, {FRAMES}\)"),
    ("f-one-dimensional", _replaced("F.npy", np.ones(FRAMES, np.float32)),
     rf"F.npy: shape \({FRAMES},\), expected \(ROIs, frames\)"),
    ("iscell-shape", _replaced("iscell.npy", np.ones((3, 2))), r"iscell.npy: shape \(3, 2\), expected \(4, 2\)"),
    ("no-cells", _replaced("iscell.npy", np.zeros((4, 2))), r"iscell.npy: none of the 4 ROIs is labelled a cell"),
    ("f-pickled", _replaced("F.npy", np.array([None, 1], dtype=object)), r"F.npy: not a plain .npy array"),
    ("f-text", _replaced("F.npy", np.full((4, FRAMES), "x")), r"plane0: 'F.npy' has non-numeric dtype"),
    ("no-fs", _replaced("ops.npy", {"nframes": FRAMES}),
     r"ops.npy: no key 'fs' \(the frame rate in Hz\); give it with --sampling-rate"),
    ("zero-fs", _replaced("ops.npy", {"fs": 0.0}), r"ops.npy: 'fs' must be a positive number of Hz, got 0.0"),
    ("text-fs", _replaced("ops.npy", {"fs": "fast"}), r"ops.npy: 'fs' must be a positive number of Hz, got 'fast'"),
    ("ops-not-a-dict", _replaced("ops.npy", np.arange(3.0)), r"ops.npy: not a Suite2p settings file"),
    ("negative-baseline", lambda folder: write_plane(folder, BASELINES[:, None] + events() - 200),
     r"plane0: ROI 0 has a baseline F0 <= 0 .* use a smaller neuropil coefficient or the trace 'delta_f'"),
]  # fmt: skip


@pytest.mark.parametrize("settings", [{"nframes": FRAMES}, None], ids=["no-fs", "no-rate-file"])
def test_a_folder_without_a_frame_rate_takes_the_given_one(tmp_path, settings):
    reference = read_suite2p(write_plane(tmp_path / "with" / "plane0"))
    plane = write_plane(tmp_path / "without" / "plane0", settings=settings)
    recording = read_suite2p(plane, sampling_rate=RATE)
    assert recording.sampling_rate == RATE
    np.testing.assert_array_equal(recording.signals, reference.signals)
    # a rate in the folder wins over the given one: prepare checks that the two agree
    assert read_suite2p(tmp_path / "with" / "plane0", sampling_rate=2 * RATE).sampling_rate == RATE


@pytest.mark.parametrize("write, message", [case[1:] for case in BAD_FOLDERS], ids=[case[0] for case in BAD_FOLDERS])
def test_bad_folders_are_refused_in_one_line(tmp_path, write, message):
    write(tmp_path / "plane0")
    with pytest.raises(RecordingError, match=message) as error:
        read_suite2p(tmp_path / "plane0")
    assert "\n" not in str(error.value)


def test_spikes_of_the_wrong_shape_and_several_planes_are_refused(tmp_path):
    plane = write_plane(tmp_path / "suite2p" / "plane0", spikes=np.ones((4, FRAMES - 1)))
    with pytest.raises(RecordingError, match=rf"spks.npy: shape \(4, {FRAMES - 1}\), but F.npy has \(4, {FRAMES}\)"):
        read_suite2p(plane, suite2p_spikes=True)
    write_plane(tmp_path / "suite2p" / "plane10")
    write_plane(tmp_path / "suite2p" / "plane2")
    with pytest.raises(RecordingError, match=r"suite2p: holds 3 Suite2p planes \(plane0, plane2, plane10\); give one"):
        read_suite2p(tmp_path / "suite2p")
