"""Oracle correlation (leave-one-out, as in Walker et al. 2019) and the selection of reliable neurons.

The oracle correlation of a neuron estimates how well *any* model could predict its single
trials: for every image with more than one recorded trial, one trial is drawn at random; its
count is paired with the mean of the image's other trials (the leave-one-out mean); Pearson's r
of these pairs across images is scaled by (images used / all images). The score is averaged over
``draws`` (50) independent draws of the trials.

Responses are (trials, images, neurons) spike counts with NaN for a trial that was not
recorded. Every recorded trial takes part, zero counts included (a table of only the presentations
with at least one spike would miss an image's silent trials and bias its remaining ones upward);
NaN is only for trials that did not happen.

A neuron whose pairs have no variance (silent, or fewer than two usable images) has no defined r:
its score is NaN, and the selection leaves it out.
"""

import warnings

import numpy as np

from calciumgan.core.errors import RecordingError


def oracle_correlation(responses, draws: int = 50, seed: int = 0) -> np.ndarray:
    """(neurons,) float64 oracle correlations of (trials, images, neurons) counts, averaged over ``draws``."""
    responses = checked_responses(responses)
    rng = np.random.default_rng(seed)
    recorded = ~np.isnan(responses)
    scores = [oracle_draw(responses, random_trials(recorded, rng)) for _ in range(draws)]
    return np.mean(scores, axis=0)


def random_trials(recorded: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(images, neurons) int64: a trial index drawn uniformly among the recorded ones of each pair
    ((trials, images, neurons) bool ``recorded``); 0 where none was recorded."""
    keys = np.where(recorded, rng.random(recorded.shape), np.inf)
    return np.argmin(keys, axis=0)


def oracle_draw(responses: np.ndarray, picked: np.ndarray) -> np.ndarray:
    """(neurons,) float64 oracle correlation for one draw: trial ``picked`` (images, neurons) of each image
    against the mean of its other recorded trials, over the images with at least two trials."""
    recorded = ~np.isnan(responses)
    counts = recorded.sum(axis=0)  # (images, neurons)
    totals = np.nansum(responses, axis=0, dtype=np.float64)
    single = np.take_along_axis(responses, picked[None], axis=0)[0].astype(np.float64)
    usable = counts > 1
    others = np.where(usable, (totals - single) / np.maximum(counts - 1, 1), 0.0)
    single = np.where(usable, single, 0.0)
    correlation = masked_pearson(single, others, usable)
    return correlation * usable.sum(axis=0) / responses.shape[1]


def masked_pearson(x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(columns,) Pearson r of the (rows, columns) arrays ``x`` and ``y`` over the rows where ``mask``;
    NaN where either has no variance there."""
    n = mask.sum(axis=0)
    safe_n = np.maximum(n, 1)
    dx = np.where(mask, x - (x * mask).sum(axis=0) / safe_n, 0.0)
    dy = np.where(mask, y - (y * mask).sum(axis=0) / safe_n, 0.0)
    scale = np.sqrt((dx**2).sum(axis=0)) * np.sqrt((dy**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(scale > 0, (dx * dy).sum(axis=0) / scale, np.nan)


def trial_means(responses) -> np.ndarray:
    """(images, neurons) float64 mean of (trials, images, neurons) counts over each image's recorded trials
    (NaN where none was recorded)."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "mean of empty slice" for an image without trials
        return np.nanmean(checked_responses(responses), axis=0, dtype=np.float64)


def response_variance(responses) -> np.ndarray:
    """(neurons,) float64 variance across images (ddof 1, as pandas) of each image's mean count over trials."""
    return np.nanvar(trial_means(responses), axis=0, ddof=1)


def select_neurons(oracle, variance, oracle_quantile: float = 0.6, variance_quantile: float = 0.5) -> np.ndarray:
    """(neurons,) bool: oracle above its ``oracle_quantile`` and variance above its ``variance_quantile``.

    Quantiles are taken over the neurons with a defined value (linear interpolation, as pandas);
    the comparisons are strict, and NaN is never selected.
    """
    oracle, variance = np.asarray(oracle, np.float64), np.asarray(variance, np.float64)
    if oracle.shape != variance.shape or oracle.ndim != 1:
        raise ValueError(f"oracle {oracle.shape} and variance {variance.shape} must be the same (neurons,) shape")
    if np.all(np.isnan(oracle)) or np.all(np.isnan(variance)):
        return np.zeros(oracle.shape, bool)
    above_oracle = oracle > np.nanquantile(oracle, oracle_quantile)
    with np.errstate(invalid="ignore"):
        return above_oracle & (variance > np.nanquantile(variance, variance_quantile))


def checked_responses(responses) -> np.ndarray:
    """``responses`` as a (trials, images, neurons) float array; a ``RecordingError`` otherwise."""
    responses = np.asarray(responses)
    if responses.ndim != 3 or 0 in responses.shape or not np.issubdtype(responses.dtype, np.number):
        raise RecordingError(f"responses of shape {responses.shape} ({responses.dtype}): expected numeric "
                             "(trials, images, neurons)")  # fmt: skip
    if np.any(np.isinf(responses)) or np.nanmin(responses, initial=0.0) < 0:
        raise RecordingError("responses: spike counts must be finite and non-negative (NaN marks a missing trial)")
    return responses.astype(np.float64) if not np.issubdtype(responses.dtype, np.floating) else responses
