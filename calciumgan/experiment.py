"""A CalciumGAN experiment: config -> data stage -> models -> GAN -> trained run folder.

The calcium-specific glue over the generic engine (``calciumgan.training``): it picks the
model variant, the loss, the penalty and the generator tricks a config names, and keeps the
data stage's output in the run folder so that resuming, generating and evaluating never redo it.
"""

import dataclasses
import logging

import keras

from calciumgan.config import ExperimentConfig
from calciumgan.core.errors import ConfigError
from calciumgan.core.files import check_output_folder
from calciumgan.data.prepare import prepare_data
from calciumgan.data.split import window_starts
from calciumgan.data.windows import training_data
from calciumgan.models.head_start import start_head_from_traces
from calciumgan.models.registry import build_models
from calciumgan.run import CalciumRun
from calciumgan.training.checkpoints import restore_latest
from calciumgan.training.gan import GAN
from calciumgan.training.initialisation import orthogonalise_kernels
from calciumgan.training.loop import Schedule, train_gan
from calciumgan.training.losses import LOSSES
from calciumgan.training.penalties import PENALTIES, WassersteinDivergence
from calciumgan.training.steps import accelerators, make_steps, model_scope

logger = logging.getLogger(__name__)


def build_gan(config: ExperimentConfig, num_neurons: int) -> GAN:
    """Generator, critic and the compiled GAN a config describes, for ``num_neurons`` neurons."""
    train = config.train
    dtype = None if train.precision == "float32" else train.precision
    arguments = {**dataclasses.asdict(config.model), "window": config.data.window, "num_neurons": num_neurons}
    generator, critic = build_models(config.model.variant, arguments, dtype=dtype)
    if config.model.orthogonal_init:
        orthogonalise_kernels(generator, seed=train.seed)
        orthogonalise_kernels(critic, seed=train.seed + len(generator.weights))
    gan = GAN(generator, critic, loss=LOSSES[train.loss](), penalty=_penalty(config), n_critic=train.n_critic,
              seed=train.seed, ema_decay=train.generator_ema, uniform_average=train.generator_uniform_average,
              orthogonal_regularization=train.orthogonal_regularization,
              moment_matching=train.moment_matching)  # fmt: skip

    def adam(rate):
        return keras.optimizers.Adam(rate, beta_1=train.beta_1, beta_2=train.beta_2)

    critic_rate = train.critic_learning_rate or train.learning_rate
    gan.compile(g_optimizer=adam(train.learning_rate), d_optimizer=adam(critic_rate))
    return gan


def _penalty(config: ExperimentConfig):
    train = config.train
    penalty_class = PENALTIES[train.penalty]
    arguments = {} if train.penalty_weight is None else {"weight": train.penalty_weight}
    if penalty_class is WassersteinDivergence:
        arguments["power"] = train.divergence_power
    return penalty_class(**arguments)


def warn_of_half_precision_without_accelerator(precision: str) -> None:
    """One warning line when ``train.precision`` asks for half precision and no GPU or TPU computes it: a CPU
    emulates float16 and bfloat16, and trains slower in them than in float32."""
    if precision != "float32" and not accelerators():
        logger.warning("train.precision is %s, but there is no GPU: a CPU emulates half precision and trains slower "
                       "in it than in float32 (the thesis-size configs are for GPUs); set train.precision: float32, "
                       "or train a CPU config such as dff_demo or demo", precision)  # fmt: skip


def steps_per_epoch(config: ExperimentConfig, train_frames: int) -> int:
    """Iterations per epoch: the config's, or training windows // batch size as in the thesis."""
    if config.train.steps_per_epoch:
        return config.train.steps_per_epoch
    windows = len(window_starts(train_frames, config.data.window, config.data.stride))
    return max(1, windows // config.train.batch_size)


def train_experiment(config: ExperimentConfig, out, progress: bool = True) -> tuple[GAN, dict]:
    """Train (or resume) the run in folder ``out``; return the trained GAN and the last epoch's logs
    (training means, and validation means prefixed ``val_``; see ``training.loop.train_gan``).

    Everything that can be checked is checked before the first file is written: the folder,
    the data, the models, and (when resuming) that the config, the recording and the newest
    readable checkpoint belong to this run. A refused command leaves the folder as it was.
    """
    run = CalciumRun(check_output_folder(out))
    resuming = run.has_trained()
    if resuming:
        run.check_same(config)
        data = run.load_data()
        run.check_same_recording(config.data, data)
    else:
        data = prepare_data(config.data)
    keras.utils.set_random_seed(config.train.seed)
    with model_scope(config.train.data_parallel):
        gan = build_gan(config, data.recording.num_neurons)
    if config.model.head_from_data and not resuming:
        start_head_from_traces(gan.generator, data.train_scaled, seed=config.train.seed)
    completed = restore_latest(gan, run.checkpoints) if resuming else 0
    train = config.train
    gan_data = training_data(data, config.data, train)
    steps = make_steps(gan, gan_data.assemble, jit_compile=train.jit_compile, deterministic=train.deterministic,
                       data_parallel=train.data_parallel)  # fmt: skip
    if train.batch_size % steps.device_count:
        raise ConfigError(f"train.batch_size {train.batch_size} must be a multiple of the {steps.device_count} "
                          "devices train.data_parallel splits it over")  # fmt: skip
    warn_of_half_precision_without_accelerator(train.precision)
    run.start(config, made_by="calciumgan.train")
    if not resuming:
        run.save_data(data)
    logger.info(
        "%s: %d frames x %d neurons at %g Hz; training block %d frames, validation block %d frames; "
        "generator %d parameters, critic %d; backend %s",
        data.recording.source, data.recording.num_frames, data.recording.num_neurons,
        data.recording.sampling_rate, data.train.num_frames, data.validation.num_frames,
        gan.generator.count_params(), gan.critic.count_params(), keras.backend.backend(),
    )  # fmt: skip
    schedule = Schedule(
        epochs=train.epochs,
        steps_per_epoch=steps_per_epoch(config, data.train.num_frames),
        checkpoint_every=train.checkpoint_every,
        keep_checkpoints=train.keep_checkpoints,
        validation_seed=train.seed + 1,
    )
    logs = train_gan(gan, gan_data, schedule, run, steps=steps, progress=progress, completed=completed)
    return gan, logs
