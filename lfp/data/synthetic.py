"""Synthetic stimulus-evoked V1 LFP shaped like the thesis's data (Allen Visual Coding Neuropixels, natural scenes).

Time layout, as in Allen's ``natural_scenes`` stimulus: ``showings`` of each of ``num_images`` images,
each shown for 0.25 s with no gap, in random order, in 3 blocks separated by grey-screen periods;
``spontaneous_seconds`` is split equally before, between and after the blocks (the last period
lasts at least one window and one evoked response). Channel c lies at depth d = c / (C - 1), from the
top of the probe's V1 span (0) to its bottom (1); 22 Allen LFP channels span about 0.9 mm.

Components, in microvolts, each a time series times a smooth depth profile:

1. Aperiodic background: C independent sources with amplitude spectra ``(f^2 + 1 Hz^2)^(-beta/4)``
   (power ~ 1/f^beta above 1 Hz), beta ~ U(1.3, 1.9) per source, mixed across depth by a Gaussian
   kernel (sd 2 channels) plus a common far-field term (volume conduction); gain 45 uV (top) to
   75 uV (bottom).
2. Oscillations: narrowband noise (Gaussian spectral peak) times a lognormal burst envelope
   (log-envelope low-passed below ~1.5 Hz, sd 0.8): theta 6 +- 1 Hz, 20 uV, growing with depth;
   beta 20 +- 4 Hz, 8 uV, mid-depth; gamma 55 +- 12 Hz, 6 uV, superficial, multiplied during each
   showing (from 40 ms after onset) by 1 + 3 sigmoid(z-scored RMS contrast of the shown image).
3. Evoked response at each onset: N1, a negative Gaussian wave (sd 12 ms) peaking at 53-77 ms, whose
   profile ``tanh((0.55 - d) / 0.12)`` reverses polarity at depth 0.55 (negative above, positive
   below); P2, a positive wave (sd 25 ms) peaking at 102-148 ms, reversing at depth 0.35. Amplitudes
   and latencies follow the shown image's ``image_features`` (z-scored across images; see
   :func:`response_parameters`), with trial-to-trial lognormal amplitude (sd 0.2) and 3 ms latency jitter.
4. White measurement noise, 3 uV.
"""

import numpy as np
import scipy.fft

from calciumgan.core.errors import ConfigError
from calciumgan.core.images import generate_images, image_features
from lfp.data.recording import StimulusLFP

SHOWING_SECONDS = 0.25
BLOCKS = 3
EVOKED_SECONDS = 0.3  # support of one evoked response
GAMMA_LATENCY_SECONDS = 0.04
NOISE_MICROVOLTS = 3.0
# (centre Hz, half-width Hz, RMS uV, depth profile)
OSCILLATIONS = {
    "theta": (6.0, 1.0, 20.0, lambda depth: 0.4 + 0.6 * depth),
    "beta": (20.0, 4.0, 8.0, lambda depth: np.exp(-(((depth - 0.5) / 0.3) ** 2))),
    "gamma": (55.0, 12.0, 6.0, lambda depth: np.exp(-(((depth - 0.3) / 0.2) ** 2))),
}


