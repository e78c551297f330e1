"""A generator and a critic trained adversarially, as one backend-neutral ``keras.Model``.

One training iteration is ``n_critic`` critic updates, each on its own slice of the
incoming real samples, then one generator update (Algorithm 1 of Gulrajani et al. 2017).
The generator does not change during the critic updates, so their generated samples come
from one batched generator call. The loss (``calciumgan.training.losses``) and the penalty
(``calciumgan.training.penalties``) are arguments: WGAN-GP is ``WassersteinLoss`` with
``GradientPenalty``.

A GAN may be conditional: when the generator has two inputs, ``[condition, noise]``, the
critic takes ``[samples, condition]`` and each assembled batch is a pair ``(samples,
conditions)``. Generated samples get the conditions of the real ones they are compared with,
and the penalty differentiates with respect to the samples only (the conditions are given).

A critic may also return two outputs, ``[score, auxiliary]``: an auxiliary-classifier GAN (AC-GAN,
Odena et al. 2017; ``calciumgan.training.auxiliary``) whose critic classifies samples beside scoring
them. The adversarial loss, the Wasserstein estimate and the penalty's gradient use the score
only; the ``auxiliary`` loss object turns the class logits and the conditions (the labels) into
terms added to both objectives. Such a critic may take the samples alone (Odena's design) while
the generator takes ``[labels, noise]``.

Two generator tricks are options. ``ema_decay`` keeps an exponential moving average of the
generator's weights (ProGAN, Karras et al. 2018: decay 0.999) in ``generator_ema``, a copy of
the generator updated after every generator update; sample from it, train the generator. As
in ProGAN, only trainable variables are averaged: non-trainable ones (normalisation
statistics, the seed state of a noisy output head) are copied. The decay warms up as
TensorFlow's ``ExponentialMovingAverage(num_updates=t)`` does, ``min(d, (1 + t) / (10 + t))``
after t generator updates: without it the average of a short run keeps its untrained start
(0.999^1000 = 37 % of it after 1,000 updates). ``uniform_average`` keeps instead the plain mean of the
generator's weights after every update, ``a_t = a_(t-1) + (w_t - a_(t-1)) / t`` (the GAN-tricks slides'
average of generator snapshots; Yazici et al. 2019), in the same ``generator_ema``.
``orthogonal_regularization`` is beta of BigGAN's orthogonal regularisation
(``calciumgan.training.regularizers``; BigGAN: 1e-4), added to the generator's loss.
``moment_matching`` weighs a feature-matching term (``calciumgan.training.moments``): the gap
between each neuron's statistics in the generated batch and in the step's real samples.

This module holds the arithmetic of both objectives in ``keras.ops``; differentiating
and applying them is backend-specific and lives in ``tensorflow_steps`` (GradientTape) and
``jax_steps`` (``stateless_call`` / ``stateless_apply``), chosen by ``steps.make_steps``.

Under a ``mixed_float16`` policy both optimizers are wrapped in
``keras.optimizers.LossScaleOptimizer``; losses are scaled before differentiation and the
optimizers unscale, skip non-finite steps and adapt the scale. ``mixed_bfloat16`` needs no
scaling. Scores, losses and the penalty are computed in float32.
"""

import keras
from keras import ops

from calciumgan.training.auxiliary import AUXILIARY_CRITIC_LOG_NAMES, AUXILIARY_LOG_NAMES
from calciumgan.training.losses import WassersteinLoss
from calciumgan.training.moments import MOMENT_LOG_NAMES, moment_gap
from calciumgan.training.penalties import GradientPenalty
from calciumgan.training.regularizers import orthogonal_penalty

CRITIC_LOG_NAMES = ("critic_loss", "wasserstein", "penalty", "gradient_norm")
LOG_NAMES = ("critic_loss", "generator_loss", "wasserstein", "penalty", "gradient_norm")
"""Scalars each step returns: losses, the critic's Wasserstein estimate E[D(x)] - E[D(G(z))],
the penalty term added to the critic's loss and the mean norm of the penalised gradients
(``CRITIC_LOG_NAMES``: those of a critic update, averaged over the step's n_critic updates)."""


