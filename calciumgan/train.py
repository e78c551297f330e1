"""Train a CalciumGAN.

    python -m calciumgan.train --config demo            # shipped config, built-in surrogate data
    python -m calciumgan.train --config day4.yaml --data recordings/day4.h5 --out runs/day4

Re-running with the same ``--out`` resumes from the newest checkpoint.
"""

import argparse
import logging
import math
import pathlib
import sys

import keras
import tensorflow as tf

from calciumgan.training.checkpoints import list_checkpoints, restore_checkpoint, save_checkpoint
from calciumgan.core.cli import run_command
from calciumgan.config import ExperimentConfig, load_config
from calciumgan.data.prepare import prepare_data
from calciumgan.core.errors import CalciumGANError
from calciumgan.training.gan import WassersteinGAN
from calciumgan.models.wavegan import build_critic, build_generator
from calciumgan.training.run_folder import RunFolder
from calciumgan.data.split import window_starts
from calciumgan.data.windows import training_windows, validation_windows

logger = logging.getLogger("calciumgan.train")


class TrainingDiverged(CalciumGANError):
    """A loss became NaN or infinite."""


class CheckpointUnlessDiverged(keras.callbacks.Callback):
    """Stop at the first non-finite loss; checkpoint every ``every`` epochs while all are finite."""

    def __init__(self, run: RunFolder, every: int, keep: int):
        super().__init__()
        self.run, self.every, self.keep = run, every, keep
        self.failure = None
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self._check(logs, f"epoch {self.epoch + 1}, iteration {batch + 1}")

    def on_epoch_end(self, epoch, logs=None):
        self._check(logs, f"epoch {epoch + 1}")
        if self.failure is None and ((epoch + 1) % self.every == 0 or epoch + 1 == self.params["epochs"]):
            save_checkpoint(self.model, self.run.checkpoints, epoch + 1, self.keep)

    def _check(self, logs, where):
        if self.failure is not None:
            return
        for name, value in (logs or {}).items():
            if not math.isfinite(float(value)):
                self.failure = f"{name} became {float(value)} at {where}"
                self.model.stop_training = True
                return


def build_gan(config: ExperimentConfig, num_neurons: int) -> WassersteinGAN:
    """Generator, critic and the compiled WGAN-GP for ``config``."""
    dtype = "mixed_float16" if config.train.mixed_precision else None
    generator = build_generator(config.model, config.data.window, num_neurons, dtype=dtype)
    critic = build_critic(config.model, config.data.window, num_neurons, dtype=dtype)
    gan = WassersteinGAN(
        generator,
        critic,
        n_critic=config.train.n_critic,
        gradient_penalty_weight=config.train.gradient_penalty,
        seed=config.train.seed,
    )
    train = config.train

    def adam():
        return keras.optimizers.Adam(train.learning_rate, beta_1=train.beta_1, beta_2=train.beta_2)

    gan.compile(g_optimizer=adam(), d_optimizer=adam(), jit_compile=train.jit_compile)
    return gan


def steps_per_epoch(config: ExperimentConfig, train_frames: int) -> int:
    """Iterations per epoch: the config's, or training windows // batch size as in the thesis."""
    if config.train.steps_per_epoch:
        return config.train.steps_per_epoch
    windows = len(window_starts(train_frames, config.data.window, config.data.stride))
    return max(1, windows // config.train.batch_size)


def train(config: ExperimentConfig, out, extra_callbacks=(), verbose=1) -> WassersteinGAN:
    """Train (or resume) the run in folder ``out`` and save its models there."""
    run = RunFolder(out)
    run.start(config)
    keras.utils.set_random_seed(config.train.seed)
    if config.train.deterministic:
        tf.config.experimental.enable_op_determinism()

    data = prepare_data(config.data)
    run.save_recording_info(data.info())
    data.scaler.save(run.scaler_path)
    gan = build_gan(config, data.recording.num_neurons)
    logger.info(
        "%s: %d frames x %d neurons at %g Hz; training block %d frames, validation block %d frames; "
        "generator %d parameters, critic %d",
        data.recording.source, data.recording.num_frames, data.recording.num_neurons,
        data.recording.sampling_rate, data.train.num_frames, data.validation.num_frames,
        gan.generator.count_params(), gan.critic.count_params(),
    )  # fmt: skip

    initial_epoch = 0
    checkpoints = list_checkpoints(run.checkpoints)
    if checkpoints:
        initial_epoch = restore_checkpoint(gan, checkpoints[-1])
        logger.info("resuming from %s after epoch %d", checkpoints[-1], initial_epoch)

    train_config = config.train
    steps = steps_per_epoch(config, data.train.num_frames)
    windows_per_step = train_config.n_critic * train_config.batch_size
    train_dataset = training_windows(
        data.train_scaled,
        config.data.window,
        config.data.stride,
        batch_size=windows_per_step,
        seed=train_config.seed,
        skip_windows=initial_epoch * steps * windows_per_step,
    )
    validation_dataset, validation_steps = validation_windows(
        data.validation_scaled,
        config.data.window,
        count=train_config.validation_batches * train_config.batch_size,
        batch_size=train_config.batch_size,
    )
    keeper = CheckpointUnlessDiverged(run, train_config.checkpoint_every, train_config.keep_checkpoints)
    if initial_epoch < train_config.epochs:
        gan.fit(
            train_dataset,
            epochs=train_config.epochs,
            initial_epoch=initial_epoch,
            steps_per_epoch=steps,
            validation_data=validation_dataset,
            validation_steps=validation_steps,
            callbacks=[keeper, keras.callbacks.TensorBoard(log_dir=str(run.logs)), *extra_callbacks],
            verbose=verbose,
            shuffle=False,
        )
    if keeper.failure is not None:
        last = list_checkpoints(run.checkpoints)
        kept = f"the last good checkpoint is {last[-1]}" if last else "no checkpoint was written"
        raise TrainingDiverged(f"training stopped: {keeper.failure}; {kept}")
    run.save_model(gan.generator, run.generator_path)
    run.save_model(gan.critic, run.critic_path)
    logger.info("saved %s and %s", run.generator_path, run.critic_path)
    return gan


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m calciumgan.train", description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="config file, or a shipped config: demo, dg, day1, day4")
    parser.add_argument("--data", help="recording (.npz or .h5) to train on instead of the config's data")
    parser.add_argument("--out", help="run folder (default: runs/<config name>)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)

    def action():
        config = load_config(args.config)
        if args.data:
            config = config.with_data_file(args.data)
        train(config, args.out or pathlib.Path("runs") / pathlib.Path(args.config).stem)

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
