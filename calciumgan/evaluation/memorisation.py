"""Does a generator copy its training data? Distances to the nearest training window.

For each sample (W, N) the distance to the nearest window of the training block
(T, N) is taken over every start frame, without materialising the windows:

    d^2(t) = (|x|^2 + |r_t|^2 - 2 <x, r_t>) / (W N),   r_t = reference[t : t + W],

with the cross terms <x, r_t> for all t from FFT correlations summed over neurons
in the frequency domain (overlap-save in blocks of the reference), and |r_t|^2
from a cumulative sum. Distances are root-mean-square differences per frame and
neuron, in the traces' units.
"""

import dataclasses

import numpy as np
from scipy import fft, stats

SAMPLES_PER_CHUNK = 32
PROJECTED_NEURONS = 128
"""Neurons beyond which frames are randomly projected to this many dimensions before the search."""


def projected(values: np.ndarray, neurons: int) -> np.ndarray:
    """(..., N) ``values`` as float64, as they are up to ``PROJECTED_NEURONS`` neurons, else mapped to that many
    dimensions by one fixed random matrix (seed 0), ``SAMPLES_PER_CHUNK`` rows of the first axis at a time (no
    float64 copy of the whole set)."""
    if neurons <= PROJECTED_NEURONS:
        return np.asarray(values, dtype=np.float64)
    matrix = np.random.default_rng(0).standard_normal((neurons, PROJECTED_NEURONS)) / np.sqrt(PROJECTED_NEURONS)
    result = np.empty(values.shape[:-1] + (PROJECTED_NEURONS,))
    for start in range(0, len(values), SAMPLES_PER_CHUNK):
        result[start : start + SAMPLES_PER_CHUNK] = np.asarray(values[start : start + SAMPLES_PER_CHUNK],
                                                               dtype=np.float64) @ matrix  # fmt: skip
    return result


