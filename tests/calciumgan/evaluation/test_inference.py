import sys

import h5py
import numpy as np
import pytest
from oasis.oasis_methods import oasisAR1
from scipy import signal
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from calciumgan.evaluation import inference as spikes_module
from calciumgan.core.errors import RecordingError
from calciumgan.evaluation.inference import (
    SpikeInferenceSettings,
    estimated_parameters,
    infer_spikes,
    infer_spikes_hdf5,
    infer_spikes_parallel,
    spike_recovery,
)
from calciumgan.data.surrogate import calcium_from_spikes

FIXED = SpikeInferenceSettings()
ESTIMATED = SpikeInferenceSettings(mode="estimated")


def surrogate_traces(seed=1, num_frames=4000, num_neurons=6, rate_hz=0.5):
    """Sparse spikes at 24 Hz and the surrogate's calcium (g 0.95, sigma 0.3, one unit a spike)."""
    rng = np.random.default_rng(seed)
    spikes = (rng.random((num_frames, num_neurons)) < rate_hz / 24).astype(np.uint8)
    return spikes, calcium_from_spikes(spikes, rng)


def dff_traces(seed=2, num_frames=4000, num_neurons=6, rate_hz=2.0, amplitude=0.2, decay=0.92, noise=0.03):
    """GCaMP6f-like ΔF/F at 24 Hz: a spike adds 0.2, tau = -1 / (24 ln 0.92) = 0.5 s."""
    rng = np.random.default_rng(seed)
    spikes = (rng.random((num_frames, num_neurons)) < rate_hz / 24).astype(np.uint8)
    calcium = signal.lfilter([1.0], [1.0, -decay], amplitude * spikes.astype(np.float64), axis=0)
    return spikes, (calcium + noise * rng.standard_normal(spikes.shape)).astype(np.float32)


# ---- fixed mode (the thesis's setting) ----------------------------------------------------


def test_fixed_mode_recovers_surrogate_spikes():
    true, traces = surrogate_traces()
    inferred = infer_spikes(traces, FIXED)
    assert inferred.shape == traces.shape and inferred.dtype == np.uint8
    assert set(np.unique(inferred)) <= {0, 1}
    recovery = spike_recovery(true, inferred)
    assert recovery.true_count > 400
    # measured: recall 0.971, precision 0.973
    assert recovery.recall > 0.93
    assert recovery.precision > 0.93


def test_fixed_mode_equals_direct_oasis_call():
    _, traces = surrogate_traces(seed=3, num_frames=1500, num_neurons=4)
    expected = np.zeros(traces.shape, dtype=np.uint8)
    for neuron in range(traces.shape[1]):
        _, events = oasisAR1(traces[:, neuron].astype(np.float64), 0.95, lam=0.0, s_min=0.55)
        expected[:, neuron] = events > 0.5
    np.testing.assert_array_equal(infer_spikes(traces, FIXED), expected)


def test_leading_axes_are_samples():
    _, traces = surrogate_traces(num_frames=3 * 500, num_neurons=3)
    samples = traces.reshape(3, 500, 3)
    together = infer_spikes(samples, FIXED)
    for index in range(3):
        np.testing.assert_array_equal(together[index], infer_spikes(samples[index], FIXED))


# ---- estimated mode ------------------------------------------------------------------------


def test_dff_fixed_mode_fails_and_estimated_mode_recovers():
    true, traces = dff_traces()
    fixed = spike_recovery(true, infer_spikes(traces, FIXED))
    estimated = spike_recovery(true, infer_spikes(traces, ESTIMATED))
    assert fixed.true_count > 1800
    # measured: fixed recall 0.030 (61 of 2033 spikes); estimated recall 1.000, precision 0.970
    assert fixed.recall < 0.1
    assert estimated.recall > 0.95
    assert estimated.precision > 0.93
    assert estimated.recall > fixed.recall + 0.8


def test_dff_slower_noisier_indicator():
    true, traces = dff_traces(seed=5, decay=0.94, noise=0.05)
    fixed = spike_recovery(true, infer_spikes(traces, FIXED))
    estimated = spike_recovery(true, infer_spikes(traces, ESTIMATED))
    # measured: fixed recall 0.073; estimated recall 0.986, precision 0.949
    assert fixed.recall < 0.15
    assert estimated.recall > 0.9
    assert estimated.precision > 0.9


