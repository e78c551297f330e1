"""Ground-truth surrogate recordings: dichotomized-Gaussian spikes turned into calcium-like traces.

Spikes come from a :class:`~calciumgan.data.dichotomized_gaussian.DichotomizedGaussian`; traces
follow the AR(1) model of the thesis (Eq. 4.1-4.2, after Friedrich et al. 2017)::

    c_t = g c_{t-1} + s_t,        y_t = b + c_t + sigma u_t,   u_t ~ N(0, 1),

with ``g = 0.95``, ``sigma = 0.3`` and ``b = 0`` as in the thesis.

Presets ``"day1"`` and ``"day4"`` (``calciumgan.data.presets``) mimic the two recordings of
Table 4.2 of the thesis (N = 102 neurons at 24 Hz).
"""

import numpy as np
from scipy import signal, special

from calciumgan.data.dichotomized_gaussian import DichotomizedGaussian
from calciumgan.data.presets import NUM_NEURONS, PRESETS, SAMPLING_RATE_HZ, SurrogatePreset
from calciumgan.data.recording import Recording

__all__ = ["PRESETS", "SAMPLING_RATE_HZ", "calcium_from_spikes", "preset_model", "surrogate_recording"]


def preset_model(name: str) -> DichotomizedGaussian:
    """The (N = 102) latent model of a preset, the same for every call."""
    if name not in PRESETS:
        raise ValueError(f"unknown surrogate preset '{name}'; known presets: {', '.join(sorted(PRESETS))}")
    preset = PRESETS[name]
    rng = np.random.default_rng(preset.seed)
    rates = np.exp(preset.rate_log_std * rng.standard_normal(NUM_NEURONS))
    rates *= preset.mean_rate_hz / rates.mean()
    gamma = special.ndtri(rates / SAMPLING_RATE_HZ)
    loadings = _latent_loadings(preset, rng)
    latent_correlation = loadings @ loadings.T
    np.fill_diagonal(latent_correlation, 1.0)
    return DichotomizedGaussian(gamma=gamma, latent_correlation=latent_correlation)


def _latent_loadings(preset: SurrogatePreset, rng: np.random.Generator) -> np.ndarray:
    """(N, factors) loadings: shared, assemblies, opponent, background; row norms below 1."""
    order = rng.permutation(NUM_NEURONS)
    num_members = preset.num_assemblies * preset.assembly_size
    members = order[:num_members].reshape(preset.num_assemblies, preset.assembly_size)
    opponents = order[num_members : num_members + 2 * preset.opponent_group_size]

    shared = np.full((NUM_NEURONS, 1), preset.shared_loading)
    assemblies = np.zeros((NUM_NEURONS, preset.num_assemblies))
    for assembly, neurons in enumerate(members):
        assemblies[neurons, assembly] = rng.uniform(*preset.assembly_loading_range, size=len(neurons))
    opponent = np.zeros((NUM_NEURONS, 1))
    opponent[opponents, 0] = preset.opponent_loading * np.repeat([1.0, -1.0], preset.opponent_group_size)
    background = preset.background_loading_std * rng.standard_normal((NUM_NEURONS, preset.num_background_factors))
    return np.hstack([shared, assemblies, opponent, background])


def calcium_from_spikes(
    spikes, rng: np.random.Generator, decay: float = 0.95, noise_std: float = 0.3, baseline: float = 0.0
) -> np.ndarray:
    """(T, N) float32 calcium-like traces from (T, N) spike counts (Eq. 4.1-4.2 of the thesis).

    Args:
        spikes: (T, N) spike counts per frame.
        rng: source of the Gaussian noise.
        decay: AR(1) coefficient ``g`` per frame, in [0, 1).
        noise_std: ``sigma``, noise standard deviation in trace units (a spike adds 1).
        baseline: ``b``, added to every frame.
    """
    counts = np.asarray(spikes, dtype=np.float64)
    if counts.ndim != 2:
        raise ValueError(f"spikes must be a (T, N) array, got shape {counts.shape}")
    if not 0 <= decay < 1:
        raise ValueError(f"decay must lie in [0, 1), got {decay}")
    if noise_std < 0:
        raise ValueError(f"noise_std must be non-negative, got {noise_std}")
    calcium = signal.lfilter([1.0], [1.0, -decay], counts, axis=0)
    traces = baseline + calcium + noise_std * rng.standard_normal(counts.shape)
    return traces.astype(np.float32)


def surrogate_recording(
    preset: str = "day4", num_frames: int | None = None, num_neurons: int | None = None, seed: int = 0
) -> Recording:
    """A recording sampled from a preset, with its spikes as ground truth.

    Args:
        preset: a name in ``PRESETS``.
        num_frames: length in frames at 24 Hz; default the preset's thesis length.
        num_neurons: keep the preset's first ``num_neurons`` neurons (small demos); default all 102.
        seed: seeds spikes and noise; the same seed gives the same recording.

    Returns:
        ``Recording`` with (T, N) float32 ``signals`` and ``spikes`` (0 or 1), 24 Hz.
    """
    model = preset_model(preset)
    num_frames = PRESETS[preset].num_frames if num_frames is None else int(num_frames)
    num_neurons = model.num_neurons if num_neurons is None else int(num_neurons)
    if not 1 <= num_neurons <= model.num_neurons:
        raise ValueError(f"num_neurons must lie in 1..{model.num_neurons}, got {num_neurons}")
    if num_frames < 1:
        raise ValueError(f"num_frames must be at least 1, got {num_frames}")
    model = DichotomizedGaussian(
        gamma=model.gamma[:num_neurons],
        latent_correlation=model.latent_correlation[:num_neurons, :num_neurons],
    )
    rng = np.random.default_rng(seed)
    spikes = model.sample(num_frames, rng)
    return Recording(
        signals=calcium_from_spikes(spikes, rng),
        sampling_rate=SAMPLING_RATE_HZ,
        spikes=spikes.astype(np.float32),
        neuron_ids=np.arange(num_neurons),
        source=f"surrogate:{preset}",
    )
