"""Showing windows for the GAN, and a training step of both LFP GAN variants on the running backend."""

import dataclasses

import numpy as np
import pytest

from lfp.adversarial import build_lfp_gan
from lfp.config import load_config
from lfp.data.synthetic import synthesize_lfp
from lfp.gan_data import showing_data
from lfp.sampling import generate_windows

pytestmark = pytest.mark.slow  # the LFP GAN's steps take tens of seconds to trace


@pytest.fixture(scope="module")
def recording():
    return synthesize_lfp(num_channels=3, num_images=4, showings=3, image_size=(48, 64), spontaneous_seconds=1.0,
                          seed=2)  # fmt: skip


@pytest.mark.backend
def test_assembled_batches_are_the_showings_windows_z_scored_with_their_images(recording):
    data = showing_data(recording, [0, 5, 7], [1, 2], window=313, batch_size=2, n_critic=1, validation_batches=1,
                        use_image=True, seed=0)  # fmt: skip
    showings = np.array([5, 0])
    windows, images = (np.asarray(part) for part in data.assemble((data.train_arrays, showings)))
    for row, showing in enumerate(showings):
        start = recording.onsets[showing]
        raw = recording.lfp[start : start + 313].astype(np.float64)
        np.testing.assert_allclose(windows[row], (raw - raw.mean()) / raw.std(), atol=1e-4)
        np.testing.assert_array_equal(images[row, ..., 0], recording.images[recording.image_ids[showing]])
    assert [list(batch) for batch in data.validation_batches] == [[1, 2]]
    without_images = showing_data(recording, [0], [1], 313, 1, 1, 1, use_image=False, seed=0)
    assert np.asarray(without_images.assemble((without_images.train_arrays, np.array([0])))).shape == (1, 313, 3)


# Under TensorFlow only: under JAX the conditional variant trains in tests/lfp/test_pipeline.py, and the
# unconditional one is the same networks without the image code, on the same steps.
@pytest.mark.parametrize("use_image", [True, False])
def test_a_training_step_of_each_variant_changes_both_networks(recording, use_image):
    from calciumgan.training.steps import make_steps

    config = load_config("demo")
    config = dataclasses.replace(config, model=dataclasses.replace(config.model, use_image=use_image),
                                 train=dataclasses.replace(config.train, n_critic=1, batch_size=4))  # fmt: skip
    gan = build_lfp_gan(config, channels=3, image_shape=(48, 64, 1))
    assert gan.conditional == use_image and gan.noise_shape == (313, 3)
    data = showing_data(recording, np.arange(8), [9, 10], 313, 4, 1, 1, use_image=use_image, seed=0)
    before = [np.array(w) for w in gan.generator.get_weights() + gan.critic.get_weights()]
    steps = make_steps(gan, data.assemble)
    logs = steps.train_step((data.train_arrays, next(data.train_batches(0))))
    steps.sync()
    assert all(np.isfinite(float(value)) for value in logs.values())
    after = gan.generator.get_weights() + gan.critic.get_weights()
    assert sum(not np.array_equal(a, b) for a, b in zip(before, after)) > len(after) // 2
    windows = generate_windows(gan.generator, recording.images, recording.image_ids[:5], seed=3)
    assert windows.shape == (5, 313, 3)
    np.testing.assert_array_equal(generate_windows(gan.generator, recording.images, recording.image_ids[:5], 3),
                                  windows)  # fmt: skip