def nearest_window_distances(samples: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """(K,) RMS distance per frame and neuron from each sample (K, W, N) to its nearest window of ``reference``
    (T, N); beyond ``PROJECTED_NEURONS`` neurons, of their random projections (see the module docstring)."""
    samples, reference = np.asarray(samples), np.asarray(reference)
    num_samples, window, neurons = samples.shape
    if reference.ndim != 2 or reference.shape[1] != neurons or len(reference) < window:
        raise ValueError(f"reference must be (T >= {window}, {neurons}), got {reference.shape}")
    samples, reference = projected(samples, neurons), projected(reference, neurons)
    positions = len(reference) - window + 1
    window_energy = np.concatenate([[0.0], np.cumsum(np.sum(reference**2, axis=1))])
    window_energy = window_energy[window:] - window_energy[:positions]  # (positions,)
    fft_length = fft.next_fast_len(2 * window)
    step = fft_length - window + 1  # valid correlation lags per block
    # (F, D, B): frequency-major spectra of the B reference blocks, so that each frequency is one matrix product
    block_spectra = np.stack([fft.rfft(reference[start : start + fft_length], n=fft_length, axis=0)
                              for start in range(0, positions, step)], axis=-1)  # fmt: skip
    nearest = np.empty(num_samples)
    for first in range(0, num_samples, SAMPLES_PER_CHUNK):
        chunk = samples[first : first + SAMPLES_PER_CHUNK]
        reversed_spectra = fft.rfft(chunk[:, ::-1], n=fft_length, axis=1)  # (k, F, D)
        products = np.matmul(reversed_spectra.transpose(1, 0, 2), block_spectra)  # (F, k, B), summed over D
        full = fft.irfft(products.transpose(1, 2, 0), n=fft_length, axis=2)  # (k, B, fft_length)
        cross = full[:, :, window - 1 : window - 1 + step].reshape(len(chunk), -1)[:, :positions]
        energy = np.sum(chunk**2, axis=(1, 2))
        squared = (energy[:, None] + window_energy[None, :] - 2 * cross) / (window * neurons)
        nearest[first : first + len(chunk)] = np.sqrt(np.maximum(squared.min(axis=1), 0.0))
    return nearest


HASH_CHUNK = 65_536  # frames hashed at once


def _frame_hashes(traces: np.ndarray) -> np.ndarray:
    """(T,) uint64 hashes of the float32 frames of (T, N) ``traces``: equal frames, equal hashes (a random
    linear hash of the frames' bits, so unequal frames collide with probability about 2^-64)."""
    multipliers = np.random.default_rng(0).integers(1, 2**63, size=traces.shape[-1], dtype=np.uint64) | np.uint64(1)
    hashes = np.empty(len(traces), np.uint64)
    for start in range(0, len(traces), HASH_CHUNK):
        bits = np.ascontiguousarray(traces[start : start + HASH_CHUNK], dtype=np.float32).view(np.uint32)
        hashes[start : start + HASH_CHUNK] = (bits.astype(np.uint64) * multipliers).sum(axis=1)  # wraps mod 2^64
    return hashes


def shared_frame_fraction(windows: np.ndarray, training: np.ndarray) -> float:
    """The fraction of the frames of (K, W, N) ``windows`` that are, value for value, frames of (T, N)
    ``training`` traces: 0 for held-out data, 1 when the windows were cut from the training data."""
    frames = np.asarray(windows).reshape(-1, windows.shape[-1])
    return float(np.isin(_frame_hashes(frames), _frame_hashes(np.asarray(training))).mean()) if len(frames) else 0.0


@dataclasses.dataclass(frozen=True)
class MemorisationCheck:
    """Nearest-training-window distances of synthetic samples against those of held-out windows.

    A held-out window is new data from the same recording, so its distance to the nearest
    training window is what "not a copy" looks like. A synthetic sample is counted as a
    near-copy when it is closer to the training data than half the smallest such distance;
    the generator is flagged as copying when more than ``limit`` of its samples are
    near-copies. ``closer_probability`` is the chance that a synthetic sample lies closer to
    the training data than a held-out window (Mann-Whitney; 0.5 when equally close). It also
    rises for samples that are merely smoother than real data, so it is reported, not judged.
    """

    synthetic: np.ndarray  # (K,) distances of synthetic samples
    held_out: np.ndarray  # (M,) distances of held-out real windows
    limit: float = 0.01

    @property
    def near_copy_distance(self) -> float:
        return 0.5 * float(np.min(self.held_out))

    @property
    def near_copy_fraction(self) -> float:
        return float(np.mean(self.synthetic < self.near_copy_distance))

    @property
    def copies_training_data(self) -> bool:
        return self.near_copy_fraction > self.limit

    @property
    def closer_probability(self) -> float:
        ranks = stats.rankdata(np.concatenate([self.synthetic, self.held_out]))
        u_statistic = ranks[: len(self.synthetic)].sum() - len(self.synthetic) * (len(self.synthetic) + 1) / 2
        return 1.0 - u_statistic / (len(self.synthetic) * len(self.held_out))

    def summary(self) -> dict:
        return {
            "synthetic_median": float(np.median(self.synthetic)),
            "held_out_median": float(np.median(self.held_out)),
            "held_out_minimum": float(np.min(self.held_out)),
            "near_copy_fraction": self.near_copy_fraction,
            "closer_probability": self.closer_probability,
            "copies_training_data": self.copies_training_data,
        }


def memorisation_checks(synthetic: dict, held_out: np.ndarray, training: np.ndarray) -> dict:
    """Name -> check of each set of synthetic samples (K, W, N) against held-out windows (M, W, N), both
    compared with the training block (T, N); the held-out distances are computed once."""
    held_out = nearest_window_distances(held_out, training)
    return {name: MemorisationCheck(nearest_window_distances(samples, training), held_out)
            for name, samples in synthetic.items()}  # fmt: skip
