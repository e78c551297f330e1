import subprocess
import sys

import h5py
import numpy as np
import pytest

from calciumgan.core.errors import RecordingError
from calciumgan.evaluation import workers as workers_module
from calciumgan.evaluation.inference import SpikeInferenceSettings, infer_spikes
from calciumgan.evaluation.workers import infer_spikes_hdf5, infer_spikes_parallel

FIXED = SpikeInferenceSettings()
ESTIMATED = SpikeInferenceSettings(mode="estimated")


# ---- parallel and chunked paths --------------------------------------------------------------


@pytest.mark.parametrize("settings", [FIXED, ESTIMATED], ids=["fixed", "estimated"])
def test_parallel_equals_in_process(settings, surrogate_traces, dff_traces):
    make_traces = surrogate_traces if settings.mode == "fixed" else dff_traces
    _, traces = make_traces(seed=9, num_frames=6 * 400, num_neurons=3)
    samples = traces.reshape(6, 400, 3)
    expected = infer_spikes(samples, settings)
    assert expected.sum() > 50
    parallel = infer_spikes_parallel(samples, settings, workers=2, chunk_samples=2, progress=False)
    np.testing.assert_array_equal(parallel, expected)


def test_chunking_does_not_change_the_result(dff_traces):
    _, traces = dff_traces(seed=10, num_frames=5 * 300, num_neurons=3)
    samples = traces.reshape(5, 300, 3)
    whole = infer_spikes(samples, ESTIMATED)
    for chunk_samples in (1, 2, 5):
        chunked = infer_spikes_parallel(samples, ESTIMATED, workers=1, chunk_samples=chunk_samples, progress=False)
        np.testing.assert_array_equal(chunked, whole)
    one_trace_at_a_time = np.stack([infer_spikes(samples[..., [n]], ESTIMATED)[..., 0] for n in range(3)], axis=-1)
    np.testing.assert_array_equal(one_trace_at_a_time, whole)


def test_parallel_accepts_one_recording(capsys, monkeypatch, surrogate_traces):
    _, traces = surrogate_traces(num_frames=800, num_neurons=3)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the bar draws on terminals only
    result = infer_spikes_parallel(traces, FIXED, workers=2, progress=True)
    np.testing.assert_array_equal(result, infer_spikes(traces, FIXED))
    assert "spikes 1/1" in capsys.readouterr().err
    infer_spikes_parallel(traces, FIXED, progress=False)
    assert capsys.readouterr().err == ""


def test_spike_inference_imports_neither_tensorflow_nor_keras():
    code = (
        "import sys, calciumgan.evaluation.workers\n"
        "assert 'calciumgan.evaluation.inference' in sys.modules\n"
        "print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


UNGUARDED_SCRIPT = """
import pathlib
import numpy as np
import calciumgan
from calciumgan.config import EvaluateConfig

with open(pathlib.Path(__file__).with_name("runs.txt"), "a") as runs:
    runs.write("ran\\n")
rng = np.random.default_rng(0)
traces = 0.3 * rng.standard_normal((3, 40 * 240, 4)) + (rng.random((3, 40 * 240, 4)) < 0.02)
real, synthetic, train = (block.reshape(40, 240, 4) for block in traces)
evaluation = calciumgan.evaluate_arrays(real, synthetic, 24.0, EvaluateConfig(num_samples=40, workers=2,
                                        progress=False), train=train)
print(sorted(evaluation.table()))
"""


def test_an_unguarded_script_runs_parallel_inference_once(tmp_path):
    """A script calling the API at its top level, with no ``if __name__ == "__main__":`` guard: its worker
    processes do not run it again (each would try to start a pool of its own), so it runs once and ends."""
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED_SCRIPT)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "dichotomized_gaussian" in result.stdout
    assert (tmp_path / "runs.txt").read_text() == "ran\n"


# ---- HDF5 streaming ---------------------------------------------------------------------------


def write_samples(path, samples, **attributes):
    with h5py.File(path, "w") as file:
        file.create_dataset("signals", data=samples)
        file.attrs.update(attributes)
    return path


def test_hdf5_equals_in_memory(tmp_path, dff_traces):
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


def test_hdf5_parallel_and_one_recording(tmp_path, surrogate_traces):
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


def test_hdf5_output_is_atomic(tmp_path, monkeypatch, surrogate_traces):
    samples = surrogate_traces(num_frames=1200, num_neurons=2)[1].reshape(4, 300, 2)
    source = write_samples(tmp_path / "samples.h5", samples)
    calls = []

    def failing(chunk, settings):
        calls.append(len(chunk))
        if len(calls) == 2:
            raise RuntimeError("inference died")
        return np.zeros(chunk.shape, dtype=np.uint8)

    monkeypatch.setattr(workers_module, "infer_spikes", failing)
    with pytest.raises(RuntimeError, match="inference died"):
        infer_spikes_hdf5(source, "signals", tmp_path / "spikes.h5", FIXED, chunk_samples=1, workers=1, progress=False)
    assert calls == [1, 1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samples.h5"]


def test_hdf5_nan_midway_leaves_no_output(tmp_path, surrogate_traces):
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
