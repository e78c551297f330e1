"""Stimulus classifier score: an Inception-score analogue that means something for LFP.

A small 1D convolutional network learns which stimulus image was shown from a (time, channels) LFP
window. Its class probabilities on generated windows give an Inception score (thesis Eq. 2.10) and,
for an image-conditioned generator, the fraction of windows recognised as the image they were made for.
"""

import keras
import numpy as np


def build_stimulus_classifier(
    window: int, channels: int, num_classes: int, filters=(16, 32, 64), kernel_size: int = 7
) -> keras.Model:
    """Functional model: (batch, window, channels) LFP -> (batch, num_classes) softmax probabilities.

    Each entry of ``filters`` adds a stride-2 Conv1D (no bias) -> BatchNorm -> ReLU block; global
    average pooling over time and a softmax Dense layer follow.
    """
    inputs = keras.Input((window, channels), name="lfp_window")
    features = inputs
    for block, width in enumerate(filters):
        features = keras.layers.Conv1D(width, kernel_size, strides=2, padding="same", use_bias=False,
                                       name=f"conv_{block}")(features)  # fmt: skip
        features = keras.layers.BatchNormalization(name=f"norm_{block}")(features)
        features = keras.layers.ReLU(name=f"relu_{block}")(features)
    features = keras.layers.GlobalAveragePooling1D(name="pool")(features)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="stimulus")(features)
    return keras.Model(inputs, outputs, name="stimulus_classifier")


def fit_stimulus_classifier(
    windows,
    labels,
    num_classes: int,
    epochs: int = 50,
    batch_size: int = 64,
    seed: int = 0,
    validation_fraction: float = 0.2,
    learning_rate: float = 1e-3,
    patience: int = 8,
) -> keras.Model:
    """Train a classifier on (n, time, channels) windows with integer ``labels`` (n,) in [0, num_classes).

    A stratified random ``validation_fraction`` of each class is held out; training (Adam, sparse
    cross-entropy) stops when validation accuracy has not improved for ``patience`` epochs, and the
    weights of the best epoch are restored. Seeds Keras, NumPy and Python with ``seed``.
    """
    windows = np.asarray(windows, dtype=np.float32)
    labels = np.asarray(labels)
    if windows.ndim != 3:
        raise ValueError(f"windows have shape {windows.shape}; expected (samples, time, channels)")
    if labels.shape != (len(windows),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels have shape {labels.shape} and dtype {labels.dtype}; expected ({len(windows)},) ints")
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"labels span {labels.min()}..{labels.max()}; expected 0..{num_classes - 1}")
    if not 0.0 < validation_fraction < 1.0:
        raise ValueError(f"validation_fraction {validation_fraction}: must lie strictly between 0 and 1")
    keras.utils.set_random_seed(seed)
    validation = _stratified_validation_mask(labels, validation_fraction, np.random.default_rng(seed))
    if not validation.any():
        raise ValueError("labels: no class has two or more windows, so none can be held out for validation")
    model = build_stimulus_classifier(windows.shape[1], windows.shape[2], num_classes)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    stopping = keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=patience,
                                             restore_best_weights=True)  # fmt: skip
    model.fit(windows[~validation], labels[~validation], validation_data=(windows[validation], labels[validation]),
              epochs=epochs, batch_size=batch_size, callbacks=[stopping], verbose=0)  # fmt: skip
    return model


def class_probabilities(model: keras.Model, windows, batch_size: int = 256) -> np.ndarray:
    """The classifier's p(y | x) for (n, time, channels) windows, as a float64 (n, num_classes) array."""
    windows = np.asarray(windows, dtype=np.float32)
    return np.asarray(model.predict(windows, batch_size=batch_size, verbose=0), dtype=np.float64)


def inception_score(probabilities, splits: int = 1):
    """exp(E_x KL(p(y|x) ‖ p(y))) of (n, classes) probabilities (Eq. 2.10); (mean, std) over ``splits``.

    p(y) is the mean row of each split; the score lies between 1 (every row alike) and the number of
    classes (confident and uniform over classes).
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or np.any(probabilities < 0):
        raise ValueError(f"probabilities have shape {probabilities.shape}; expected non-negative (samples, classes)")
    if not np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError("probabilities: some rows do not sum to 1")
    if not 1 <= splits <= len(probabilities):
        raise ValueError(f"splits {splits}: must lie between 1 and the {len(probabilities)} samples")
    probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
    scores = [np.exp(_mean_kl_to_marginal(part)) for part in np.array_split(probabilities, splits)]
    return float(np.mean(scores)), float(np.std(scores))


def conditional_accuracy(probabilities, labels) -> float:
    """Fraction of (n, classes) probability rows whose most likely class is the row's label (n,)."""
    probabilities, labels = np.asarray(probabilities), np.asarray(labels)
    if probabilities.ndim != 2 or labels.shape != (len(probabilities),):
        raise ValueError(f"probabilities {probabilities.shape} and labels {labels.shape}: expected (n, classes), (n,)")
    return float(np.mean(np.argmax(probabilities, axis=1) == labels))


def _mean_kl_to_marginal(probabilities: np.ndarray) -> float:
    """Mean over rows of KL(row ‖ mean row), with 0 log 0 = 0."""
    marginal = probabilities.mean(axis=0, keepdims=True)
    ratio = np.divide(probabilities, marginal, out=np.ones_like(probabilities), where=probabilities > 0)
    return float(np.mean(np.sum(probabilities * np.log(ratio), axis=1)))


def _stratified_validation_mask(labels: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Boolean (n,) mask holding out round(fraction * count) windows of each class (at least one of two or more)."""
    mask = np.zeros(len(labels), dtype=bool)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        held_out = min(max(round(fraction * len(members)), 1), len(members) - 1)
        mask[rng.choice(members, size=held_out, replace=False)] = True
    return mask
