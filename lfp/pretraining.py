"""Autoencoder pre-training (thesis §4.2-4.3): the signal and image autoencoders, with MSE.

The signal autoencoder learns 313-sample windows from anywhere in the recording (any stimulus,
grey screen included) except windows that overlap a test image's showing, so the features
evaluation later takes from its encoder never saw the test set. Each epoch draws its windows in
an order seeded by (seed, epoch); ``signal_windows_per_epoch`` takes the first ones of that
order (the thesis's epoch is every window start). The image autoencoder learns all the images
(the stimuli are the GAN's inputs, never scored).

Both are trained with Keras ``fit``, Adam(1e-3, beta = (0, 0.999)). During the signal autoencoder's first
epoch ``lfp.first_epoch`` records its reconstruction spectrum (Fig. 5.6). After every signal epoch
and every ``IMAGE_EPOCHS_PER_SAVE`` image epochs the model (with its optimizer state) and
``progress.json`` are written, so an interrupted command continues where it stopped.
"""

import logging
import math
import sys

import keras
import numpy as np

from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_path, read_json, remove_stale_partials, write_json_atomic
from calciumgan.training.run_folder import load_saved_model
from lfp.data.recording import pretraining_starts, standardize_windows
from lfp.first_epoch import PROBE_WINDOWS, FirstEpochSpectra
from lfp.models import build_image_autoencoder, build_signal_autoencoder

logger = logging.getLogger(__name__)

IMAGE_EPOCHS_PER_SAVE = 100
AUTOENCODERS = ("signal_autoencoder", "image_autoencoder")


class WindowBatches(keras.utils.PyDataset):
    """Batches of standardised windows (batch, window, C) cut from a (T, C) recording, as (inputs, targets)."""

    def __init__(self, lfp: np.ndarray, starts: np.ndarray, window: int, batch_size: int):
        super().__init__()
        self.lfp, self.starts, self.window, self.batch_size = lfp, starts, window, batch_size

    def __len__(self) -> int:
        return math.ceil(len(self.starts) / self.batch_size)

    def __getitem__(self, index: int):
        starts = self.starts[index * self.batch_size : (index + 1) * self.batch_size]
        windows = self.lfp[starts[:, None] + np.arange(self.window)]
        windows = np.asarray(standardize_windows(windows), dtype=np.float32)
        return windows, windows


def _is_progress(progress) -> bool:
    """Whether a parsed ``progress.json`` holds each autoencoder's epoch count and per-epoch losses."""
    return isinstance(progress, dict) and all(
        isinstance(progress.get(name), dict)
        and isinstance(progress[name].get("epochs"), int)
        and isinstance(progress[name].get("loss"), list)
        for name in AUTOENCODERS
    )


class Pretraining:
    """The ``pretrain/`` folder of an experiment and the state of its two autoencoders."""

    def __init__(self, folder):
        self.folder = folder

    def model_path(self, name: str):
        return self.folder / f"{name}.keras"

    @property
    def progress_path(self):
        return self.folder / "progress.json"

    def progress(self) -> dict:
        """``{name: {"epochs": done, "loss": [per epoch]}}`` (empty entries before the first save)."""
        if not self.progress_path.is_file():
            return {name: {"epochs": 0, "loss": []} for name in AUTOENCODERS}
        progress = read_json(self.progress_path, "delete pretrain/ to pre-train again")
        if not _is_progress(progress):
            raise RunError(f"{self.progress_path}: damaged, not {{name: {{\"epochs\": n, \"loss\": [...]}}}} for "
                           f"{' and '.join(AUTOENCODERS)}; delete pretrain/ to pre-train again")  # fmt: skip
        return progress

    def is_finished(self, config) -> bool:
        progress = self.progress()
        return (progress["signal_autoencoder"]["epochs"] >= config.pretrain.signal_epochs
                and progress["image_autoencoder"]["epochs"] >= config.pretrain.image_epochs)  # fmt: skip

    def load(self, name: str):
        """A saved autoencoder (with its optimizer state), checked."""
        path = self.model_path(name)
        if not path.is_file():
            raise RunError(f"{path}: missing; run python -m lfp.pretrain --config CONFIG --out {self.folder.parent}")
        return load_saved_model(path)

    def save(self, name: str, model, progress: dict) -> None:
        """The model first, then the progress that names it (a crash in between repeats one save's work)."""
        with atomic_path(self.model_path(name)) as temporary:
            model.save(temporary)
        write_json_atomic(self.progress_path, progress)

    def require_finished(self, config) -> None:
        if not self.is_finished(config):
            raise RunError(f"{self.folder}: the autoencoders are not pre-trained yet; run python -m lfp.pretrain "
                           f"--config CONFIG --out {self.folder.parent}")  # fmt: skip


