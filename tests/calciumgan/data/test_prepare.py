import numpy as np
import pytest

from calciumgan.config import DataConfig
from calciumgan.core.errors import ConfigError, RecordingError
from calciumgan.data.prepare import prepare_data
from calciumgan.data.recording import Recording, load_recording, save_recording
from calciumgan.prepare import main as prepare_main


def test_prepare_data_splits_and_scales_on_the_training_block(tmp_path):
    rng = np.random.default_rng(0)
    signals = rng.normal(size=(1000, 3)).astype(np.float32)
    signals[900, 1] = 50.0  # an outlier in the validation block must not move the scaler
    path = save_recording(Recording(signals, 30.0, neuron_ids=[4, 5, 6]), tmp_path / "rec.h5")
    data = prepare_data(DataConfig(source="file", path=str(path), window=100, validation_fraction=0.2))
    assert (data.train.num_frames, data.validation.num_frames) == (800, 200)
    assert data.scaler.maximum == signals[:800].max()
    assert data.train_scaled.min() == 0.0 and data.train_scaled.max() == 1.0
    assert data.validation_scaled.max() > 1.0
    info = data.info()
    assert info["neuron_ids"] == [4, 5, 6] and info["sampling_rate"] == 30.0
    assert info["train_frames"] == [0, 800] and info["validation_frames"] == [800, 1000]


def test_surrogate_data_is_deterministic():
    config = DataConfig(num_frames=500, num_neurons=5, window=64)
    first, second = prepare_data(config), prepare_data(config)
    np.testing.assert_array_equal(first.recording.signals, second.recording.signals)
    assert first.recording.spikes is not None and first.recording.source == "surrogate:day4"


def test_bad_surrogate_size_is_a_config_error():
    with pytest.raises(ConfigError, match="data: num_neurons must lie in 1..102, got 500"):
        prepare_data(DataConfig(num_neurons=500))


def test_missing_file_says_how_to_prepare_it(tmp_path):
    with pytest.raises(RecordingError, match=r"missing.h5: no such file; convert your traces with"):
        prepare_data(DataConfig(source="file", path=str(tmp_path / "missing.h5")))


def test_prepare_cli_converts_neurons_first_arrays(tmp_path):
    traces = np.random.default_rng(1).normal(size=(4, 300)).astype(np.float32)  # (N, T) like Suite2p's F.npy
    np.save(tmp_path / "F.npy", traces)
    out = tmp_path / "rec.h5"
    code = prepare_main(["--signals", str(tmp_path / "F.npy"), "--sampling-rate", "15", "--neurons-first",
                         "--out", str(out)])  # fmt: skip
    assert code == 0
    recording = load_recording(out)
    np.testing.assert_array_equal(recording.signals, traces.T)
    assert recording.sampling_rate == 15.0


@pytest.mark.parametrize("shape", [(8, 8), (5, 8)], ids=["square", "fewer-frames"])
def test_frames_first_states_a_layout_the_shape_cannot_tell(tmp_path, shape):
    traces = np.random.default_rng(2).normal(size=shape).astype(np.float32)
    np.save(tmp_path / "F.npy", traces)
    arguments = ["--signals", str(tmp_path / "F.npy"), "--sampling-rate", "15", "--out", str(tmp_path / "rec.h5")]
    assert prepare_main(arguments) == 2 and not (tmp_path / "rec.h5").exists()
    assert prepare_main([*arguments, "--frames-first"]) == 0
    np.testing.assert_array_equal(load_recording(tmp_path / "rec.h5").signals, traces)


def test_prepare_cli_reports_bad_input_in_one_line(tmp_path, capsys):
    np.save(tmp_path / "cube.npy", np.zeros((2, 3, 4)))
    code = prepare_main(["--signals", str(tmp_path / "cube.npy"), "--sampling-rate", "24", "--out",
                         str(tmp_path / "out.h5")])  # fmt: skip
    assert code == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "'signals' has 3 dimensions" in error
    assert not (tmp_path / "out.h5").exists()


def test_surrogate_carries_its_ground_truth_and_a_file_none(tmp_path):
    from calciumgan.data.surrogate import preset_model

    data = prepare_data(DataConfig(num_frames=500, num_neurons=5, window=64, preset="day1"))
    model = preset_model("day1")
    np.testing.assert_allclose(data.ground_truth["firing_rate_hz"], model.spike_probabilities()[:5] * 24.0)
    np.testing.assert_allclose(data.ground_truth["spike_covariance"], model.covariance()[:5, :5])
    # The dichotomized Gaussian's spikes are binary: frames holding a spike are its spikes.
    np.testing.assert_array_equal(data.ground_truth["active_rate_hz"], data.ground_truth["firing_rate_hz"])
    np.testing.assert_array_equal(data.ground_truth["active_covariance"], data.ground_truth["spike_covariance"])
    path = save_recording(data.recording, tmp_path / "rec.h5")
    assert prepare_data(DataConfig(source="file", path=str(path), window=64)).ground_truth is None


def test_subtract_baseline_keeps_what_float32_would_lose(tmp_path):
    rng = np.random.default_rng(3)
    signal = rng.normal(size=(400, 3))  # unit-scale activity
    raw = 3e7 + signal  # on a camera offset: float32 steps there are 2.0 apart
    np.save(tmp_path / "F.npy", raw)
    argv = ["--signals", str(tmp_path / "F.npy"), "--sampling-rate", "24", "--out", str(tmp_path / "rec.h5")]
    assert prepare_main(argv) == 2 and not (tmp_path / "rec.h5").exists()
    assert prepare_main(argv + ["--subtract-baseline"]) == 0
    stored = load_recording(tmp_path / "rec.h5").signals
    np.testing.assert_allclose(stored, signal - np.median(signal, axis=0), atol=1e-5)  # float32 rounding only
    assert prepare_main(argv + ["--subtract-baseline"]) == 2  # the output exists now
    np.save(tmp_path / "F.npy", raw[:, :2])
    assert prepare_main(argv + ["--subtract-baseline", "--overwrite"]) == 0
    assert load_recording(tmp_path / "rec.h5").num_neurons == 2
