"""The Wasserstein GAN with gradient penalty (WGAN-GP, Gulrajani et al. 2017) as one ``keras.Model``.

One call of ``train_step`` is one training iteration: ``n_critic`` critic updates,
each on its own slice of the incoming batch of real windows, then one generator
update. The generator is fixed during the critic updates, so their generated
windows come from one batched generator call. The critic minimises

    L_D = E[D(G(z))] - E[D(x)] + lambda * E[(||grad D(x_hat)||_2 - 1)^2],
    x_hat = eps * x + (1 - eps) * G(z),  eps ~ U(0, 1) once per example,

and the generator minimises ``-E[D(G(z))]`` (thesis Eq. 2.7). Under a
``mixed_float16`` policy both optimizers are wrapped in
``keras.optimizers.LossScaleOptimizer``: losses are scaled inside the tape and
``apply`` unscales, skips non-finite steps and adapts the scale. The penalty's
inner gradient is taken with respect to float32 inputs and its norm is
computed in float32.
"""

import keras
import tensorflow as tf
from keras import ops


@keras.saving.register_keras_serializable(package="calciumgan")
class WassersteinGAN(keras.Model):
    """Generator and critic trained with WGAN-GP.

    Args:
        generator: maps noise (batch, noise_dim) to traces (batch, time, neurons).
        critic: maps traces to scores (batch, 1).
        n_critic: critic updates per generator update.
        gradient_penalty_weight: lambda of the penalty.
        seed: seed of the noise and interpolation weights.
    """

    def __init__(self, generator, critic, n_critic=5, gradient_penalty_weight=10.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.critic = critic
        self.n_critic = int(n_critic)
        self.gradient_penalty_weight = float(gradient_penalty_weight)
        self.noise_dim = generator.input_shape[-1]
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.critic_loss_tracker = keras.metrics.Mean(name="critic_loss")
        self.generator_loss_tracker = keras.metrics.Mean(name="generator_loss")
        self.gradient_penalty_tracker = keras.metrics.Mean(name="gradient_penalty")
        self.wasserstein_tracker = keras.metrics.Mean(name="wasserstein")

    @property
    def metrics(self):
        return [
            self.critic_loss_tracker,
            self.generator_loss_tracker,
            self.gradient_penalty_tracker,
            self.wasserstein_tracker,
        ]

    def compile(self, g_optimizer, d_optimizer, jit_compile=False, **kwargs):
        """Attach one optimizer per network; wrap both for loss scaling under mixed_float16."""
        super().compile(jit_compile=jit_compile, **kwargs)
        if self.uses_mixed_precision:
            g_optimizer = _loss_scaled(g_optimizer)
            d_optimizer = _loss_scaled(d_optimizer)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer
        # Create optimizer state now, outside any traced function, so it can be checkpointed.
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.critic.trainable_variables)

    @property
    def uses_mixed_precision(self) -> bool:
        return any(layer.compute_dtype == "float16" for layer in self.generator.layers + self.critic.layers)

    def call(self, noise, training=False):
        return self.generator(noise, training=training)

    def sample_noise(self, batch_size):
        """Standard normal noise (batch_size, noise_dim) drawn from the model's own seed stream."""
        return keras.random.normal((batch_size, self.noise_dim), seed=self.seed_generator)

    def gradient_penalty(self, real, fake, training=True):
        """Mean over examples of (||grad_x D(x_hat)||_2 - 1)^2, one interpolation weight per example."""
        real = ops.cast(real, "float32")
        fake = ops.cast(fake, "float32")
        weights = keras.random.uniform(
            (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1), seed=self.seed_generator
        )
        interpolated = weights * real + (1.0 - weights) * fake
        with tf.GradientTape() as tape:
            tape.watch(interpolated)
            total_score = ops.sum(ops.cast(self.critic(interpolated, training=training), "float32"))
        gradients = ops.cast(tape.gradient(total_score, interpolated), "float32")
        norms = ops.sqrt(ops.sum(ops.square(gradients), axis=tuple(range(1, len(real.shape)))))
        return ops.mean(ops.square(norms - 1.0))

    def _critic_loss(self, real, fake, training):
        """Critic loss on one batch of real and generated windows; also updates the critic's trackers."""
        batch_size = ops.shape(real)[0]
        scores = ops.cast(self.critic(ops.concatenate([real, fake], axis=0), training=training), "float32")
        wasserstein = ops.mean(scores[:batch_size]) - ops.mean(scores[batch_size:])
        penalty = self.gradient_penalty(real, fake, training=training)
        loss = -wasserstein + self.gradient_penalty_weight * penalty
        self.critic_loss_tracker.update_state(loss)
        self.gradient_penalty_tracker.update_state(penalty)
        self.wasserstein_tracker.update_state(wasserstein)
        return loss

    def _generator_loss(self, batch_size, training):
        """Generator loss on a fresh generated batch; also updates its tracker."""
        fake = self.generator(self.sample_noise(batch_size), training=training)
        loss = -ops.mean(ops.cast(self.critic(fake, training=training), "float32"))
        self.generator_loss_tracker.update_state(loss)
        return loss

    def _critic_update(self, real, fake):
        with tf.GradientTape() as tape:
            scaled = self.d_optimizer.scale_loss(self._critic_loss(real, fake, training=True))
        variables = self.critic.trainable_variables
        self.d_optimizer.apply(tape.gradient(scaled, variables), variables)

    def _generator_update(self, batch_size):
        with tf.GradientTape() as tape:
            scaled = self.g_optimizer.scale_loss(self._generator_loss(batch_size, training=True))
        variables = self.generator.trainable_variables
        self.g_optimizer.apply(tape.gradient(scaled, variables), variables)

    def train_step(self, data):
        """``data``: real windows (n_critic * batch, time, neurons), float32 in [0, 1]."""
        data, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        real = ops.reshape(data, (self.n_critic, -1, *data.shape[1:]))
        # The generator does not change during the critic updates: draw all their fakes in one call.
        fake = self.generator(self.sample_noise(ops.shape(data)[0]), training=True)
        fake = ops.reshape(fake, ops.shape(real))
        for index in range(self.n_critic):
            self._critic_update(real[index], fake[index])
        self._generator_update(ops.shape(real)[1])
        return {metric.name: metric.result() for metric in self.metrics}

    def test_step(self, data):
        """Losses on held-out windows (batch, time, neurons) without updating anything."""
        data, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        fake = self.generator(self.sample_noise(ops.shape(data)[0]), training=False)
        self._critic_loss(data, fake, training=False)
        self._generator_loss(ops.shape(data)[0], training=False)
        return {metric.name: metric.result() for metric in self.metrics}

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "critic": keras.saving.serialize_keras_object(self.critic),
            "n_critic": self.n_critic,
            "gradient_penalty_weight": self.gradient_penalty_weight,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in ("generator", "critic"):
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)


def _loss_scaled(optimizer):
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)
