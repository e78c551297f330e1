"""The GAN's training and validation steps on TensorFlow: ``GradientTape``, stateful variables.

The penalty's input gradient is a tape nested inside the critic update's tape, so the
update differentiates through it (second order). The n_critic critic updates are one
``tf.while_loop``, traced once: on 2 CPU cores the demo step (n_critic 5, batch 32) then traces
in 7-8 s instead of 20 s and runs as fast (``benchmarks/train_step.py``). They are written out one
after the other when data-parallel (a distributed optimizer update synchronises the replicas,
which TensorFlow does not allow inside a loop) and with ``jit_compile``: XLA runs the loop
about 16x slower per iteration on a CPU. The generator's moving average, if the GAN
keeps one, is assigned after each generator update (its non-trainable values are copied).
Both steps run as one ``tf.function`` (XLA-compiled with ``jit_compile``).

With ``data_parallel`` the GAN must have been built inside ``model_scope()``: its variables
are mirrored on every replica of one ``tf.distribute.MirroredStrategy``, the data arrays are
copied to each replica once (``place``), and each step gives every replica its share of the
batch's indices. Each replica divides its losses by the number of replicas, so that the
gradients Keras's optimizers sum over replicas are those of the mean over the global batch.
The generator's noise is drawn for the global batch on every replica and each takes its share,
so the samples are those of one device; random draws inside layers and the penalty (phase
shuffle, the calcium head's noise, interpolation weights) are made per replica from the same
seed state, so replicas share them.
"""

import contextlib
import functools

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from calciumgan.training.gan import critic_score, critic_updates


def accelerators() -> list:
    """TensorFlow's logical GPU and TPU devices."""
    return tf.config.list_logical_devices("GPU") + tf.config.list_logical_devices("TPU")


@functools.cache
def mirrored_strategy() -> tf.distribute.MirroredStrategy:
    """One strategy over every local GPU, or every logical CPU device where there is no GPU."""
    devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
    return tf.distribute.MirroredStrategy([device.name for device in devices])


def model_scope(data_parallel: bool):
    """Where the GAN must be built: the mirrored strategy's scope when data-parallel."""
    return mirrored_strategy().scope() if data_parallel else contextlib.nullcontext()


