"""Inception-v3 metrics without the network: the missing-weights messages and the window rendering."""

import numpy as np
import pytest

from calciumgan.core.errors import ConfigError
from lfp.metrics.inception import WEIGHTS_VARIABLE, inception_available, inception_metrics, render_windows


def test_without_a_path_or_variable_the_reason_says_how_to_provide_weights(monkeypatch):
    monkeypatch.delenv(WEIGHTS_VARIABLE, raising=False)
    available, reason = inception_available()
    assert not available
    assert WEIGHTS_VARIABLE in reason and "inception_v3_weights_tf_dim_ordering_tf_kernels.h5" in reason
    assert "\n" not in reason


def test_a_missing_file_from_the_variable_is_an_error_naming_it(monkeypatch, tmp_path):
    monkeypatch.setenv(WEIGHTS_VARIABLE, str(tmp_path / "absent.h5"))
    with pytest.raises(ConfigError, match=f"Inception-v3 weights {tmp_path / 'absent.h5'}: no such file; give "):
        inception_available()


@pytest.mark.parametrize("name, content, problem", [
    ("weights.pt", b"not keras", "expected a Keras .h5 weights file"),
    ("weights.h5", b"garbage, not HDF5", "not an HDF5 file"),
    ("folder.h5", None, "is a directory"),
])  # fmt: skip
def test_weights_that_cannot_be_used_are_refused_before_any_work(tmp_path, name, content, problem):
    weights = tmp_path / name
    weights.mkdir() if content is None else weights.write_bytes(content)
    with pytest.raises(ConfigError, match=problem) as error:
        inception_available(weights)
    assert "\n" not in str(error.value) and str(weights) in str(error.value)


def test_metrics_without_weights_raise_the_reason_as_a_config_error(monkeypatch, tmp_path):
    monkeypatch.delenv(WEIGHTS_VARIABLE, raising=False)
    windows = np.zeros((2, 313, 22), dtype=np.float32)
    with pytest.raises(ConfigError, match="no Inception-v3 weights: pass a weights path"):
        inception_metrics(windows, windows)


@pytest.mark.backend
def test_windows_render_as_channel_by_time_images_in_the_unit_range():
    rng = np.random.default_rng(0)
    windows = rng.normal(size=(3, 313, 22)).astype(np.float32) * 50.0
    images = render_windows(windows)
    assert images.shape == (3, 299, 299, 3) and images.dtype == np.float32
    assert images.min() >= 0.0 and images.max() <= 1.0
    np.testing.assert_array_equal(images[..., 0], images[..., 2])  # grey repeated over colours


@pytest.mark.backend
def test_channels_run_down_the_height_and_a_constant_window_is_black():
    ramp = np.broadcast_to(np.arange(22.0), (313, 22))  # channel c has value c at every time
    images = render_windows(np.stack([ramp, np.full((313, 22), 7.0)]), image_size=64)
    grey = images[0, ..., 0]
    np.testing.assert_allclose(grey, grey[:, :1] * np.ones((1, 64)), atol=1e-6)  # constant along time (width)
    assert np.all(np.diff(grey[:, 0]) >= -1e-6)  # increasing with channel (height)
    assert grey[0, 0] == pytest.approx(0.0, abs=1e-6) and grey[-1, 0] == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_array_equal(images[1], 0.0)
