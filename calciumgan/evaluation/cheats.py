"""Cheap synthetic sets built from real training data: what an evaluation must not be fooled by.

Each cheat returns (K, W, N) traces made from a training block (T, N) with no model at all. An
evaluation worth trusting rates every one of them worse than the real-versus-real floor on at
least one headline check, or flags it as memorised (``benchmarks/realism.py --cheaters`` and
``tests/calciumgan/evaluation/test_cheats.py`` hold it to that), while a held-out block of
the same recording passes.
"""

import numpy as np

from calciumgan.evaluation.pipeline import evaluate_sets
from calciumgan.evaluation.trace_files import evenly_spaced_windows

TYPICAL_FRACTION = 0.1  # share of training windows the low-diversity cheat resamples from
TYPICAL_NOISE = 0.01  # its added noise, in units of each neuron's standard deviation


def _random_windows(training: np.ndarray, count: int, window: int, rng) -> np.ndarray:
    starts = rng.integers(0, len(training) - window + 1, size=count)
    return np.stack([training[start : start + window] for start in starts])


def copies(training, count, window, rng):
    """Training windows verbatim, from random starts."""
    return _random_windows(training, count, window, rng)


def repeated_window(training, count, window, rng):
    """One training window, ``count`` times."""
    return np.repeat(_random_windows(training, 1, window, rng), count, axis=0)


def typical_windows(training, count, window, rng):
    """Resampled from the tenth of training windows whose population activity is closest to the median,
    plus noise of 1% of each neuron's standard deviation: realistic windows without the real variety."""
    candidates = _random_windows(training, 20 * count, window, rng)
    activity = candidates.mean(axis=(1, 2))
    order = np.argsort(np.abs(activity - np.median(activity)))
    typical = candidates[order[: max(1, int(TYPICAL_FRACTION * len(candidates)))]]
    chosen = typical[rng.integers(len(typical), size=count)]
    return chosen + TYPICAL_NOISE * training.std(axis=0) * rng.standard_normal(chosen.shape)


def permuted_neurons(training, count, window, rng):
    """Training windows with the neuron columns in one random order."""
    return _random_windows(training, count, window, rng)[:, :, rng.permutation(training.shape[1])]


def shuffled_frames(training, count, window, rng):
    """Training windows with their frames in a random order, a new one per window."""
    windows = _random_windows(training, count, window, rng)
    return np.stack([sample[rng.permutation(window)] for sample in windows])


def time_reversed(training, count, window, rng):
    """Training windows played backwards: transients rise slowly and fall at once."""
    return _random_windows(training, count, window, rng)[:, ::-1]


def shifted_neurons(training, count, window, rng):
    """Each neuron's trace from its own random place in the training block: every neuron is real,
    their coordination is gone."""
    starts = rng.integers(0, len(training) - window + 1, size=(count, training.shape[1]))
    frames = starts[:, None, :] + np.arange(window)[None, :, None]  # (K, W, N)
    return training[frames, np.arange(training.shape[1])]


def matched_noise(training, count, window, rng):
    """Independent Gaussian noise with each neuron's training mean and standard deviation."""
    return training.mean(axis=0) + training.std(axis=0) * rng.standard_normal((count, window, training.shape[1]))


def scaled(training, count, window, rng):
    """Training windows with every transient twice as tall (deviations from each neuron's median doubled)."""
    windows = _random_windows(training, count, window, rng)
    median = np.median(training, axis=0)
    return median + 2.0 * (windows - median)


CHEATS = {
    "copies": copies,
    "repeated_window": repeated_window,
    "typical_windows": typical_windows,
    "permuted_neurons": permuted_neurons,
    "shuffled_frames": shuffled_frames,
    "time_reversed": time_reversed,
    "shifted_neurons": shifted_neurons,
    "matched_noise": matched_noise,
    "scaled": scaled,
}


def cheat_sets(training: np.ndarray, count: int, window: int, seed: int = 0) -> dict:
    """Cheat name -> (count, window, N) float32 traces built from (T, N) ``training`` traces."""
    training = np.asarray(training, dtype=np.float64)
    if training.ndim != 2 or len(training) < window:
        raise ValueError(f"training traces must be (T >= {window}, N); got shape {training.shape}")
    return {name: make(training, count, window, np.random.default_rng([seed, index])).astype(np.float32)
            for index, (name, make) in enumerate(CHEATS.items())}  # fmt: skip


HELD_OUT = "held_out"  # the control row: real windows the evaluation has not seen, which must pass
SPLIT = (0.6, 0.8)  # training block, then the control block, then the real block the rows are scored against


def cheater_evaluation(signals: np.ndarray, sampling_rate: float, count: int, window: int, config=None,
                       seed: int = 0):  # fmt: skip
    """Every cheat and a held-out control scored by ``evaluate_sets`` against the real block of one recording.

    ``signals`` (T, N) are split in time into a training block (the first 60%: the cheats' material,
    the floor, the baselines and the memorisation reference), a control block (the next 20%: real
    windows nobody trained on) and the real block (the last 20%). ``count`` windows of ``window``
    frames per set. Returns the ``pipeline.Evaluation``; its ``extras["verdicts"]`` say which rows
    were caught.
    """
    signals = np.asarray(signals)
    first, second = (int(fraction * len(signals)) for fraction in SPLIT)
    training, control, real = signals[:first], signals[first:second], signals[second:]
    sets = {HELD_OUT: evenly_spaced_windows(control, window, count), **cheat_sets(training, count, window, seed)}
    return evaluate_sets(real, sets, sampling_rate, config, train=training)


def caught(verdict: dict) -> bool:
    """Whether a row's verdict rates it worse than the floor on some headline check or flags it as memorised."""
    return bool(verdict["worse_than_floor"]) or verdict["memorised"]
