"""The reference for ``train_step.py``: a plain Keras 3 port of the thesis's model and training step.

Written the straightforward way, as the thesis's code does it: stock ``Conv1DTranspose`` /
``Conv1D`` / ``LeakyReLU`` layers, one phase-shuffle offset per batch (reflect padding), and
each of the ``n_critic`` critic updates on the same real batch, with separate critic calls on
real and generated windows and a fresh generator call per update. It computes the same losses
as ``calciumgan.training``; only the speed differs. One training step per backend:
``TensorFlowPort`` (``GradientTape``) and ``JaxPort`` (``stateless_call``, ``jax.grad``).
Used for benchmarking only.
"""

import keras
from keras import ops


class BatchPhaseShuffle(keras.layers.Layer):
    """One random shift in [-m, m] for the whole batch, reflect-padded (the public WaveGAN way)."""

    def __init__(self, max_shift, **kwargs):
        super().__init__(**kwargs)
        self.max_shift = max_shift
        self.seed_generator = keras.random.SeedGenerator(0)

    def call(self, inputs, training=None):
        if not training:
            return inputs
        shift = keras.random.randint((), -self.max_shift, self.max_shift + 1, seed=self.seed_generator)
        padded = ops.pad(inputs, [[0, 0], [self.max_shift, self.max_shift], [0, 0]], mode="reflect")
        return ops.take(padded, ops.arange(inputs.shape[1]) + self.max_shift - shift, axis=1)


def port_generator(model, window: int, neurons: int) -> keras.Model:
    length = window // model.strides**model.num_blocks
    noise = keras.Input((model.noise_dim,))
    x = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(length * model.noise_dim)(noise))
    x = keras.layers.Reshape((length, model.noise_dim))(x)
    for block in range(model.num_blocks):
        filters = neurons if block == model.num_blocks - 1 else model.filters * (model.num_blocks - block)
        x = keras.layers.Conv1DTranspose(filters, model.kernel_size, model.strides, padding="same")(x)
        x = keras.layers.LeakyReLU(0.2)(keras.layers.LayerNormalization()(x))
    return keras.Model(noise, keras.layers.Activation("sigmoid")(keras.layers.Dense(neurons)(x)))


def port_critic(model, window: int, neurons: int) -> keras.Model:
    traces = keras.Input((window, neurons))
    x = traces
    for block in range(model.num_blocks):
        x = keras.layers.Conv1D(model.filters * (block + 1), model.kernel_size, model.strides, padding="same")(x)
        x = keras.layers.LeakyReLU(0.2)(x)
        if block < model.num_blocks - 1:
            x = BatchPhaseShuffle(model.phase_shuffle)(x)
    return keras.Model(traces, keras.layers.Dense(1)(keras.layers.Flatten()(x)))


def _adam():
    return keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9)


