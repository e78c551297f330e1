"""The GAN's training and validation steps on JAX: pure functions of an explicit state.

The state is a dict of lists of arrays: the generator's and the critic's trainable and
non-trainable values (the latter hold the phase-shuffle seed states), both optimizers'
variables, the GAN's seed state and, if the GAN keeps one, the moving average of the
generator's trainable values (``generator_ema``, updated after each generator update) with a
copy of its non-trainable ones (``generator_ema_state``).
Models run through ``stateless_call`` and optimizers through ``stateless_apply`` (the Keras
guide "customizing fit() with JAX"); random draws read and advance the seed state inside a
``keras.StatelessScope``, so the steps are pure and ``jax.jit`` compiles each once. The
penalty's input gradient is a ``jax.grad`` inside the critic update's ``jax.value_and_grad``
(second order). The n_critic critic updates are written out one after the other: as one
``fori_loop`` over the state, XLA compiled the demo step (n_critic 5, batch 32) 23 % faster but
ran it 4.6x slower on 2 CPU cores (``benchmarks/train_step.py --backend jax``).

The Keras variables are written only by ``sync`` (before a checkpoint or a save) and read
by ``reload`` (after a restore).

With ``data_parallel``, the state and the data arrays are replicated on every local device
(a one-axis mesh, "batch") and the real samples, the generated ones and the generator
update's noise are constrained to be split along their batch axis, so XLA runs each device on
its share. JAX computes on global arrays, so
every loss is still the mean over the global batch and the gradients are those of one device.
"""

import jax
import keras
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec
from keras import ops

from calciumgan.training.gan import critic_score, critic_updates


class _Stateless:
    """A Keras model called with explicit variable values; its non-trainable updates are kept."""

    def __init__(self, model, trainable, non_trainable, training: bool):
        self.model, self.trainable, self.non_trainable, self.training = model, trainable, non_trainable, training

    def __call__(self, inputs):
        outputs, self.non_trainable = self.model.stateless_call(
            self.trainable, self.non_trainable, inputs, training=self.training
        )
        return outputs

    def input_gradient(self, inputs_of, points):
        """Gradient of the summed scores (``critic_score`` of the outputs) on ``inputs_of(points)`` with respect
        to ``points``, in float32."""

        def total(points, non_trainable):
            scores, non_trainable = self.model.stateless_call(
                self.trainable, non_trainable, inputs_of(points), training=self.training
            )
            return ops.sum(ops.cast(critic_score(scores), "float32")), non_trainable

        gradient, self.non_trainable = jax.grad(total, has_aux=True)(points, self.non_trainable)
        return gradient


def accelerators() -> list:
    """JAX's devices that are not CPUs."""
    return [device for device in jax.devices() if device.platform != "cpu"]


def _scaled_loss(optimizer, values, loss):
    """``optimizer.scale_loss(loss)`` with the optimizer's variables (its loss scale) taken from ``values``."""
    with keras.StatelessScope(state_mapping=list(zip(optimizer.variables, values))):
        return optimizer.scale_loss(loss)


