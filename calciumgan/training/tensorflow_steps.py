"""The GAN's training and validation steps on TensorFlow: ``GradientTape``, stateful variables.

The penalty's input gradient is a tape nested inside the critic update's tape, so the
update differentiates through it (second order). The generator's moving average, if the GAN
keeps one, is assigned after each generator update (its non-trainable values are copied).
Both steps run as one ``tf.function`` (XLA-compiled with ``jit_compile``).
"""

import keras
import tensorflow as tf
from keras import ops

from calciumgan.training.gan import mean_logs


class TensorFlowSteps:
    """Compiled steps of a compiled ``GAN``.

    Args:
        gan: a compiled ``calciumgan.training.gan.GAN``.
        assemble: ``assemble(batch) -> real samples``, run inside the step (for example a
            gather of windows from a device-resident array); default: the batch itself.
        jit_compile: XLA-compile the steps.
        deterministic: enable TensorFlow's op determinism (bit-identical reruns; slower).
    """

    def __init__(self, gan, assemble=None, jit_compile=False, deterministic=False):
        if deterministic:
            tf.config.experimental.enable_op_determinism()
        self.gan = gan
        self.assemble = assemble or (lambda batch: batch)
        self._train = tf.function(self._train_step, jit_compile=jit_compile)
        self._test = tf.function(self._test_step, jit_compile=jit_compile)

    def train_step(self, batch) -> dict:
        """One iteration on ``batch`` (its assembled real samples: (n_critic * batch, ...)); returns logs."""
        return self._train(batch)

    def test_step(self, batch, seed) -> dict:
        """Losses on held-out samples without changing anything; ``seed`` (int) fixes the noise."""
        return self._test(batch, self.gan.seed_state(seed))

    def sync(self) -> None:
        """Write the steps' state into the Keras variables (they already hold it on TensorFlow)."""

    def reload(self) -> None:
        """Read the state from the Keras variables after they changed (nothing to do on TensorFlow)."""

    def _train_step(self, batch):
        gan = self.gan
        assembled = self.assemble(batch)
        real = gan.split_for_critic_updates(assembled)
        fake = gan.generator(gan.sample_noise(ops.shape(assembled)[0]), training=True)
        fake = ops.reshape(fake, ops.shape(real))
        critic_logs = [self._critic_update(real[index], fake[index]) for index in range(gan.n_critic)]
        generator_logs = self._generator_update(ops.shape(real)[1])
        return {**mean_logs(critic_logs), **generator_logs}

    def _critic_update(self, real, fake):
        gan = self.gan
        points = gan.penalty.points(real, fake, gan.seed_generator)
        variables = gan.critic.trainable_variables
        with tf.GradientTape() as tape:
            loss, logs = gan.critic_objective(self._score, self._input_gradient, real, fake, points)
            scaled = gan.d_optimizer.scale_loss(loss)
        gan.d_optimizer.apply(tape.gradient(scaled, variables), variables)
        return logs

    def _generator_update(self, batch_size):
        gan = self.gan
        noise = gan.sample_noise(batch_size)
        variables = gan.generator.trainable_variables
        with tf.GradientTape() as tape:
            loss, logs = gan.generator_objective(lambda z: gan.generator(z, training=True), self._score, noise,
                                                 variables)  # fmt: skip
            scaled = gan.g_optimizer.scale_loss(loss)
        gan.g_optimizer.apply(tape.gradient(scaled, variables), variables)
        if gan.generator_ema is not None:
            averages = gan.generator_ema.trainable_variables
            for average, value in zip(averages, gan.moving_average(averages, variables)):
                average.assign(value)
            for copy, value in zip(gan.generator_ema.non_trainable_variables, gan.generator.non_trainable_variables):
                copy.assign(value)
        return logs

    def _score(self, samples, training=True):
        return self.gan.critic(samples, training=training)

    def _input_gradient(self, points, training=True):
        with tf.GradientTape() as tape:
            tape.watch(points)
            total = ops.sum(ops.cast(self._score(points, training), "float32"))
        return tape.gradient(total, points)

    def _test_step(self, batch, seed):
        gan = self.gan
        real = self.assemble(batch)
        count = ops.shape(real)[0]
        # The draws read and advance a copy of the seed state: validation never moves training's stream.
        with keras.StatelessScope(state_mapping=[(gan.seed_generator.state, seed)]):
            fake = gan.generator(gan.sample_noise(count), training=False)
            points = gan.penalty.points(real, fake, gan.seed_generator)
            _, critic_logs = gan.critic_objective(lambda x: self._score(x, False),
                                                  lambda x: self._input_gradient(x, False), real, fake, points)  # fmt: skip
            _, generator_logs = gan.generator_objective(lambda z: gan.generator(z, training=False),
                                                        lambda x: self._score(x, False), gan.sample_noise(count),
                                                        gan.generator.trainable_variables)  # fmt: skip
        return {**critic_logs, **generator_logs}
