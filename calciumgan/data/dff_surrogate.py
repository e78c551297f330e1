"""A realistic built-in recording: ΔF/F traces of a spiking network with known spikes.

Preset ``"dff_day4"`` (``calciumgan.data.presets.DFF_PRESETS``) has the shape of the thesis's
day-4 recording (102 neurons, 24 Hz, 21556 frames, GCaMP6f in mouse V1 L2/3) and activity a
dichotomized Gaussian cannot represent: spike counts above one per frame (bursts), spike history
(dead time, relative refractoriness), slow shared fluctuations, population bursts and two cell
types. Spikes: ``calciumgan.data.dff_spiking``; indicator: ``calciumgan.data.dff_indicator``.

Choices and where their numbers come from:

- Cell types and rates: 90 pyramidal cells with log-normal rates (mean 0.6 Hz, log std 1) and
  12 fast-spiking interneurons (mean 4 Hz, log std 0.5), an overall mean of 1.0 Hz. Cortical
  rates are log-normal over neurons and interneurons fire several times faster than pyramidal
  cells (Buzsaki & Mizuseki 2014, Nat Rev Neurosci 15:264); about 10-20 % of cortical neurons
  are GABAergic.
- Spike history: a dead time (2 ms pyramidal, 1 ms interneurons) and an exponential recovery
  (20 ms, 5 ms), as the post-spike filter of a GLM (Pillow et al. 2008, Nature 454:995). A
  pyramidal spike starts a burst with a per-cell probability drawn from Beta(2, 4) (mean 1/3):
  1.5 further spikes on average, 6 ms apart on average (bursts of 2-5 spikes within tens of ms).
- Slow shared fluctuations: one latent with a 5 s timescale that every neuron follows (loading
  0.4 +- 0.15 in log rate, 0.6 for interneurons; arousal and locomotion modulate V1 this way,
  Niell & Stryker 2010, Neuron 65:472), and 4 assemblies of 8 pyramidal cells with 1 s latents
  (loading 0.8).
- Population bursts: 0.1 per second; at each, neurons fire within ~100 ms (delays gamma, mean
  40 ms) and 15 % of each neuron's spike candidates belong to them; burst strengths vary
  (log-normal, log std 0.5).
- Indicator (GCaMP6f, the thesis's day-4 indicator): double-exponential kernel with a 20 ms rise
  (peak 63 ms after the spike; GCaMP6f resolves spikes 50-75 ms apart, Chen et al. 2013, Nature
  499:295) and a decay time constant of 0.4 s median over neurons (log std 0.2; CaImAn's default
  for GCaMP6f, Giovannucci et al. 2019, eLife 8:e38173); single-spike peaks of 0.18 ΔF/F median
  over neurons (log std 0.25 across neurons, 0.3 from spike to spike: roughly 0.1-0.3, the
  single-action-potential range of GCaMP6f in V1 L2/3, Chen et al. 2013; Dana et al. 2019, Nat
  Methods 16:649); saturation ``c / (1 + c / 3)`` (a 3-spike burst reaches 85 % of its linear
  size; GCaMP responses saturate with many spikes, Greenberg et al. 2018, bioRxiv 479055;
  Deneux et al. 2016, Nat Commun 7:12190); an Ornstein-Uhlenbeck baseline drift of 0.03 ΔF/F
  with a 2 min timescale (MLspike models drift explicitly, Deneux et al. 2016); shot noise
  ``sigma_n sqrt(1 + ΔF/F)`` with a single-spike SNR (peak / sigma_n) log-uniform in [2, 5]
  (single spikes are often hard to detect in population imaging, Huang et al. 2021, eLife
  10:e51675; benchmark data sets span similar SNRs, Theis et al. 2016, Neuron 90:471).

Ground truth: the recording keeps its spike counts per frame (``Recording.spikes``). The
model's firing rates and spike-count covariance per frame have no closed form (spike history,
bursts and the rate nonlinearity interact), so ``dff_ground_truth`` estimates them from an
independent simulation of 8 x 21556 frames (2 h) with a fixed seed, separate from every
recording's: the truth is then a property of the model, the same for every recording seed and
length, and not the sample a GAN is trained and validated on.
"""

import dataclasses
import functools

import numpy as np

from calciumgan.data.dff_indicator import (
    IndicatorNeurons,
    indicator_neurons,
    observed_dff,
    saturated_dff,
    spike_amplitudes,
)
from calciumgan.data.dff_spiking import (
    SpikingNeurons,
    frame_counts,
    log_gains,
    neuron_spike_times,
    population_bursts,
    spiking_neurons,
)
from calciumgan.data.presets import DFF_PRESETS, NUM_NEURONS, SAMPLING_RATE_HZ
from calciumgan.data.recording import Recording

FRAME_S = 1 / SAMPLING_RATE_HZ
RECORDING, TRUTH = 0, 1  # what a simulation is for: the first entry of its streams' spawn keys
LATENTS, BURSTS, SPIKES, INDICATOR = range(4)  # the streams of a simulation


@dataclasses.dataclass(frozen=True)
class DffModel:
    """The per-neuron parameters of a preset's network and indicator, N neurons."""

    spiking: SpikingNeurons
    indicator: IndicatorNeurons


def dff_model(name: str) -> DffModel:
    """The (N = 102) neurons of a preset, the same for every call."""
    if name not in DFF_PRESETS:
        raise ValueError(f"unknown ΔF/F surrogate preset '{name}'; known presets: {', '.join(sorted(DFF_PRESETS))}")
    preset = DFF_PRESETS[name]
    rng = np.random.default_rng(preset.seed)
    spiking = spiking_neurons(preset.spiking, NUM_NEURONS, rng)
    return DffModel(spiking, indicator_neurons(preset.indicator, NUM_NEURONS, rng))


