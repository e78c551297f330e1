"""The training loop: epochs of steps, validation, TensorBoard scalars, checkpoints, exact resume.

:func:`train_gan` runs a compiled ``GAN`` on a :class:`~calciumgan.training.data.GANData` in a
:class:`~calciumgan.training.run_folder.RunFolder`:

- a fresh run first saves the untrained generator (evaluation's reference row);
- a folder with checkpoints resumes from the newest readable one (a damaged newer one is
  skipped with a warning): the checkpoint holds every weight, optimizer variable and seed
  state, and the data stream restarts at the same batch, so the resumed run continues
  exactly as an uninterrupted one would;
- every step's losses are checked; the first NaN or infinite value stops training with a
  ``TrainingDiverged`` error naming the loss, epoch and iteration, and no later checkpoint is
  written (the last good one stays);
- after each epoch the held-out batches are scored (with fixed noise, so epochs compare), one log
  line gives the means and the time left at the pace so far, scalars go to ``logs/train`` and
  ``logs/validation``, and every ``checkpoint_every`` epochs
  (and after the last) a checkpoint is written;
- at the end the generator and critic are saved as ``.keras`` files, and the moving average
  of the generator's weights too when the GAN keeps one.

A step's losses are read on the host one step late, so the host never waits for the step it
has just launched.
"""

import dataclasses
import logging
import math
import time

from keras import ops

from calciumgan.core.errors import CalciumGANError
from calciumgan.core.progress import ProgressBar, time_left_text
from calciumgan.training.checkpoints import list_checkpoints, restore_latest, save_checkpoint
from calciumgan.training.steps import make_steps
from calciumgan.training.summaries import ScalarWriter

logger = logging.getLogger(__name__)


class TrainingDiverged(CalciumGANError):
    """A loss became NaN or infinite."""


@dataclasses.dataclass(frozen=True)
class Schedule:
    """How long to train and how often to checkpoint (all counts, epochs and steps)."""

    epochs: int
    steps_per_epoch: int
    checkpoint_every: int = 1
    keep_checkpoints: int = 3
    validation_seed: int = 0  # seeds the validation noise, the same every epoch


def train_gan(gan, data, schedule: Schedule, run, steps=None, progress: bool = True, completed=None) -> dict:
    """Train ``gan`` (compiled) in ``run`` until ``schedule.epochs``; return the last epoch's logs.

    ``steps`` are the compiled steps (default: ``make_steps(gan, data.assemble)``).
    ``completed`` is the epoch already restored into ``gan`` by ``restore_latest``; ``None``
    restores it here.
    """
    steps = steps or make_steps(gan, data.assemble)
    if completed is None:
        completed = restore_latest(gan, run.checkpoints)
    if completed:
        steps.reload()
    else:
        run.save_model(gan.generator, run.untrained_generator_path)
    train_arrays = steps.place(tuple(ops.convert_to_tensor(array) for array in data.train_arrays))
    if data.validation_arrays is data.train_arrays:  # one set of arrays serves both (placed once)
        validation_arrays = train_arrays
    else:
        validation_arrays = steps.place(tuple(ops.convert_to_tensor(array) for array in data.validation_arrays))
    stream = data.train_batches(completed * schedule.steps_per_epoch)
    logs, started = {}, time.monotonic()
    with ScalarWriter(run.logs / "train") as train_writer, ScalarWriter(run.logs / "validation") as validation_writer:
        for epoch in range(completed, schedule.epochs):
            bar = ProgressBar(schedule.steps_per_epoch, f"epoch {epoch + 1}/{schedule.epochs}", enabled=progress)
            averages, pending = _Averages(), None
            for step in range(schedule.steps_per_epoch):
                launched = (step, steps.train_step((train_arrays, next(stream))))
                if pending:
                    averages.add(_finite(*pending, epoch, run))
                    bar.update(1, averages.summary())
                pending = launched
            averages.add(_finite(*pending, epoch, run))
            bar.update(1, averages.summary())
            bar.close()
            validation = _Averages()
            for index, indices in enumerate(data.validation_batches):
                batch_logs = steps.test_step((validation_arrays, indices), schedule.validation_seed + index)
                validation.add(_finite(index, batch_logs, epoch, run, "validation batch"))
            logs = {**averages.means(), **{f"val_{name}": value for name, value in validation.means().items()}}
            train_writer.write(epoch + 1, averages.means())
            validation_writer.write(epoch + 1, validation.means())
            left = time_left_text(time.monotonic() - started, epoch + 1 - completed, schedule.epochs - epoch - 1)
            logger.info("epoch %d/%d (%s in training): %s | validation: %s", epoch + 1, schedule.epochs, left,
                        averages.summary(), validation.summary())  # fmt: skip
            if (epoch + 1) % schedule.checkpoint_every == 0 or epoch + 1 == schedule.epochs:
                steps.sync()
                save_checkpoint(gan, run.checkpoints, epoch + 1, schedule.keep_checkpoints)
    steps.sync()
    # The average is written first: later stages take generator.keras as the mark of a finished run.
    saved = {} if gan.generator_ema is None else {run.generator_ema_path: gan.generator_ema}
    saved.update({run.generator_path: gan.generator, run.critic_path: gan.critic})
    for path, model in saved.items():
        run.save_model(model, path)
    logger.info("saved %s", ", ".join(map(str, saved)))
    return logs


def _finite(index: int, logs: dict, epoch: int, run, what: str = "iteration") -> dict:
    """``logs`` as floats; ``TrainingDiverged`` at the first NaN or infinite value."""
    values = {name: float(value) for name, value in logs.items()}
    for name, value in values.items():
        if not math.isfinite(value):
            last = list_checkpoints(run.checkpoints)
            kept = f"the last good checkpoint is {last[-1]}" if last else "no checkpoint was written"
            raise TrainingDiverged(f"training stopped: {name} became {value} at epoch {epoch + 1}, "
                                   f"{what} {index + 1}; {kept}")  # fmt: skip
    return values


class _Averages:
    """Running means of named scalars over an epoch."""

    def __init__(self):
        self.sums, self.count = {}, 0

    def add(self, values: dict) -> None:
        for name, value in values.items():
            self.sums[name] = self.sums.get(name, 0.0) + value
        self.count += 1

    def means(self) -> dict:
        return {name: total / self.count for name, total in self.sums.items()}

    def summary(self) -> str:
        return " ".join(f"{name} {value:.4g}" for name, value in sorted(self.means().items()))
