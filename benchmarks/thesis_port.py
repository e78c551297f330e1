"""The reference for ``train_step.py``: a plain Keras 3 port of the thesis's model and training step.

Written the straightforward way, as the thesis's code does it: stock
``Conv1DTranspose`` / ``Conv1D`` / ``LeakyReLU`` layers, one phase-shuffle offset
per batch (reflect padding), and each of the ``n_critic`` critic updates on the
same real batch, with separate critic calls on real and generated windows. It
computes the same losses as ``calciumgan.training.gan.WassersteinGAN``; only the speed
differs. Used for benchmarking only.
"""

import keras
import tensorflow as tf

from calciumgan.config import ModelConfig


class BatchPhaseShuffle(keras.layers.Layer):
    """One random shift in [-m, m] for the whole batch, reflect-padded (the public WaveGAN way)."""

    def __init__(self, max_shift, **kwargs):
        super().__init__(**kwargs)
        self.max_shift = max_shift

    def call(self, inputs, training=None):
        if not training:
            return inputs
        shift = tf.random.uniform([], -self.max_shift, self.max_shift + 1, dtype=tf.int32)
        padded = tf.pad(inputs, [[0, 0], [self.max_shift, self.max_shift], [0, 0]], mode="REFLECT")
        return tf.gather(padded, tf.range(inputs.shape[1]) + self.max_shift - shift, axis=1)


def port_generator(config: ModelConfig, window: int, neurons: int) -> keras.Model:
    length = window // config.strides**config.num_blocks
    noise = keras.Input((config.noise_dim,))
    x = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(length * config.noise_dim)(noise))
    x = keras.layers.Reshape((length, config.noise_dim))(x)
    for block in range(config.num_blocks):
        filters = neurons if block == config.num_blocks - 1 else config.filters * (config.num_blocks - block)
        x = keras.layers.Conv1DTranspose(filters, config.kernel_size, config.strides, padding="same")(x)
        x = keras.layers.LeakyReLU(0.2)(keras.layers.LayerNormalization()(x))
    return keras.Model(noise, keras.layers.Activation("sigmoid")(keras.layers.Dense(neurons)(x)))


def port_critic(config: ModelConfig, window: int, neurons: int) -> keras.Model:
    traces = keras.Input((window, neurons))
    x = traces
    for block in range(config.num_blocks):
        x = keras.layers.Conv1D(config.filters * (block + 1), config.kernel_size, config.strides, padding="same")(x)
        x = keras.layers.LeakyReLU(0.2)(x)
        if block < config.num_blocks - 1:
            x = BatchPhaseShuffle(config.phase_shuffle)(x)
    return keras.Model(traces, keras.layers.Dense(1)(keras.layers.Flatten()(x)))


class ThesisPortGAN(keras.Model):
    """WGAN-GP train step as in the thesis's code; ``data`` is one real batch (batch, time, neurons)."""

    def __init__(self, generator, critic, n_critic=5, penalty=10.0):
        super().__init__()
        self.generator, self.critic = generator, critic
        self.n_critic, self.penalty = n_critic, penalty
        self.noise_dim = generator.input_shape[-1]

    def compile(self, g_optimizer, d_optimizer, jit_compile=False):
        super().compile(jit_compile=jit_compile)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer

    def _penalty(self, real, fake):
        epsilon = tf.random.uniform([tf.shape(real)[0], 1, 1])
        mixed = epsilon * real + (1 - epsilon) * fake
        with tf.GradientTape() as tape:
            tape.watch(mixed)
            scores = self.critic(mixed, training=True)
        norms = tf.norm(tf.reshape(tape.gradient(scores, mixed), [tf.shape(real)[0], -1]), axis=1)
        return tf.reduce_mean(tf.square(norms - 1.0))

    def train_step(self, data):
        real, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        batch = tf.shape(real)[0]
        for _ in range(self.n_critic):
            with tf.GradientTape() as tape:
                fake = self.generator(tf.random.normal([batch, self.noise_dim]), training=True)
                real_scores = self.critic(real, training=True)
                fake_scores = self.critic(fake, training=True)
                loss = tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores)
                loss += self.penalty * self._penalty(real, fake)
            grads = tape.gradient(loss, self.critic.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.critic.trainable_variables))
        with tf.GradientTape() as tape:
            fake = self.generator(tf.random.normal([batch, self.noise_dim]), training=True)
            generator_loss = -tf.reduce_mean(self.critic(fake, training=True))
        grads = tape.gradient(generator_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return {"critic_loss": loss, "generator_loss": generator_loss}