def _compiled(model, pretrain):
    model.compile(optimizer=keras.optimizers.Adam(pretrain.learning_rate, beta_1=pretrain.beta_1,
                                                  beta_2=pretrain.beta_2), loss="mse")  # fmt: skip
    return model


def _model(pretraining: Pretraining, name: str, build, pretrain, done: int):
    """The saved model after ``done`` epochs, or a new one with initial weights seeded by ``pretrain.seed``."""
    if done:
        return pretraining.load(name)
    keras.utils.set_random_seed(pretrain.seed)
    return _compiled(build(), pretrain)


def _first_epoch_spectra(batches: WindowBatches, sampling_rate: float) -> FirstEpochSpectra:
    """Fig. 5.6's recorder for the first epoch, probing its first ``PROBE_WINDOWS`` windows."""
    probe = WindowBatches(batches.lfp, batches.starts[:PROBE_WINDOWS], batches.window, PROBE_WINDOWS)[0][0]
    return FirstEpochSpectra(probe, sampling_rate, len(batches))


def pretrain_autoencoders(config, recording, test_ids, folder, progress_bar: bool = True) -> dict:
    """Train (or continue) both autoencoders of ``config.pretrain`` in ``folder``; return ``progress.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(folder)
    pretraining = Pretraining(folder)
    state = pretraining.progress()
    pretrain, window = config.pretrain, config.data.window
    verbose = 1 if progress_bar and sys.stdout.isatty() else 2  # one line per epoch in logs

    done = state["signal_autoencoder"]["epochs"]
    if done < pretrain.signal_epochs:
        starts = pretraining_starts(recording, window, test_ids)
        channels = recording.lfp.shape[1]
        model = _model(pretraining, "signal_autoencoder",
                       lambda: build_signal_autoencoder(window=window, channels=channels), pretrain, done)  # fmt: skip
        for epoch in range(done, pretrain.signal_epochs):
            order = starts[np.random.default_rng((pretrain.seed, epoch)).permutation(len(starts))]
            order = order[: pretrain.signal_windows_per_epoch]
            keras.utils.set_random_seed(pretrain.seed + epoch)
            batches = WindowBatches(recording.lfp, order, window, pretrain.batch_size)
            spectra = _first_epoch_spectra(batches, recording.sampling_rate) if epoch == 0 else None
            history = model.fit(batches, epochs=epoch + 1, initial_epoch=epoch, shuffle=False, verbose=verbose,
                                callbacks=[spectra] if spectra else None)  # fmt: skip
            if spectra:
                spectra.write(folder)
            entry = state["signal_autoencoder"]
            entry["epochs"], entry["loss"] = epoch + 1, entry["loss"] + history.history["loss"]
            pretraining.save("signal_autoencoder", model, state)
            logger.info("signal autoencoder epoch %d/%d: MSE %.4g on %d windows", epoch + 1, pretrain.signal_epochs,
                        history.history["loss"][-1], len(order))  # fmt: skip

    done = state["image_autoencoder"]["epochs"]
    if done < pretrain.image_epochs:
        images = np.asarray(recording.images, np.float32)[..., None]
        model = _model(pretraining, "image_autoencoder",
                       lambda: build_image_autoencoder(image_shape=images.shape[1:], table=config.model.image_encoder),
                       pretrain, done)  # fmt: skip
        while done < pretrain.image_epochs:
            end = min(done + IMAGE_EPOCHS_PER_SAVE, pretrain.image_epochs)
            keras.utils.set_random_seed(pretrain.seed + done)
            history = model.fit(images, images, batch_size=pretrain.batch_size, epochs=end, initial_epoch=done,
                                shuffle=True, verbose=0)  # fmt: skip
            entry = state["image_autoencoder"]
            entry["epochs"], entry["loss"] = end, entry["loss"] + history.history["loss"]
            pretraining.save("image_autoencoder", model, state)
            logger.info("image autoencoder epoch %d/%d: MSE %.4g", end, pretrain.image_epochs,
                        history.history["loss"][-1])  # fmt: skip
            done = end
    return state