@keras.saving.register_keras_serializable(package="calciumgan")
class GAN(keras.Model):
    """Generator and critic with their adversarial loss and critic penalty.

    Args:
        generator: maps noise (batch, *noise_shape) to samples (batch, ...); a conditional one
            maps ``[conditions (batch, ...), noise]``.
        critic: maps samples to scores (batch, 1); a conditional one maps ``[samples, conditions]``
            (or the samples alone); with ``auxiliary`` it returns ``[scores, logits (batch, classes)]``.
        loss: an object with ``critic(real_scores, fake_scores)`` and ``generator(fake_scores)``;
            default ``WassersteinLoss()``.
        penalty: an object with ``points(real, fake, seed_generator)`` and
            ``__call__(gradients, wasserstein) -> (term, mean_norm)``; default
            ``GradientPenalty(10)``.
        n_critic: critic updates per generator update.
        seed: seed of the noise and of the penalty's random points.
        ema_decay: d of the generator's weight average ``a <- d_t a + (1 - d_t) w``, applied to its
            trainable variables after generator update t (its non-trainable ones are copied), with
            ``d_t = min(d, (1 + t) / (10 + t))``; ``None`` keeps no average (``generator_ema`` is ``None``).
        uniform_average: keep the uniform average of the generator's weights after every update in
            ``generator_ema`` (``d_t = 1 - 1 / t``); excludes ``ema_decay``.
        orthogonal_regularization: beta, the weight of ``orthogonal_penalty`` of the generator's
            kernels in its loss; 0 leaves the loss as it is.
        auxiliary: for a two-output critic, an object with ``critic(real_logits, generated_logits,
            labels)`` and ``generator(generated_logits, labels)``, each returning ``(term, logs)``,
            such as ``AuxiliaryClassifierLoss``; the labels are the conditions. ``None`` for a
            one-output critic.
        moment_matching: the weight of ``moment_gap(real, generated)`` in the generator's loss;
            0 leaves the loss as it is.
    """

    def __init__(self, generator, critic, loss=None, penalty=None, n_critic=5, seed=None, ema_decay=None,
                 orthogonal_regularization=0.0, auxiliary=None, moment_matching=0.0, uniform_average=False,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self.generator = generator
        self.critic = critic
        self.loss_function = loss if loss is not None else WassersteinLoss()
        self.penalty = penalty if penalty is not None else GradientPenalty()
        self.n_critic = int(n_critic)
        if self.n_critic < 1:
            raise ValueError(f"n_critic must be at least 1, got {n_critic}")
        self.conditional = len(generator.inputs) == 2
        self.critic_takes_conditions = self.conditional and len(critic.inputs) == 2
        self.auxiliary = auxiliary
        if (auxiliary is not None) != (len(critic.outputs) == 2):
            raise ValueError(f"a critic with {len(critic.outputs)} output(s) needs "
                             f"{'an' if len(critic.outputs) == 2 else 'no'} auxiliary loss")  # fmt: skip
        if auxiliary is not None and not self.conditional:
            raise ValueError("an auxiliary classifier needs a conditional generator: [labels, noise] -> samples")
        self.noise_shape = tuple(generator.inputs[-1].shape[1:])
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        if ema_decay is not None and not 0 < ema_decay < 1:
            raise ValueError(f"ema_decay must be between 0 and 1, got {ema_decay}")
        if ema_decay is not None and uniform_average:
            raise ValueError("ema_decay and uniform_average both average the generator's weights; give one")
        if not orthogonal_regularization >= 0:
            raise ValueError(f"orthogonal_regularization must be >= 0, got {orthogonal_regularization}")
        if not moment_matching >= 0:
            raise ValueError(f"moment_matching must be >= 0, got {moment_matching}")
        self.moment_matching = float(moment_matching)
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        self.uniform_average = bool(uniform_average)
        self.orthogonal_regularization = float(orthogonal_regularization)
        averaged = ema_decay is not None or self.uniform_average
        self.generator_ema = _copy_of(generator) if averaged else None

    def compile(self, g_optimizer, d_optimizer):
        """Attach one optimizer per network; wrap both for loss scaling under mixed_float16."""
        super().compile()
        if self.uses_loss_scaling:
            g_optimizer = _loss_scaled(g_optimizer)
            d_optimizer = _loss_scaled(d_optimizer)
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer
        # Create optimizer state now, outside any compiled function, so it can be checkpointed.
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.critic.trainable_variables)

    @property
    def uses_loss_scaling(self) -> bool:
        """Whether any layer computes in float16 (bfloat16 has float32's range and needs no scaling)."""
        return any(layer.compute_dtype == "float16" for layer in self.generator.layers + self.critic.layers)

    def call(self, noise, training=False):
        return self.generator(noise, training=training)

    def sample_noise(self, count, seed=None):
        """Standard normal noise (count, *noise_shape), from the model's seed stream unless ``seed`` is given."""
        return keras.random.normal((count, *self.noise_shape), seed=self.seed_generator if seed is None else seed)

    def generator_inputs(self, noise, conditions=None):
        """What the generator is called with: ``noise``, or ``[conditions, noise]`` when conditional."""
        return [conditions, noise] if self.conditional else noise

    @property
    def log_names(self) -> tuple:
        """Names of the scalars each step returns."""
        return (LOG_NAMES + (AUXILIARY_LOG_NAMES if self.auxiliary is not None else ())
                + (MOMENT_LOG_NAMES if self.moment_matching else ()))  # fmt: skip

    @property
    def critic_log_names(self) -> tuple:
        """Names of the scalars ``critic_objective`` returns."""
        return CRITIC_LOG_NAMES + (AUXILIARY_CRITIC_LOG_NAMES if self.auxiliary is not None else ())

    def critic_inputs(self, samples, conditions=None):
        """What the critic is called with: ``samples``, or ``[samples, conditions]`` when it takes conditions."""
        return [samples, conditions] if self.critic_takes_conditions else samples

    def real_and_conditions(self, assembled):
        """An assembled batch as ``(samples, conditions)``; conditions are ``None`` for an unconditional GAN."""
        return tuple(assembled) if self.conditional else (assembled, None)

    def seed_state(self, seed: int):
        """A seed-generator state for ``seed``: draws made from it do not touch the model's own stream."""
        return ops.convert_to_tensor([seed, 0], dtype=self.seed_generator.state.dtype)

    def critic_objective(self, score, input_gradient, real, fake, points, conditions=None):
        """The critic's loss on real and generated samples (batch, ...), and its logs.

        ``score(inputs)`` evaluates the critic (its outputs); ``input_gradient(inputs_of, x)`` is
        the gradient of its summed scores (``critic_score`` of its outputs) on ``inputs_of(x)`` with
        respect to ``x``; ``points`` are where the penalty needs it. ``conditions`` (batch, ...)
        belong to both real and generated samples.
        """
        batch = ops.shape(real)[0]
        both = None if conditions is None else ops.concatenate([conditions, conditions], axis=0)
        outputs = score(self.critic_inputs(ops.concatenate([real, fake], axis=0), both))
        scores = ops.cast(critic_score(outputs), "float32")
        real_scores, fake_scores = scores[:batch], scores[batch:]
        wasserstein = ops.mean(real_scores) - ops.mean(fake_scores)
        gradients = [input_gradient(lambda x: self.critic_inputs(x, conditions), point) for point in points]
        penalty, gradient_norm = self.penalty(gradients, wasserstein)
        loss = self.loss_function.critic(real_scores, fake_scores) + penalty
        auxiliary_logs = {}
        if self.auxiliary is not None:
            logits = ops.cast(outputs[1], "float32")
            term, auxiliary_logs = self.auxiliary.critic(logits[:batch], logits[batch:], conditions)
            loss = loss + term
        return loss, {"critic_loss": loss, "wasserstein": wasserstein, "penalty": penalty,
                      "gradient_norm": gradient_norm, **auxiliary_logs}  # fmt: skip

    def generator_objective(self, generate, score, noise, weights, real, conditions=None):
        """The generator's loss for ``noise`` (batch, *noise_shape) and ``conditions``, and its logs.

        ``weights`` are the values of ``generator.trainable_variables`` that ``generate`` uses;
        with ``orthogonal_regularization`` the loss includes beta times their orthogonal penalty.
        ``real`` (any batch, ...) are the real samples whose statistics ``moment_matching`` targets.
        """
        fake = generate(self.generator_inputs(noise, conditions))
        outputs = score(self.critic_inputs(fake, conditions))
        loss = self.loss_function.generator(ops.cast(critic_score(outputs), "float32"))
        auxiliary_logs = {}
        if self.auxiliary is not None:
            term, auxiliary_logs = self.auxiliary.generator(ops.cast(outputs[1], "float32"), conditions)
            loss = loss + term
        if self.orthogonal_regularization:
            loss = loss + self.orthogonal_regularization * orthogonal_penalty(weights)
        if self.moment_matching:
            gap = moment_gap(real, fake)
            loss = loss + self.moment_matching * gap
            auxiliary_logs["moment_gap"] = gap
        return loss, {"generator_loss": loss, **auxiliary_logs}

    def moving_average(self, averages, weights, updates) -> list:
        """One update of the generator's weight average after its ``updates``-th update (t >= 1): ``d_t a + (1 - d_t)
        w`` for each pair of values, ``d_t = min(d, (1 + t) / (10 + t))``, or ``1 - 1 / t`` for the uniform average."""
        t = ops.cast(updates, "float32")
        decay = 1.0 - 1.0 / t if self.uniform_average else ops.minimum(self.ema_decay, (1.0 + t) / (10.0 + t))
        return [decay * average + (1.0 - decay) * weight for average, weight in zip(averages, weights)]

    def split_for_critic_updates(self, values):
        """Samples or conditions (n_critic * batch, ...) as (n_critic, batch, ...): one slice per critic
        update (``None`` stays ``None``)."""
        if values is None:
            return None
        if values.shape[0] is not None and values.shape[0] % self.n_critic:
            raise ValueError(f"a training batch of {values.shape[0]} samples does not split into n_critic = "
                             f"{self.n_critic} equal critic batches")  # fmt: skip
        return ops.reshape(values, (self.n_critic, -1, *values.shape[1:]))

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "critic": keras.saving.serialize_keras_object(self.critic),
            "loss": keras.saving.serialize_keras_object(self.loss_function),
            "penalty": keras.saving.serialize_keras_object(self.penalty),
            "n_critic": self.n_critic,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
            "orthogonal_regularization": self.orthogonal_regularization,
            "auxiliary": keras.saving.serialize_keras_object(self.auxiliary),
            "moment_matching": self.moment_matching,
            "uniform_average": self.uniform_average,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in ("generator", "critic", "loss", "penalty", "auxiliary"):
            config[name] = keras.saving.deserialize_keras_object(config.get(name))
        return cls(**config)