def synthesize_lfp(
    num_channels: int = 22,
    sampling_rate: float = 1250.0,
    window: int = 313,
    num_images: int = 118,
    showings: int = 50,
    image_size: tuple = (918, 1174),
    spontaneous_seconds: float = 300.0,
    seed: int = 0,
) -> StimulusLFP:
    """A (T, num_channels) float32 LFP in microvolts with ``num_images * showings`` showings of generated images.

    Every showing's ``window``-sample window lies inside the recording. Deterministic for a seed.
    """
    if min(num_channels, num_images, showings, window) < 1 or spontaneous_seconds < 0 or sampling_rate <= 0:
        raise ConfigError(
            f"synthetic LFP: num_channels {num_channels}, num_images {num_images}, showings {showings} and window "
            f"{window} must be >= 1, spontaneous_seconds {spontaneous_seconds} >= 0, sampling_rate {sampling_rate} > 0"
        )
    image_seed, layout_seed, background_seed, rhythm_seed, evoked_seed = np.random.SeedSequence(seed).spawn(5)
    images = generate_images(num_images, *image_size, seed=int(image_seed.generate_state(1)[0]))
    parameters = response_parameters(image_features(images))
    tail = max(window, int(np.ceil(EVOKED_SECONDS * sampling_rate)))
    onsets, image_ids, num_samples = showing_layout(
        np.random.default_rng(layout_seed), num_images, showings, sampling_rate, spontaneous_seconds, tail
    )
    depth = np.linspace(0.0, 1.0, num_channels) if num_channels > 1 else np.zeros(1)
    lfp = _aperiodic_background(np.random.default_rng(background_seed), num_samples, depth, sampling_rate)
    rng = np.random.default_rng(rhythm_seed)
    gamma_gain = _showing_gain(onsets, parameters["gamma_gain"][image_ids], num_samples, sampling_rate)
    for name, (centre, half_width, microvolts, profile) in OSCILLATIONS.items():
        carrier = _narrowband(rng, num_samples, centre, half_width, sampling_rate)
        rhythm = carrier * _bursts(rng, num_samples, sampling_rate)
        if name == "gamma":
            rhythm *= gamma_gain
        lfp += (microvolts * rhythm)[:, None] * profile(depth).astype(np.float32)[None, :]
    lfp += _evoked(np.random.default_rng(evoked_seed), onsets, image_ids, parameters, depth, num_samples, sampling_rate)
    lfp += NOISE_MICROVOLTS * rng.standard_normal(lfp.shape, dtype=np.float32)
    recording = StimulusLFP(
        lfp=lfp,
        sampling_rate=sampling_rate,
        channel_ids=np.arange(num_channels),
        onsets=onsets,
        image_ids=image_ids,
        images=images,
        source=f"synthetic(seed={seed})",
    )
    recording.check(window)
    return recording