def _stream(seed: int, purpose: int, *key: int) -> np.random.Generator:
    """An independent random stream: one per purpose, stream kind and neuron, so neuron i is the same for any N."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(purpose, *key)))


def _checked_size(name: str, num_frames, num_neurons) -> tuple[int, int]:
    """``(num_frames, num_neurons)`` with the preset's defaults for ``None``, or a ValueError naming the bad one."""
    num_frames = DFF_PRESETS[name].num_frames if num_frames is None else int(num_frames)
    num_neurons = NUM_NEURONS if num_neurons is None else int(num_neurons)
    if not 1 <= num_neurons <= NUM_NEURONS:
        raise ValueError(f"num_neurons must lie in 1..{NUM_NEURONS}, got {num_neurons}")
    if num_frames < 1:
        raise ValueError(f"num_frames must be at least 1, got {num_frames}")
    return num_frames, num_neurons


def dff_spike_times(name: str, num_frames: int, num_neurons: int, seed: int, purpose: int = RECORDING) -> list:
    """Spike times (s) of the preset's first ``num_neurons`` neurons over ``num_frames`` frames, one array each."""
    preset, model = DFF_PRESETS[name], dff_model(name).spiking.first(num_neurons)
    gains = np.exp(log_gains(model, preset.spiking, num_frames, FRAME_S, _stream(seed, purpose, LATENTS)))
    bursts = population_bursts(preset.spiking, num_frames * FRAME_S, _stream(seed, purpose, BURSTS))
    return [neuron_spike_times(model, neuron, preset.spiking, gains[:, neuron], bursts, FRAME_S,
                               _stream(seed, purpose, SPIKES, neuron))
            for neuron in range(num_neurons)]  # fmt: skip


def dff_recording(name: str = "dff_day4", num_frames: int | None = None, num_neurons: int | None = None,
                  seed: int = 0) -> Recording:  # fmt: skip
    """A ΔF/F recording sampled from a preset, with its spike counts per frame as ground truth.

    Args:
        name: a name in ``DFF_PRESETS``.
        num_frames: length in frames at 24 Hz; default the preset's.
        num_neurons: the preset's first ``num_neurons`` neurons (each the same as in the full recording).
        seed: seeds spikes, drift and noise; the same seed gives the same recording.

    Returns:
        ``Recording`` with (T, N) float32 ΔF/F ``signals`` and ``spikes`` (counts per frame), 24 Hz.
    """
    model = dff_model(name)
    num_frames, num_neurons = _checked_size(name, num_frames, num_neurons)
    parameters = DFF_PRESETS[name].indicator
    spike_times = dff_spike_times(name, num_frames, num_neurons, seed)
    signals = np.empty((num_frames, num_neurons))
    for neuron, times in enumerate(spike_times):
        rng = _stream(seed, RECORDING, INDICATOR, neuron)
        amplitudes = spike_amplitudes(model.indicator.amplitude[neuron], len(times), parameters, rng)
        clean = saturated_dff(times, amplitudes, model.indicator, neuron, parameters, num_frames, FRAME_S)
        signals[:, neuron] = observed_dff(clean, model.indicator.noise_std[neuron], parameters, FRAME_S, rng)
    return Recording(
        signals=signals.astype(np.float32),
        sampling_rate=SAMPLING_RATE_HZ,
        spikes=frame_counts(spike_times, num_frames, FRAME_S).astype(np.float32),
        neuron_ids=np.arange(num_neurons),
        source=f"surrogate:{name}",
    )


def dff_ground_truth(name: str, num_neurons: int) -> dict:
    """The model's truth for its first ``num_neurons`` neurons (module docstring: how it is estimated).

    Returns:
        ``firing_rate_hz`` (N,) in Hz and ``spike_covariance`` (N, N), the covariance of spike
        counts per frame, estimated; ``active_rate_hz`` (N,) and ``active_covariance`` (N, N),
        the same of frames holding at least one spike (0/1 per frame: all that binary spike
        inference can recover), estimated; ``spike_amplitude`` (N,) mean single-spike peak ΔF/F
        before saturation, ``decay_time_s`` (N,) and ``noise_std`` (N,) baseline noise std per
        frame in ΔF/F, exact.
    """
    indicator = dff_model(name).indicator.first(num_neurons)
    counts, active = _estimated_spike_statistics(name, _checked_size(name, None, num_neurons)[1])
    return {
        "firing_rate_hz": counts[0].copy(),
        "spike_covariance": counts[1].copy(),
        "active_rate_hz": active[0].copy(),
        "active_covariance": active[1].copy(),
        "spike_amplitude": indicator.amplitude,
        "decay_time_s": indicator.decay_time_s,
        "noise_std": indicator.noise_std,
    }


@functools.lru_cache(maxsize=4)
def _estimated_spike_statistics(name: str, num_neurons: int) -> tuple[tuple, tuple]:
    """From the preset's long truth simulation: ((N,) rates in Hz, (N, N) covariance per frame) of
    the spike counts per frame, and the same of the 0/1 indicators of frames with a spike."""
    preset = DFF_PRESETS[name]
    times = dff_spike_times(name, preset.truth_frames, num_neurons, preset.truth_seed, purpose=TRUTH)
    counts = frame_counts(times, preset.truth_frames, FRAME_S)

    def statistics(values):
        return values.mean(axis=0) * SAMPLING_RATE_HZ, np.cov(values, rowvar=False).reshape(num_neurons, num_neurons)

    return statistics(counts), statistics((counts > 0).astype(np.float64))