class JaxSteps:
    """Compiled steps of a compiled ``GAN``; the same arguments as ``TensorFlowSteps``.

    ``jit_compile`` is ignored: on JAX the steps are always compiled. ``deterministic``
    needs nothing on CPUs; on GPUs set ``XLA_FLAGS=--xla_gpu_deterministic_ops=true``
    before starting Python. ``data_parallel``: split every batch over all local devices.
    """

    def __init__(self, gan, assemble=None, jit_compile=True, deterministic=False, data_parallel=False):
        self.gan = gan
        self.assemble = assemble or (lambda batch: batch)
        self._mesh = Mesh(np.array(jax.devices()), ("batch",)) if data_parallel else None
        self._variables = {
            "generator": gan.generator.trainable_variables,
            "generator_state": gan.generator.non_trainable_variables,
            "critic": gan.critic.trainable_variables,
            "critic_state": gan.critic.non_trainable_variables,
            "g_optimizer": gan.g_optimizer.variables,
            "d_optimizer": gan.d_optimizer.variables,
            "seed": [gan.seed_generator.state],
        }
        self._g_iterations = next(index for index, variable in enumerate(gan.g_optimizer.variables)
                                  if variable is gan.g_optimizer.iterations)  # fmt: skip
        if gan.generator_ema is not None:
            self._variables["generator_ema"] = gan.generator_ema.trainable_variables
            self._variables["generator_ema_state"] = gan.generator_ema.non_trainable_variables
        self._state = None
        self._train = jax.jit(self._train_step)
        self._test = jax.jit(self._test_step)

    @property
    def device_count(self) -> int:
        """Devices each batch is split over."""
        return 1 if self._mesh is None else self._mesh.size

    def place(self, arrays):
        """``arrays`` (a pytree) where the steps read them: replicated on every device when data-parallel."""
        return arrays if self._mesh is None else jax.device_put(arrays, NamedSharding(self._mesh, PartitionSpec()))

    def _split(self, values, batch_axis: int):
        """``values`` constrained to be split over the devices along ``batch_axis`` (identity on one device)."""
        if self._mesh is None or values is None:
            return values
        spec = PartitionSpec(*([None] * batch_axis), "batch")
        return jax.lax.with_sharding_constraint(values, NamedSharding(self._mesh, spec))

    def train_step(self, batch) -> dict:
        """One iteration on ``batch`` (its assembled real samples: (n_critic * batch, ...)); returns logs."""
        if self._state is None:
            self.reload()
        logs, self._state = self._train(self._state, batch)
        return logs

    def test_step(self, batch, seed) -> dict:
        """Losses on held-out samples without changing anything; ``seed`` (int) fixes the noise."""
        if self._state is None:
            self.reload()
        return self._test(self._state, batch, self.gan.seed_state(seed))

    def sync(self) -> None:
        """Write the state into the Keras variables."""
        if self._state is not None:
            for name, variables in self._variables.items():
                for variable, value in zip(variables, self._state[name]):
                    variable.assign(value)

    def reload(self) -> None:
        """Read the state from the Keras variables (after a checkpoint was restored into them)."""
        state = {name: [variable.value for variable in variables] for name, variables in self._variables.items()}
        self._state = self.place(state)

    def _train_step(self, state, batch):
        gan = self.gan
        samples, conditions = gan.real_and_conditions(self.assemble(batch))
        real = self._split(gan.split_for_critic_updates(samples), batch_axis=1)
        real_conditions = self._split(gan.split_for_critic_updates(conditions), batch_axis=1)

        def generate(state):
            generator = _Stateless(gan.generator, state["generator"], state["generator_state"], training=True)
            fake = generator(gan.generator_inputs(gan.sample_noise(ops.shape(samples)[0]), conditions))
            return self._split(ops.reshape(fake, ops.shape(real)), batch_axis=1), {
                **state, "generator_state": generator.non_trainable}  # fmt: skip

        fake, state = self._seeded(state, generate)

        def critic_update(index, state):
            def update(state):
                points = gan.penalty.points(real[index], fake[index], gan.seed_generator)
                slice_conditions = None if conditions is None else real_conditions[index]
                return self._critic_update(state, real[index], fake[index], points, slice_conditions)

            return self._seeded(state, update)

        critic_logs, state = critic_updates(gan, critic_update, state, rolled=False)

        def generator_update(state):
            noise = self._split(gan.sample_noise(ops.shape(real)[1]), 0)
            return self._generator_update(state, noise, samples, None if conditions is None else real_conditions[0])

        generator_logs, state = self._seeded(state, generator_update)
        return {**critic_logs, **generator_logs}, state

    def _seeded(self, state, compute):
        """``compute(state) -> (result, state)`` with the GAN's random draws reading and advancing ``state["seed"]``."""
        seed = self.gan.seed_generator.state
        with keras.StatelessScope(state_mapping=[(seed, state["seed"][0])]) as scope:
            result, state = compute(state)
            return result, {**state, "seed": [scope.get_current_value(seed)]}

    def _critic_update(self, state, real, fake, points, conditions):
        gan, optimizer = self.gan, self.gan.d_optimizer

        def objective(trainable, non_trainable):
            critic = _Stateless(gan.critic, trainable, non_trainable, training=True)
            loss, logs = gan.critic_objective(critic, critic.input_gradient, real, fake, points, conditions)
            return _scaled_loss(optimizer, state["d_optimizer"], loss), (logs, critic.non_trainable)

        (_, (logs, critic_state)), gradients = jax.value_and_grad(objective, has_aux=True)(
            state["critic"], state["critic_state"]
        )
        critic, optimizer_state = optimizer.stateless_apply(state["d_optimizer"], gradients, state["critic"])
        return logs, {**state, "critic": critic, "critic_state": critic_state, "d_optimizer": optimizer_state}

    def _generator_update(self, state, noise, real, conditions):
        gan, optimizer = self.gan, self.gan.g_optimizer

        def objective(trainable, generator_state, critic_state):
            generator = _Stateless(gan.generator, trainable, generator_state, training=True)
            critic = _Stateless(gan.critic, state["critic"], critic_state, training=True)
            loss, logs = gan.generator_objective(generator, critic, noise, trainable, real, conditions)
            scaled = _scaled_loss(optimizer, state["g_optimizer"], loss)
            return scaled, (logs, generator.non_trainable, critic.non_trainable)

        (_, (logs, generator_state, critic_state)), gradients = jax.value_and_grad(objective, has_aux=True)(
            state["generator"], state["generator_state"], state["critic_state"]
        )
        generator, optimizer_state = optimizer.stateless_apply(state["g_optimizer"], gradients, state["generator"])
        state = {**state, "generator": generator, "generator_state": generator_state, "critic_state": critic_state,
                 "g_optimizer": optimizer_state}  # fmt: skip
        if gan.generator_ema is not None:
            updates = optimizer_state[self._g_iterations]  # counted by the optimizer: this update included
            state["generator_ema"] = gan.moving_average(state["generator_ema"], generator, updates)
            state["generator_ema_state"] = generator_state
        return logs, state

    def _test_step(self, state, batch, seed):
        gan = self.gan
        real, conditions = gan.real_and_conditions(self.assemble(batch))
        real, conditions = self._split(real, batch_axis=0), self._split(conditions, batch_axis=0)
        count = ops.shape(real)[0]
        with keras.StatelessScope(state_mapping=[(gan.seed_generator.state, seed)]):
            generator = _Stateless(gan.generator, state["generator"], state["generator_state"], training=False)
            critic = _Stateless(gan.critic, state["critic"], state["critic_state"], training=False)
            fake = generator(gan.generator_inputs(gan.sample_noise(count), conditions))
            points = gan.penalty.points(real, fake, gan.seed_generator)
            _, critic_logs = gan.critic_objective(critic, critic.input_gradient, real, fake, points, conditions)
            _, generator_logs = gan.generator_objective(generator, critic, gan.sample_noise(count), state["generator"],
                                                        real, conditions)  # fmt: skip
        return {**critic_logs, **generator_logs}