def test_estimated_parameters_are_close_to_the_simulation():
    _, traces = dff_traces(seed=6)
    traces = traces + np.float32(0.1)  # a baseline of 0.1
    parameters = estimated_parameters(traces, ESTIMATED)
    assert parameters.decay.shape == (6,)
    np.testing.assert_allclose(parameters.decay, 0.92, atol=0.02)
    np.testing.assert_allclose(parameters.noise, 0.03, rtol=0.2)
    # measured: 0.052 .. 0.124, mean 0.089; a spike adds 0.2
    np.testing.assert_allclose(parameters.baseline, 0.1, atol=0.05)
    assert abs(parameters.baseline.mean() - 0.1) < 0.02
    np.testing.assert_allclose(parameters.min_spike, 5 * parameters.noise * np.sqrt(1 - parameters.decay**2))


def test_estimated_mode_also_works_in_surrogate_units():
    true, traces = surrogate_traces(seed=7)
    recovery = spike_recovery(true, infer_spikes(traces, ESTIMATED))
    # measured: recall 0.975, precision 0.950
    assert recovery.recall > 0.9
    assert recovery.precision > 0.9


def test_estimated_mode_is_quiet_on_noise_and_constant_traces():
    rng = np.random.default_rng(8)
    traces = np.concatenate([0.03 * rng.standard_normal((2000, 4)), np.full((2000, 2), 0.7)], axis=1)
    assert infer_spikes(traces, ESTIMATED).sum() <= 2


def test_bad_traces_and_settings_are_rejected():
    with pytest.raises(ValueError, match="NaN"):
        infer_spikes(np.array([[0.0], [np.nan], [1.0]]), FIXED)
    with pytest.raises(ValueError, match="shape"):
        infer_spikes(np.zeros(10), FIXED)
    with pytest.raises(ValueError, match="frames"):
        infer_spikes(np.zeros((5, 2)), ESTIMATED)
    with pytest.raises(ValueError, match="mode"):
        SpikeInferenceSettings(mode="learned")
    with pytest.raises(ValueError, match="decay_bounds"):
        SpikeInferenceSettings(decay_bounds=(0.9, 0.5))


# ---- parallel and chunked paths --------------------------------------------------------------


@pytest.mark.parametrize("settings", [FIXED, ESTIMATED], ids=["fixed", "estimated"])
def test_parallel_equals_in_process(settings):
    make_traces = surrogate_traces if settings.mode == "fixed" else dff_traces
    _, traces = make_traces(seed=9, num_frames=6 * 400, num_neurons=3)
    samples = traces.reshape(6, 400, 3)
    expected = infer_spikes(samples, settings)
    assert expected.sum() > 50
    parallel = infer_spikes_parallel(samples, settings, workers=2, chunk_samples=2, progress=False)
    np.testing.assert_array_equal(parallel, expected)


def test_chunking_does_not_change_the_result():
    _, traces = dff_traces(seed=10, num_frames=5 * 300, num_neurons=3)
    samples = traces.reshape(5, 300, 3)
    whole = infer_spikes(samples, ESTIMATED)
    for chunk_samples in (1, 2, 5):
        chunked = infer_spikes_parallel(samples, ESTIMATED, workers=1, chunk_samples=chunk_samples, progress=False)
        np.testing.assert_array_equal(chunked, whole)
    one_trace_at_a_time = np.stack([infer_spikes(samples[..., [n]], ESTIMATED)[..., 0] for n in range(3)], axis=-1)
    np.testing.assert_array_equal(one_trace_at_a_time, whole)


def test_parallel_accepts_one_recording(capsys):
    _, traces = surrogate_traces(num_frames=800, num_neurons=3)
    result = infer_spikes_parallel(traces, FIXED, workers=2, progress=True)
    np.testing.assert_array_equal(result, infer_spikes(traces, FIXED))
    assert "spikes 1/1" in capsys.readouterr().err
    infer_spikes_parallel(traces, FIXED, progress=False)
    assert capsys.readouterr().err == ""


def test_module_does_not_import_tensorflow():
    import subprocess

    code = "import sys, calciumgan.evaluation.inference; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---- HDF5 streaming ---------------------------------------------------------------------------