def critic_score(outputs):
    """The scores (batch, 1) among a critic's outputs: the one output, or the first of ``[score, auxiliary]``."""
    return outputs[0] if isinstance(outputs, (list, tuple)) else outputs


def critic_updates(gan, update, carry, rolled: bool = True):
    """``gan.n_critic`` critic updates; with ``rolled``, as one loop, so a compiled step traces the update once.

    ``update(index, carry) -> (logs, carry)`` makes update ``index`` (a scalar tensor when rolled,
    an int otherwise) and returns its logs (``gan.critic_log_names``: float32 scalars) and the new
    ``carry``, whatever state the backend threads through the updates. Returns the logs averaged
    over the updates and the last carry. ``rolled=False`` writes the updates out one after the
    other, for a loop body that may not hold a synchronisation point (a ``tf.distribute``
    optimizer update).
    """
    names = gan.critic_log_names

    def body(index, values):
        totals, carry = values
        logs, carry = update(index, carry)
        return [total + ops.cast(logs[name], "float32") for total, name in zip(totals, names)], carry

    values = ([ops.zeros((), "float32") for _ in names], carry)
    if rolled:
        values = ops.fori_loop(0, gan.n_critic, body, values)
    else:
        for index in range(gan.n_critic):
            values = body(index, values)
    totals, carry = values
    return {name: total / gan.n_critic for name, total in zip(names, totals)}, carry


def _copy_of(generator):
    """A new model with the architecture and variable values of ``generator``, to hold its moving average."""
    copy = keras.models.clone_model(generator)
    for target, source in zip(copy.variables, generator.variables, strict=True):
        target.assign(source)
    return copy


def _loss_scaled(optimizer):
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)
