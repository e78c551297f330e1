"""Fitting the response model: Poisson loss, Adam, early stopping (after Walker et al. 2019).

The images are split at random into training, validation and test sets (``exciting_inputs.dataset.split_images``).
The model learns each image's mean count over trials with the Poisson loss ``mean(prediction -
target * log(prediction))`` (Keras's ``Poisson``; with the mean over trials as target its gradient
equals that of the loss summed over the single trials, up to a constant factor) plus the core's
penalties, with Adam.
After every epoch the validation correlation (mean over neurons of Pearson's r between
predicted and mean counts of the validation images) is measured; training stops when it has not
improved for ``patience`` epochs and the weights of its best epoch are restored.
"""

import keras
import numpy as np

from calciumgan.core.errors import RecordingError
from exciting_inputs.models.metrics import PopulationCorrelation


def compile_response_model(model: keras.Model, learning_rate: float = 1e-3) -> keras.Model:
    """``model`` compiled with Adam, the Poisson loss and the ``correlation`` metric."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=keras.losses.Poisson(),
                  metrics=[PopulationCorrelation(model.output.shape[-1])])  # fmt: skip
    return model


def fit_response_model(model: keras.Model, images, targets, split: dict, *, epochs: int, batch_size: int = 32,
                       patience: int = 10, seed: int = 0, verbose: int = 0) -> dict:  # fmt: skip
    """Train a compiled ``model`` on (images, height, width) images and (images, neurons) targets; return its
    history (``{"loss", "correlation", "val_loss", "val_correlation": per epoch}`` and ``best_epoch``, from 1).

    The weights end at the best validation correlation.
    """
    images = np.asarray(images, np.float32)[..., None]
    targets = np.asarray(targets, np.float32)
    if not np.all(np.isfinite(targets[split["train"]])) or not np.all(np.isfinite(targets[split["validation"]])):
        raise RecordingError("fit: a neuron has an image without any recorded trial in the training or validation set")
    keras.utils.set_random_seed(seed)
    stopping = keras.callbacks.EarlyStopping(monitor="val_correlation", mode="max", patience=patience,
                                             restore_best_weights=True)  # fmt: skip
    history = model.fit(images[split["train"]], targets[split["train"]], batch_size=batch_size, epochs=epochs,
                        validation_data=(images[split["validation"]], targets[split["validation"]]),
                        shuffle=True, callbacks=[stopping], verbose=verbose).history  # fmt: skip
    history = {name: [float(value) for value in values] for name, values in history.items()}
    history["best_epoch"] = int(np.argmax(history["val_correlation"])) + 1
    return history


def predict_rates(model: keras.Model, images, batch_size: int = 64) -> np.ndarray:
    """(images, neurons) float64 predicted counts per trial for (images, height, width) images."""
    images = np.asarray(images, np.float32)[..., None]
    return np.asarray(model.predict(images, batch_size=batch_size, verbose=0), np.float64)