def write_samples(path, samples, **attributes):
    with h5py.File(path, "w") as file:
        file.create_dataset("signals", data=samples)
        file.attrs.update(attributes)
    return path


def test_hdf5_equals_in_memory(tmp_path):
    _, traces = dff_traces(seed=11, num_frames=5 * 300, num_neurons=3)
    samples = traces.reshape(5, 300, 3)
    source = write_samples(tmp_path / "synthetic.h5", samples, sampling_rate=24.0, seed=3)
    out = infer_spikes_hdf5(source, "signals", tmp_path / "spikes.h5", ESTIMATED, chunk_samples=2, progress=False)
    with h5py.File(out, "r") as file:
        np.testing.assert_array_equal(file["spikes"][()], infer_spikes(samples, ESTIMATED))
        assert file["spikes"].dtype == np.uint8
        assert file.attrs["sampling_rate"] == 24.0 and file.attrs["seed"] == 3
        assert file["spikes"].attrs["mode"] == "estimated"
        assert file["spikes"].attrs["noise_multiple"] == 5.0
        assert file["spikes"].attrs["source_dataset"] == "signals"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spikes.h5", "synthetic.h5"]


def test_hdf5_parallel_and_one_recording(tmp_path):
    _, traces = surrogate_traces(num_frames=1200, num_neurons=3)
    samples = traces.reshape(4, 300, 3)
    source = write_samples(tmp_path / "samples.h5", samples)
    out = infer_spikes_hdf5(source, "signals", tmp_path / "a.h5", FIXED, chunk_samples=1, workers=2, progress=False)
    with h5py.File(out, "r") as file:
        np.testing.assert_array_equal(file["spikes"][()], infer_spikes(samples, FIXED))
    recording = write_samples(tmp_path / "recording.h5", traces, sampling_rate=24.0)
    out = infer_spikes_hdf5(recording, "signals", tmp_path / "b.h5", FIXED, progress=False)
    with h5py.File(out, "r") as file:
        assert file["spikes"].shape == traces.shape
        np.testing.assert_array_equal(file["spikes"][()], infer_spikes(traces, FIXED))


