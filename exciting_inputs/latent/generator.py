"""A DCGAN-style image generator and its critic, trained by the package's GAN engine (WGAN-GP or DCGAN's loss).

Generator (DCGAN, Radford et al. 2016, at small size): z (batch, latent_dim) ~ N(0, 1) -> dense to a
(height / 8, width / 8, channels) map -> three stride-2 transposed convolutions (kernel 4), each
followed by batch normalisation and ReLU except the last, whose sigmoid gives (batch, height,
width, 1) images in [0, 1] (the simulated population's range). Critic: three stride-2 convolutions
(kernel 4, leaky ReLU 0.2, no normalisation, as WGAN-GP requires of a critic) -> dense score.

Training uses ``calciumgan.training.gan.GAN`` (``WassersteinLoss`` with ``GradientPenalty``, or
``NonSaturatingLoss`` as DCGAN, per ``GeneratorConfig.loss``) and
the backend's compiled steps (``make_steps``) on an in-memory image array, batches drawn by
``shuffled_batches``; the run-folder training loop is not used (no checkpoints or resume).
"""

import logging

import keras
import numpy as np

from calciumgan.training.data import shuffled_batches
from calciumgan.training.gan import GAN
from calciumgan.training.initialisation import orthogonalise_kernels
from calciumgan.training.losses import LOSSES
from calciumgan.training.penalties import gradient_penalty_or_none
from calciumgan.training.steps import make_steps
from exciting_inputs.latent.config import UPSAMPLINGS

logger = logging.getLogger(__name__)
KERNEL = 4


def build_image_generator(latent_dim: int, height: int, width: int, channels: int) -> keras.Model:
    """z (batch, latent_dim) -> images (batch, height, width, 1) in [0, 1]; height, width multiples of 8."""
    step = 2**UPSAMPLINGS
    noise = keras.Input((latent_dim,), name="noise")
    x = keras.layers.Dense((height // step) * (width // step) * channels, use_bias=False, name="project")(noise)
    x = keras.layers.Reshape((height // step, width // step, channels))(x)
    x = keras.layers.ReLU()(keras.layers.BatchNormalization(name="project_norm")(x))
    for block in range(1, UPSAMPLINGS):
        filters = max(1, channels // 2**block)
        x = keras.layers.Conv2DTranspose(filters, KERNEL, strides=2, padding="same", use_bias=False,
                                         name=f"upsample_{block}")(x)  # fmt: skip
        x = keras.layers.ReLU()(keras.layers.BatchNormalization(name=f"norm_{block}")(x))
    x = keras.layers.Conv2DTranspose(1, KERNEL, strides=2, padding="same", name=f"upsample_{UPSAMPLINGS}")(x)
    images = keras.layers.Activation("sigmoid", name="images")(x)
    return keras.Model(noise, images, name="image_generator")


def build_image_critic(height: int, width: int, channels: int) -> keras.Model:
    """images (batch, height, width, 1) -> scores (batch, 1)."""
    images = keras.Input((height, width, 1), name="images")
    x = images
    for block in range(UPSAMPLINGS):
        filters = max(1, channels // 2 ** (UPSAMPLINGS - 1 - block))
        x = keras.layers.Conv2D(filters, KERNEL, strides=2, padding="same", name=f"downsample_{block + 1}")(x)
        x = keras.layers.LeakyReLU(0.2)(x)
    score = keras.layers.Dense(1, name="score")(keras.layers.Flatten()(x))
    return keras.Model(images, score, name="image_critic")


def train_image_generator(images, config) -> tuple[keras.Model, list]:
    """Train on (images, height, width) in [0, 1] with a ``GeneratorConfig``.

    Returns the generator and the logs every tenth iteration (and the last): dicts with
    ``iteration`` and the GAN's log names (critic and generator losses, Wasserstein estimate, penalty).
    """
    images = np.asarray(images, np.float32)[..., None]
    _, height, width, _ = images.shape
    keras.utils.set_random_seed(config.seed)
    generator = build_image_generator(config.latent_dim, height, width, config.channels)
    critic = build_image_critic(height, width, config.channels)
    if config.orthogonal_init:
        orthogonalise_kernels(generator, seed=config.seed)
        orthogonalise_kernels(critic, seed=config.seed + len(generator.weights))
    gan = GAN(generator, critic, loss=LOSSES[config.loss](), penalty=gradient_penalty_or_none(config.penalty_weight),
              n_critic=config.n_critic, seed=config.seed)  # fmt: skip
    gan.compile(g_optimizer=keras.optimizers.Adam(config.learning_rate, beta_1=0.5, beta_2=config.beta_2),
                d_optimizer=keras.optimizers.Adam(config.learning_rate, beta_1=0.5, beta_2=config.beta_2))  # fmt: skip
    steps = make_steps(gan)
    batches = shuffled_batches(images, config.batch_size * config.n_critic, config.seed)
    history, log_every = [], max(1, config.iterations // 10)  # logs kept every 10 iterations, printed every 10 %
    for iteration in range(1, config.iterations + 1):
        logs = steps.train_step(next(batches))
        if iteration % 10 == 0 or iteration == config.iterations:
            history.append({"iteration": iteration, **{name: float(value) for name, value in logs.items()}})
        if iteration % log_every == 0 or iteration == config.iterations:
            logger.info("iteration %d: %s", iteration, ", ".join(f"{k} {float(v):.3g}" for k, v in logs.items()))
    steps.sync()
    return gan.generator, history


def generate(generator: keras.Model, codes, batch_size: int = 256) -> np.ndarray:
    """(codes, height, width) float64 images G(z) of (codes, latent_dim) latent codes, in inference mode."""
    codes = np.asarray(codes, np.float32)
    images = generator.predict(codes, batch_size=batch_size, verbose=0)
    return np.asarray(images, np.float64)[..., 0]
