"""The LFP GAN (thesis §4.1, §4.4): build it, optionally from the pre-trained autoencoders, and train it.

Generator ``[image, noise (313, 3)] -> LFP window``, critic ``[LFP window, image] -> score``
(``lfp.models``), trained by the package's generic engine (``calciumgan.training``) as a
conditional Wasserstein GAN with the one-sided penalty of Eq. 2.8-2.9 and Adam(1e-3,
beta = (0, 0.999)). Each batch is a set of training-image showings; validation scores showings
of the test images. The variant without images (``model.use_image: false``) is unconditional.
"""

import dataclasses
import logging

import keras
import numpy as np

from calciumgan.core.errors import ConfigError
from calciumgan.training.checkpoints import restore_latest
from calciumgan.training.gan import GAN
from calciumgan.training.loop import Schedule, train_gan
from calciumgan.training.penalties import OneSidedGradientPenalty
from calciumgan.training.steps import make_steps
from lfp.data.recording import showings_of
from lfp.experiment import Experiment, experiment_data
from lfp.gan_data import assemble_showings, showing_arrays, showing_data
from lfp.models import build_critic, build_generator, transfer_pretrained
from lfp.metrics.signals import amplitude_spectra
from lfp.models.layers import difference_correlation_factor, missing_spectrum_gains
from lfp.pretraining import Pretraining

logger = logging.getLogger(__name__)


def build_lfp_gan(config, channels: int, image_shape: tuple) -> GAN:
    """The compiled GAN of ``config`` for (height, width, 1) images, with random weights."""
    model, train = config.model, config.train
    generator = build_generator(window=config.data.window, channels=channels, image_shape=image_shape,
                                table=model.image_encoder, use_image=model.use_image,
                                output_noise=model.output_noise)  # fmt: skip
    critic = build_critic(window=config.data.window, channels=channels, image_shape=image_shape,
                          table=model.image_encoder, use_image=model.use_image, dropout=model.dropout,
                          activation=model.combination_activation)  # fmt: skip
    penalty = OneSidedGradientPenalty(train.penalty_weight, scale_by_wasserstein=train.scale_by_wasserstein)
    gan = GAN(generator, critic, penalty=penalty, n_critic=train.n_critic, seed=train.seed)

    def adam():
        return keras.optimizers.Adam(train.learning_rate, beta_1=train.beta_1, beta_2=train.beta_2)

    gan.compile(g_optimizer=adam(), d_optimizer=adam())
    return gan


NOISE_START_WINDOWS = 512  # training showings whose spectrum the output noise starts from
NOISE_START_ROUNDS = 3  # corrections of the gains after the first estimate
NOISE_CORRECTION_RANGE = (0.5, 3.0)  # bounds of one round's factor


def start_output_noise(generator, real: np.ndarray, images, seed: int) -> None:
    """Start the generator's ``output_noise`` at the spectrum its windows lack against ``real`` ones.

    ``real`` (n, window, channels) are standardised training showings, ``images`` (n, H, W, 1) theirs (None
    for a generator without images). The channels' noise correlates as the real windows' frame-to-frame
    differences do (``difference_correlation_factor``); the gains start at ``missing_spectrum_gains`` of the
    real windows and n windows generated with no noise; then each of ``NOISE_START_ROUNDS`` rounds
    multiplies every gain by the ratio of the real to the generated mean amplitude at its channel and
    frequency (within ``NOISE_CORRECTION_RANGE``), since the standardisation after the noise shrinks the
    whole window by the power the noise adds.
    """
    noise_layer = generator.get_layer("output_noise")
    noise_layer.mixing.assign(difference_correlation_factor(real).astype("float32"))
    noise = keras.random.normal((len(real), *generator.inputs[-1].shape[1:]), seed=seed)

    def generated() -> np.ndarray:
        return generator.predict(noise if images is None else [images, noise], verbose=0)

    noise_layer.set_gains(np.zeros(tuple(noise_layer.gain_parameter.shape)))
    gains = missing_spectrum_gains(real, generated())
    real_amplitude = amplitude_spectra(real, 1.0)[1]
    for _ in range(NOISE_START_ROUNDS):
        noise_layer.set_gains(gains)
        ratio = real_amplitude / np.maximum(amplitude_spectra(generated(), 1.0)[1], 1e-12)
        gains = gains * np.clip(ratio, *NOISE_CORRECTION_RANGE)
    noise_layer.set_gains(gains)


def train_lfp_gan(config, out, init: str | None = None, progress: bool = True) -> tuple:
    """Train (or resume) the GAN of ``config`` in experiment folder ``out``; ``init`` overrides
    ``train.init`` ("pretrained" or "scratch"). Returns the GAN and the last epoch's logs."""
    if init is not None:
        config = dataclasses.replace(config, train=dataclasses.replace(config.train, init=init))
    experiment = Experiment(out)
    run = experiment.gan_run(config.train.init)
    resuming = run.has_trained()
    if resuming:
        run.check_same(config)
    pretraining = Pretraining(experiment.pretrain)
    if config.train.init == "pretrained":
        experiment.check_same(config)
        pretraining.require_finished(config)
    recording, train_ids, test_ids = experiment_data(config, experiment, "lfp.train")
    train = config.train
    keras.utils.set_random_seed(train.seed)
    image_shape = (*recording.images.shape[1:], 1)
    gan = build_lfp_gan(config, recording.lfp.shape[1], image_shape)
    if resuming:
        completed = restore_latest(gan, run.checkpoints)
    else:
        completed = 0
        if train.init == "pretrained":
            image_autoencoder = None
            if config.model.use_image and config.pretrain.image_epochs:
                image_autoencoder = pretraining.load("image_autoencoder")
            transfer_pretrained(gan.generator, gan.critic, pretraining.load("signal_autoencoder"), image_autoencoder)
    train_showings = showings_of(recording, train_ids)
    if config.model.output_noise and not resuming:
        chosen = np.random.default_rng(train.seed).permutation(train_showings)[:NOISE_START_WINDOWS]
        use_image = config.model.use_image
        assembled = assemble_showings(showing_arrays(recording), chosen, config.data.window, use_image)
        real, images = (assembled if use_image else (assembled, None))
        start_output_noise(gan.generator, keras.ops.convert_to_numpy(real), images, seed=train.seed)
    if len(train_showings) < train.n_critic * train.batch_size:
        raise ConfigError(f"train.n_critic x train.batch_size = {train.n_critic * train.batch_size} exceeds the "
                          f"{len(train_showings)} training showings")  # fmt: skip
    data = showing_data(recording, train_showings, showings_of(recording, test_ids), config.data.window,
                        train.batch_size, train.n_critic, train.validation_batches, config.model.use_image,
                        train.seed)  # fmt: skip
    steps = make_steps(gan, data.assemble, jit_compile=train.jit_compile)
    run.start(config)
    logger.info("GAN (%s): generator %d parameters, critic %d; %d training showings; backend %s", train.init,
                gan.generator.count_params(), gan.critic.count_params(), len(train_showings),
                keras.backend.backend())  # fmt: skip
    critic_pass = max(1, len(train_showings) // (train.n_critic * train.batch_size))
    schedule = Schedule(epochs=train.epochs, steps_per_epoch=train.steps_per_epoch or critic_pass,
                        checkpoint_every=train.checkpoint_every, keep_checkpoints=train.keep_checkpoints,
                        validation_seed=train.seed + 1)  # fmt: skip
    logs = train_gan(gan, data, schedule, run, steps=steps, progress=progress, completed=completed)
    return gan, logs