def test_hdf5_output_is_atomic(tmp_path, monkeypatch):
    samples = surrogate_traces(num_frames=1200, num_neurons=2)[1].reshape(4, 300, 2)
    source = write_samples(tmp_path / "samples.h5", samples)
    calls = []

    def failing(chunk, settings):
        calls.append(len(chunk))
        if len(calls) == 2:
            raise RuntimeError("inference died")
        return np.zeros(chunk.shape, dtype=np.uint8)

    monkeypatch.setattr(spikes_module, "infer_spikes", failing)
    with pytest.raises(RuntimeError, match="inference died"):
        infer_spikes_hdf5(source, "signals", tmp_path / "spikes.h5", FIXED, chunk_samples=1, workers=1, progress=False)
    assert calls == [1, 1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samples.h5"]


def test_hdf5_nan_midway_leaves_no_output(tmp_path):
    samples = surrogate_traces(num_frames=1200, num_neurons=2)[1].reshape(4, 300, 2)
    samples[2, 10, 1] = np.nan
    source = write_samples(tmp_path / "samples.h5", samples)
    with pytest.raises(RecordingError) as error:
        infer_spikes_hdf5(source, "signals", tmp_path / "spikes.h5", FIXED, chunk_samples=1, progress=False)
    message = str(error.value)
    assert "\n" not in message and str(source) in message and "NaN" in message and "samples 2..2" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samples.h5"]


@pytest.mark.parametrize(
    "case, fault",
    [
        ("missing_file", "no such file"),
        ("not_hdf5", "not a readable HDF5 file"),
        ("missing_dataset", "missing dataset 'signals'"),
        ("one_dimensional", "got shape (50,)"),
        ("four_dimensional", "got shape (2, 2, 50, 2)"),
        ("text", "must hold real numbers"),
        ("too_short", "has 5 frames"),
        ("same_path", "must differ"),
    ],
)
def test_hdf5_bad_inputs(tmp_path, case, fault):
    source = tmp_path / "input.h5"
    out = tmp_path / "out.h5"
    if case == "not_hdf5":
        source.write_text("not an HDF5 file")
    elif case != "missing_file":
        data = {
            "missing_dataset": None,
            "one_dimensional": np.zeros(50),
            "four_dimensional": np.zeros((2, 2, 50, 2)),
            "text": np.array([[b"a", b"b"]] * 20),
            "too_short": np.zeros((5, 2)),
            "same_path": np.zeros((50, 2)),
        }[case]
        with h5py.File(source, "w") as file:
            if data is None:
                file.create_dataset("other", data=np.zeros((50, 2)))
            else:
                file.create_dataset("signals", data=data)
    if case == "same_path":
        out = source
    settings = ESTIMATED if case == "too_short" else FIXED
    with pytest.raises(RecordingError) as error:
        infer_spikes_hdf5(source, "signals", out, settings, progress=False)
    message = str(error.value)
    assert "\n" not in message and str(source) in message and fault in message
    assert not (tmp_path / "out.h5").exists()


# ---- ground-truth recovery -----------------------------------------------------------------------


def train(*frames, length=10):
    spikes = np.zeros((length, 1), dtype=np.uint8)
    for frame in frames:
        spikes[frame, 0] += 1
    return spikes


def test_recovery_exact_matches():
    result = spike_recovery(train(1, 4, 8), train(1, 4, 8))
    assert (result.true_count, result.inferred_count, result.recovered, result.invented) == (3, 3, 3, 0)
    assert result.recall == 1.0 and result.precision == 1.0


def test_recovery_off_by_one_within_tolerance():
    result = spike_recovery(train(2, 6), train(3, 8))
    assert (result.recovered, result.invented, result.recall, result.precision) == (1, 1, 0.5, 0.5)
    strict = spike_recovery(train(2, 6), train(3, 8), tolerance_frames=0)
    assert strict.recovered == 0 and strict.invented == 2
    loose = spike_recovery(train(2, 6), train(3, 8), tolerance_frames=2)
    assert loose.recovered == 2


def test_recovery_uses_each_inferred_spike_once():
    result = spike_recovery(train(3, 5), train(4))
    assert (result.recovered, result.invented, result.recall, result.precision) == (1, 0, 0.5, 1.0)
    # true 1 and 2, inferred 2 and 3: a maximum matching pairs 1-2 and 2-3
    assert spike_recovery(train(1, 2), train(2, 3)).recovered == 2
    # two spikes in one frame need two inferred spikes
    assert spike_recovery(train(4, 4), train(4, 5)).recovered == 2
    assert spike_recovery(train(4, 4), train(4)).recovered == 1


def test_recovery_empty_trains():
    empty = np.zeros((10, 2), dtype=np.uint8)
    none_true = spike_recovery(empty, train(1, 2, length=10).repeat(2, axis=1))
    assert (none_true.true_count, none_true.inferred_count, none_true.invented) == (0, 4, 4)
    assert np.isnan(none_true.recall) and none_true.precision == 0.0
    none_inferred = spike_recovery(train(1, length=10), np.zeros((10, 1)))
    assert none_inferred.recall == 0.0 and np.isnan(none_inferred.precision)
    nothing = spike_recovery(empty, empty)
    assert nothing.recovered == 0 and np.isnan(nothing.recall) and np.isnan(nothing.precision)


def test_recovery_counts_trains_separately():
    true = np.zeros((2, 10, 2), dtype=np.uint8)
    inferred = np.zeros_like(true)
    true[0, 3, 0] = 1
    inferred[0, 3, 1] = 1  # same frame, other neuron: no match
    inferred[1, 3, 0] = 1  # same frame and neuron, other sample: no match
    assert spike_recovery(true, inferred).recovered == 0


def test_recovery_equals_maximum_bipartite_matching():
    rng = np.random.default_rng(12)
    for _ in range(20):
        true = (rng.random((60, 1)) < 0.2).astype(np.uint8)
        inferred = (rng.random((60, 1)) < 0.2).astype(np.uint8)
        true_frames, inferred_frames = np.flatnonzero(true), np.flatnonzero(inferred)
        close = np.abs(true_frames[:, None] - inferred_frames[None, :]) <= 1
        matching = maximum_bipartite_matching(csr_matrix(close.astype(np.int8)), perm_type="column")
        assert spike_recovery(true, inferred).recovered == int((matching >= 0).sum())
