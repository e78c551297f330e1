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


def test_a_missing_file_from_the_variable_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv(WEIGHTS_VARIABLE, str(tmp_path / "absent.h5"))
    assert inception_available() == (False, f"Inception-v3 weights {tmp_path / 'absent.h5'}: no such file")


def test_a_file_that_is_not_h5_is_refused(tmp_path):
    weights = tmp_path / "weights.pt"
    weights.write_bytes(b"not keras")
    available, reason = inception_available(weights)
    assert not available and reason.endswith("expected a Keras .h5 weights file")


def test_metrics_without_weights_raise_the_reason_as_a_config_error(monkeypatch, tmp_path):
    monkeypatch.delenv(WEIGHTS_VARIABLE, raising=False)
    windows = np.zeros((2, 313, 22), dtype=np.float32)
    with pytest.raises(ConfigError, match=f"{tmp_path / 'none.h5'}: no such file"):
        inception_metrics(windows, windows, weights_path=tmp_path / "none.h5")


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