class TensorFlowPort:
    """WGAN-GP step as in the thesis's code; ``train_step(real)`` takes one real batch (batch, time, neurons)."""

    def __init__(self, generator, critic, n_critic=5, penalty=10.0, jit_compile=False):
        import tensorflow as tf

        self.tf, self.generator, self.critic = tf, generator, critic
        self.n_critic, self.penalty, self.noise_dim = n_critic, penalty, generator.input_shape[-1]
        self.g_optimizer, self.d_optimizer = _adam(), _adam()
        self.train_step = tf.function(self._train_step, jit_compile=jit_compile)

    def _penalty(self, real, fake):
        tf = self.tf
        epsilon = tf.random.uniform([tf.shape(real)[0], 1, 1])
        mixed = epsilon * real + (1 - epsilon) * fake
        with tf.GradientTape() as tape:
            tape.watch(mixed)
            scores = self.critic(mixed, training=True)
        norms = tf.norm(tf.reshape(tape.gradient(scores, mixed), [tf.shape(real)[0], -1]), axis=1)
        return tf.reduce_mean(tf.square(norms - 1.0))

    def _train_step(self, real):
        tf = self.tf
        batch = tf.shape(real)[0]
        for _ in range(self.n_critic):
            with tf.GradientTape() as tape:
                fake = self.generator(tf.random.normal([batch, self.noise_dim]), training=True)
                loss = tf.reduce_mean(self.critic(fake, training=True)) - tf.reduce_mean(self.critic(real, training=True))
                loss += self.penalty * self._penalty(real, fake)
            grads = tape.gradient(loss, self.critic.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.critic.trainable_variables))
        with tf.GradientTape() as tape:
            fake = self.generator(tf.random.normal([batch, self.noise_dim]), training=True)
            generator_loss = -tf.reduce_mean(self.critic(fake, training=True))
        grads = tape.gradient(generator_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return {"critic_loss": loss, "generator_loss": generator_loss}


class JaxPort:
    """The same step on JAX: pure functions of explicit variable values, one ``jax.jit``."""

    def __init__(self, generator, critic, n_critic=5, penalty=10.0):
        import jax

        self.jax, self.generator, self.critic = jax, generator, critic
        self.n_critic, self.penalty, self.noise_dim = n_critic, penalty, generator.input_shape[-1]
        self.g_optimizer, self.d_optimizer = _adam(), _adam()
        self.g_optimizer.build(generator.trainable_variables)
        self.d_optimizer.build(critic.trainable_variables)
        values = lambda variables: [variable.value for variable in variables]  # noqa: E731
        self.state = (
            values(generator.trainable_variables), values(generator.non_trainable_variables),
            values(critic.trainable_variables), values(critic.non_trainable_variables),
            values(self.g_optimizer.variables), values(self.d_optimizer.variables), jax.random.key(0),
        )  # fmt: skip
        self._step = jax.jit(self._train_step)

    def train_step(self, real):
        logs, self.state = self._step(self.state, real)
        return logs

    def _critic_scores(self, trainable, non_trainable, samples):
        return self.critic.stateless_call(trainable, non_trainable, samples, training=True)

    def _train_step(self, state, real):
        jax = self.jax
        g_trainable, g_state, c_trainable, c_state, g_optimizer, d_optimizer, key = state
        batch = real.shape[0]

        def critic_loss(c_trainable, c_state, noise, epsilon):
            fake, _ = self.generator.stateless_call(g_trainable, g_state, noise, training=True)
            real_scores, c_state = self._critic_scores(c_trainable, c_state, real)
            fake_scores, c_state = self._critic_scores(c_trainable, c_state, fake)
            mixed = epsilon * real + (1 - epsilon) * fake

            def total(points, c_state):
                scores, c_state = self._critic_scores(c_trainable, c_state, points)
                return ops.sum(scores), c_state

            gradients, c_state = jax.grad(total, has_aux=True)(mixed, c_state)
            norms = ops.sqrt(ops.sum(ops.square(gradients), axis=(1, 2)))
            loss = ops.mean(fake_scores) - ops.mean(real_scores) + self.penalty * ops.mean(ops.square(norms - 1.0))
            return loss, c_state

        for _ in range(self.n_critic):
            key, noise_key, epsilon_key = jax.random.split(key, 3)
            noise = jax.random.normal(noise_key, (batch, self.noise_dim))
            epsilon = jax.random.uniform(epsilon_key, (batch, 1, 1))
            (loss, c_state), grads = jax.value_and_grad(critic_loss, has_aux=True)(c_trainable, c_state, noise, epsilon)
            c_trainable, d_optimizer = self.d_optimizer.stateless_apply(d_optimizer, grads, c_trainable)

        def generator_loss(g_trainable, c_state, noise):
            fake, _ = self.generator.stateless_call(g_trainable, g_state, noise, training=True)
            scores, c_state = self._critic_scores(c_trainable, c_state, fake)
            return -ops.mean(scores), c_state

        key, noise_key = jax.random.split(key)
        noise = jax.random.normal(noise_key, (batch, self.noise_dim))
        (g_loss, c_state), grads = jax.value_and_grad(generator_loss, has_aux=True)(g_trainable, c_state, noise)
        g_trainable, g_optimizer = self.g_optimizer.stateless_apply(g_optimizer, grads, g_trainable)
        state = (g_trainable, g_state, c_trainable, c_state, g_optimizer, d_optimizer, key)
        return {"critic_loss": loss, "generator_loss": g_loss}, state