class TensorFlowSteps:
    """Compiled steps of a compiled ``GAN``.

    Args:
        gan: a compiled ``calciumgan.training.gan.GAN``.
        assemble: ``assemble(batch) -> real samples``, run inside the step (for example a
            gather of windows from a device-resident array); default: the batch itself.
        jit_compile: XLA-compile the steps.
        deterministic: enable TensorFlow's op determinism (bit-identical reruns; slower).
        data_parallel: split every batch over the replicas of ``mirrored_strategy()``; the
            batch is ``(arrays, indices)`` with ``indices`` (groups * batch,) on the host.
    """

    def __init__(self, gan, assemble=None, jit_compile=False, deterministic=False, data_parallel=False):
        if deterministic:
            tf.config.experimental.enable_op_determinism()
        self.gan = gan
        self.assemble = assemble or (lambda batch: batch)
        self._strategy = mirrored_strategy() if data_parallel else None
        self.device_count = 1 if self._strategy is None else self._strategy.num_replicas_in_sync
        self._rolled = self._strategy is None and not jit_compile  # see the module docstring
        # The steps' Python control flow depends only on the GAN's settings, never on a tensor's value, so
        # AutoGraph has nothing to convert; skipping it makes the first (tracing) call about a quarter faster.
        self._train = tf.function(self._on_replicas(self._train_step), jit_compile=jit_compile, autograph=False)
        self._test = tf.function(self._on_replicas(self._test_step), jit_compile=jit_compile, autograph=False)

    def place(self, arrays):
        """The data arrays where the steps read them: a copy on every replica when data-parallel."""
        if self._strategy is None:
            return arrays

        def copy(_):
            return tf.nest.map_structure(tf.identity, arrays)

        return self._strategy.experimental_distribute_values_from_function(copy)

    def train_step(self, batch) -> dict:
        """One iteration on ``batch`` (its assembled real samples: (n_critic * batch, ...)); returns logs."""
        return self._train(self._shares(batch, self.gan.n_critic))

    def test_step(self, batch, seed) -> dict:
        """Losses on held-out samples without changing anything; ``seed`` (int) fixes the noise."""
        return self._test(self._shares(batch, 1), self.gan.seed_state(seed))

    def _shares(self, batch, groups: int):
        """``(arrays, indices)`` with each replica's share of the indices of every group (unchanged on one device)."""
        if self._strategy is None:
            return batch
        arrays, indices = batch
        shares = np.split(np.asarray(indices).reshape(groups, -1), self.device_count, axis=1)
        return arrays, self._strategy.experimental_distribute_values_from_function(
            lambda context: tf.constant(shares[context.replica_id_in_sync_group].reshape(-1))
        )

    def _on_replicas(self, step):
        """``step`` run on every replica, its logs averaged over them (``step`` itself on one device)."""
        if self._strategy is None:
            return step

        def distributed(*args):
            logs = self._strategy.run(step, args=args)
            return {name: self._strategy.reduce("MEAN", value, axis=None) for name, value in logs.items()}

        return distributed

    def _noise(self, groups: int, count: int):
        """Noise (groups * count, *noise_shape) for ``count`` samples per group; when data-parallel, this
        replica's share of the global batch's noise, so that the samples do not depend on the replicas."""
        if self._strategy is None:
            return self.gan.sample_noise(groups * count)
        replicas = self.device_count
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        shape = self.gan.noise_shape
        noise = ops.reshape(self.gan.sample_noise(groups * count * replicas), (groups, replicas * count, *shape))
        return ops.reshape(noise[:, replica * count : (replica + 1) * count], (groups * count, *shape))

    def sync(self) -> None:
        """Write the steps' state into the Keras variables (they already hold it on TensorFlow)."""

    def reload(self) -> None:
        """Read the state from the Keras variables after they changed (nothing to do on TensorFlow)."""

    def _train_step(self, batch):
        gan = self.gan
        samples, conditions = gan.real_and_conditions(self.assemble(batch))
        real, real_conditions = gan.split_for_critic_updates(samples), gan.split_for_critic_updates(conditions)
        noise = self._noise(gan.n_critic, ops.shape(real)[1])
        fake = ops.reshape(gan.generator(gan.generator_inputs(noise, conditions), training=True), ops.shape(real))

        def update(index, carry):
            slice_conditions = None if conditions is None else real_conditions[index]
            return self._critic_update(real[index], fake[index], slice_conditions), carry

        critic_logs, _ = critic_updates(gan, update, ops.zeros(()), rolled=self._rolled)
        generator_logs = self._generator_update(samples, ops.shape(real)[1],
                                                None if conditions is None else real_conditions[0])  # fmt: skip
        return {**critic_logs, **generator_logs}

    def _critic_update(self, real, fake, conditions):
        gan = self.gan
        points = gan.penalty.points(real, fake, gan.seed_generator)
        variables = gan.critic.trainable_variables
        with tf.GradientTape() as tape:
            loss, logs = gan.critic_objective(self._score, self._input_gradient, real, fake, points, conditions)
            scaled = gan.d_optimizer.scale_loss(loss) / self.device_count
        gan.d_optimizer.apply(tape.gradient(scaled, variables), variables)
        return logs

    def _generator_update(self, real, batch_size, conditions):
        gan = self.gan
        noise = self._noise(1, batch_size)
        variables = gan.generator.trainable_variables
        with tf.GradientTape() as tape:
            loss, logs = gan.generator_objective(lambda inputs: gan.generator(inputs, training=True), self._score,
                                                 noise, variables, real, conditions)  # fmt: skip
            scaled = gan.g_optimizer.scale_loss(loss) / self.device_count
        gan.g_optimizer.apply(tape.gradient(scaled, variables), variables)
        if gan.generator_ema is not None:
            averages = gan.generator_ema.trainable_variables
            for average, value in zip(averages, gan.moving_average(averages, variables, gan.g_optimizer.iterations)):
                average.assign(value)
            for copy, value in zip(gan.generator_ema.non_trainable_variables, gan.generator.non_trainable_variables):
                copy.assign(value)
        return logs

    def _score(self, inputs, training=True):
        return self.gan.critic(inputs, training=training)

    def _input_gradient(self, inputs_of, points, training=True):
        with tf.GradientTape() as tape:
            tape.watch(points)
            total = ops.sum(ops.cast(critic_score(self._score(inputs_of(points), training)), "float32"))
        return tape.gradient(total, points)

    def _test_step(self, batch, seed):
        gan = self.gan
        real, conditions = gan.real_and_conditions(self.assemble(batch))
        count = ops.shape(real)[0]
        # The draws read and advance a copy of the seed state: validation never moves training's stream.
        with keras.StatelessScope(state_mapping=[(gan.seed_generator.state, seed)]):
            fake = gan.generator(gan.generator_inputs(self._noise(1, count), conditions), training=False)
            points = gan.penalty.points(real, fake, gan.seed_generator)
            _, critic_logs = gan.critic_objective(lambda x: self._score(x, False),
                                                  lambda inputs_of, x: self._input_gradient(inputs_of, x, False),
                                                  real, fake, points, conditions)  # fmt: skip
            _, generator_logs = gan.generator_objective(lambda inputs: gan.generator(inputs, training=False),
                                                        lambda x: self._score(x, False), self._noise(1, count),
                                                        gan.generator.trainable_variables, real, conditions)  # fmt: skip
        return {**critic_logs, **generator_logs}
