"""Two time-scale updates (TTUR): the critic's own learning rate, ``train.critic_learning_rate``."""

import numpy as np
import pytest

from calciumgan.experiment import build_gan
from calciumgan.training.steps import make_steps

pytestmark = pytest.mark.backend


def _largest_moves(config) -> tuple:
    """(largest change of a generator weight, of a critic weight) in one step of one critic and one generator
    update. Adam's first update moves every weight with a gradient by the learning rate: m / sqrt(v) = sign(g)."""
    gan = build_gan(config, num_neurons=config.data.num_neurons)
    before = [model.get_weights() for model in (gan.generator, gan.critic)]
    steps = make_steps(gan)
    steps.train_step(np.random.default_rng(0).random((4, config.data.window, config.data.num_neurons), np.float32))
    steps.sync()
    after = [model.get_weights() for model in (gan.generator, gan.critic)]
    return tuple(max(np.abs(new - old).max() for new, old in zip(new_weights, old_weights))
                 for new_weights, old_weights in zip(after, before))  # fmt: skip


@pytest.mark.parametrize("critic_rate, expected", [(None, 1e-4), (4e-4, 4e-4)])
def test_each_network_steps_at_its_own_rate(make_config, critic_rate, expected):
    config = make_config({"train.n_critic": 1, "train.batch_size": 4, "train.learning_rate": 1e-4,
                          "train.critic_learning_rate": critic_rate})  # fmt: skip
    generator_move, critic_move = _largest_moves(config)
    assert generator_move == pytest.approx(1e-4, rel=0.01)
    assert critic_move == pytest.approx(expected, rel=0.01)