def response_parameters(features: np.ndarray) -> dict:
    """Per-image evoked-response parameters, each (num_images,) float64, from (num_images, 5) ``image_features``.

    Features are z-scored across images (constant ones give 0). Keys: ``n1_amplitude`` / ``p2_amplitude``
    (uV), ``n1_latency`` / ``p2_latency`` (s) and ``gamma_gain`` (factor on gamma during the showing).
    """
    features = np.asarray(features, np.float64)
    spread = features.std(axis=0)
    luminance, contrast, orientation_cos, orientation_sin, high_frequency = (
        (features - features.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    ).T
    return {
        "n1_amplitude": 70.0 * np.exp(0.35 * contrast + 0.15 * luminance + 0.15 * orientation_cos),
        "n1_latency": (65.0 - 6.0 * np.tanh(contrast) + 6.0 * np.tanh(high_frequency)) / 1000,
        "p2_amplitude": 45.0 * np.exp(0.3 * luminance - 0.2 * high_frequency + 0.2 * orientation_sin),
        "p2_latency": (125.0 + 15.0 * np.tanh(high_frequency) - 8.0 * np.tanh(contrast)) / 1000,
        "gamma_gain": 1.0 + 3.0 / (1.0 + np.exp(-contrast)),
    }


def showing_layout(
    rng: np.random.Generator,
    num_images: int,
    showings: int,
    sampling_rate: float,
    spontaneous_seconds: float,
    tail: int,
) -> tuple:
    """(onsets (S,) int64 samples, image ids (S,) int64, total samples) for the blocked, shuffled showings.

    Consecutive showings start ``SHOWING_SECONDS`` apart (rounded to samples); ``tail`` is the least
    number of samples after the last onset.
    """
    order = rng.permutation(np.repeat(np.arange(num_images, dtype=np.int64), showings))
    blocks = np.array_split(order, min(BLOCKS, len(order)))
    gap = int(round(spontaneous_seconds * sampling_rate / (len(blocks) + 1)))
    step = SHOWING_SECONDS * sampling_rate
    onsets, start = [], gap
    for block in blocks:
        onsets.append(start + np.round(np.arange(len(block)) * step).astype(np.int64))
        start = int(round(onsets[-1][-1] + step)) + gap
    onsets = np.concatenate(onsets)
    return onsets, order, int(onsets[-1]) + max(tail, int(round(step)) + gap)


def _colored_noise(rng: np.random.Generator, num_samples: int, amplitude) -> np.ndarray:
    """(num_samples,) float32 unit-variance noise with amplitude spectrum ``amplitude(frequencies)``.

    ``frequencies`` are in cycles per sample on a fast FFT grid; the series is cropped to length.
    """
    length = scipy.fft.next_fast_len(num_samples, real=True)
    frequencies = np.fft.rfftfreq(length).astype(np.float32)
    white = rng.standard_normal((len(frequencies), 2), dtype=np.float32).view(np.complex64)[:, 0]
    series = scipy.fft.irfft(white * amplitude(frequencies), n=length)[:num_samples]
    series -= series.mean()
    return series / series.std()


def _aperiodic_background(rng: np.random.Generator, num_samples: int, depth: np.ndarray, rate: float) -> np.ndarray:
    """(num_samples, channels) float32 1/f^beta background in uV, correlated across neighbouring channels."""
    channels = len(depth)
    sources = np.empty((num_samples, channels), np.float32)
    for channel, beta in enumerate(rng.uniform(1.3, 1.9, channels)):
        knee = 1.0 / rate  # 1 Hz in cycles per sample
        sources[:, channel] = _colored_noise(rng, num_samples, lambda f: (f**2 + knee**2) ** (-beta / 4))
    distance = np.arange(channels)[:, None] - np.arange(channels)[None, :]
    mixing = np.exp(-(distance**2) / (2 * 2.0**2)) + 0.3
    mixing /= np.linalg.norm(mixing, axis=1, keepdims=True)  # unit-variance channels
    gain = 45.0 + 30.0 * depth
    return sources @ (mixing.T * gain[None, :]).astype(np.float32)


def _narrowband(rng: np.random.Generator, num_samples: int, centre: float, half_width: float, rate: float):
    """(num_samples,) float32 unit-variance noise with a Gaussian spectral peak at ``centre`` Hz."""
    centre, half_width = centre / rate, half_width / rate
    return _colored_noise(rng, num_samples, lambda f: np.exp(-(((f - centre) / half_width) ** 2) / 2))


def _bursts(rng: np.random.Generator, num_samples: int, rate: float, spread: float = 0.8) -> np.ndarray:
    """(num_samples,) float32 lognormal burst envelope with mean 1 (log-envelope low-passed below ~1.5 Hz)."""
    slow = _colored_noise(rng, num_samples, lambda f: np.exp(-((f * rate / 1.5) ** 2) / 2))
    return np.exp(spread * slow - spread**2 / 2)


def _showing_gain(onsets: np.ndarray, gains: np.ndarray, num_samples: int, rate: float) -> np.ndarray:
    """(num_samples,) float32: ``gains[s]`` from ``GAMMA_LATENCY_SECONDS`` after onset s for one showing, else 1."""
    start = onsets + int(round(GAMMA_LATENCY_SECONDS * rate))
    stop = start + int(round(SHOWING_SECONDS * rate))
    change = np.zeros(num_samples + 1)
    np.add.at(change, np.minimum(start, num_samples), gains - 1)
    np.add.at(change, np.minimum(stop, num_samples), 1 - gains)
    return (1.0 + np.cumsum(change[:-1])).astype(np.float32)


def _evoked(
    rng: np.random.Generator,
    onsets: np.ndarray,
    image_ids: np.ndarray,
    parameters: dict,
    depth: np.ndarray,
    num_samples: int,
    rate: float,
) -> np.ndarray:
    """(num_samples, channels) float32 sum of every showing's N1 and P2 waves with their depth profiles, in uV."""
    lag = np.arange(int(np.ceil(EVOKED_SECONDS * rate))) / rate  # (L,) seconds after onset
    positions = (onsets[:, None] + np.arange(len(lag))[None, :]).ravel()
    components = (
        ("n1", -1.0, 0.012, np.tanh((0.55 - depth) / 0.12)),
        ("p2", 1.0, 0.025, np.tanh((0.35 - depth) / 0.15)),
    )
    evoked = np.zeros((num_samples, len(depth)), np.float32)
    for name, sign, width, profile in components:
        amplitude = parameters[f"{name}_amplitude"][image_ids] * rng.lognormal(0.0, 0.2, len(onsets))
        latency = parameters[f"{name}_latency"][image_ids] + rng.normal(0.0, 0.003, len(onsets))
        waves = sign * amplitude[:, None] * np.exp(-(((lag[None, :] - latency[:, None]) / width) ** 2) / 2)
        series = np.bincount(positions, weights=waves.ravel(), minlength=num_samples)[:num_samples]
        evoked += series.astype(np.float32)[:, None] * profile.astype(np.float32)[None, :]
    return evoked
