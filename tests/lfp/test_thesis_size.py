"""The thesis-size LFP GAN on the CPU: built from the configs, one step at a reduced batch (about 1-2 min).

Under TensorFlow only (not marked ``backend``): compiling these networks on JAX's CPU backend adds
minutes and checks nothing the tiny-size tests do not.
"""

import dataclasses

import numpy as np
import pytest

from lfp.adversarial import build_lfp_gan
from lfp.config import load_config

pytestmark = pytest.mark.slow


def test_thesis_config_builds_and_takes_a_finite_step_at_batch_1():
    """The thesis-size GAN (918 x 1174 images, Tables 4.1-4.4) at a reduced batch: one step on the CPU."""
    from calciumgan.training.steps import make_steps

    config = load_config("thesis")
    config = dataclasses.replace(config, train=dataclasses.replace(config.train, n_critic=1, batch_size=1))
    gan = build_lfp_gan(config, channels=22, image_shape=(918, 1174, 1))
    assert (gan.generator.count_params(), gan.critic.count_params()) == (202_716, 202_703)
    rng = np.random.default_rng(0)
    batch = (rng.normal(size=(1, 313, 22)).astype("float32"), rng.random((1, 918, 1174, 1)).astype("float32"))
    before = [np.array(w) for w in gan.critic.get_weights()]
    steps = make_steps(gan)
    logs = steps.train_step(batch)
    steps.sync()
    assert all(np.isfinite(float(value)) for value in logs.values())
    assert any(not np.array_equal(a, b) for a, b in zip(before, gan.critic.get_weights()))
