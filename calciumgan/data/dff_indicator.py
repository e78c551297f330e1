"""ΔF/F of a GCaMP-like indicator from spike times: kernel, saturation, baseline drift and shot noise.

For neuron n, a spike at time t with amplitude a adds ``a h(s - t)`` to the linear ΔF/F ``c(s)``,

    h(u) = (exp(-u / tau_decay) - exp(-u / tau_rise)) / h_max,   u >= 0,

normalised to a peak of 1, so ``a`` is the spike's peak ΔF/F. Amplitudes vary from spike to spike
(log-normal around the neuron's mean). The indicator saturates: ``f = c / (1 + c / kappa)``. Each
frame samples f at one instant, the moment the raster scan crosses the neuron (a fixed phase of
the frame per neuron), and adds a slow baseline drift d (Ornstein-Uhlenbeck) and shot noise
whose variance grows with the fluorescence, ``sigma_n sqrt(1 + f + d)`` (photon counts are
Poisson, so their variance is proportional to F = F0 (1 + ΔF/F)). The two exponentials are
evaluated exactly at the sampling instants, frame by frame.
"""

import dataclasses
import math

import numpy as np
from scipy import signal

from calciumgan.data.dff_spiking import ornstein_uhlenbeck
from calciumgan.data.presets import IndicatorParameters


@dataclasses.dataclass(frozen=True)
class IndicatorNeurons:
    """Per-neuron (N,) indicator parameters: ΔF/F units and seconds."""

    amplitude: np.ndarray  # mean single-spike peak ΔF/F before saturation
    decay_time_s: np.ndarray
    noise_std: np.ndarray  # shot-noise std per frame at baseline
    sample_phase: np.ndarray  # when in its frame the neuron is sampled, in [0, 1)

    def first(self, count: int) -> "IndicatorNeurons":
        """The first ``count`` neurons."""
        return IndicatorNeurons(**{field.name: getattr(self, field.name)[:count] for field in dataclasses.fields(self)})


def indicator_neurons(parameters: IndicatorParameters, num_neurons: int, rng: np.random.Generator) -> IndicatorNeurons:
    """Draw amplitudes, decay times, single-spike SNRs and scan phases of ``num_neurons`` neurons."""
    p = parameters
    amplitude = p.amplitude * np.exp(p.amplitude_neuron_log_std * rng.standard_normal(num_neurons))
    decay = p.decay_time_s * np.exp(p.decay_log_std * rng.standard_normal(num_neurons))
    snr = np.exp(rng.uniform(*np.log(p.snr_range), num_neurons))
    return IndicatorNeurons(amplitude, decay, amplitude / snr, rng.random(num_neurons))


def kernel_peak(rise_s: float, decay_s: float) -> float:
    """Maximum of ``exp(-u / decay_s) - exp(-u / rise_s)`` over u >= 0."""
    peak_time = rise_s * decay_s / (decay_s - rise_s) * math.log(decay_s / rise_s)
    return math.exp(-peak_time / decay_s) - math.exp(-peak_time / rise_s)


def spike_amplitudes(mean: float, count: int, parameters: IndicatorParameters, rng) -> np.ndarray:
    """(count,) log-normal peak ΔF/F of single spikes with the given mean."""
    log_std = parameters.amplitude_spike_log_std
    return mean * np.exp(log_std * rng.standard_normal(count) - log_std**2 / 2)


def _exponential_at_samples(times, amplitudes, time_constant_s: float, first_s: float, step_s: float,
                            num_samples: int) -> np.ndarray:  # fmt: skip
    """(K,) ``sum_{t_j <= s_k} a_j exp(-(s_k - t_j) / tau)`` at the sample times ``s_k = first_s + k step_s``."""
    first_sample = np.ceil((times - first_s) / step_s).astype(np.int64)
    inside = first_sample < num_samples
    first_sample = first_sample[inside]
    delays = first_s + first_sample * step_s - times[inside]
    impulses = np.bincount(first_sample, amplitudes[inside] * np.exp(-delays / time_constant_s), minlength=num_samples)
    return signal.lfilter([1.0], [1.0, -math.exp(-step_s / time_constant_s)], impulses)


def saturated_dff(times, amplitudes, neurons: IndicatorNeurons, index: int, parameters: IndicatorParameters,
                  num_frames: int, frame_s: float) -> np.ndarray:  # fmt: skip
    """(T,) noise-free, drift-free ΔF/F of neuron ``index`` at its sampling instants.

    Args:
        times: (S,) spike times in s; amplitudes: (S,) their peak ΔF/F before saturation.
    """
    first_s = float(neurons.sample_phase[index]) * frame_s
    decay, rise = float(neurons.decay_time_s[index]), parameters.rise_time_s
    linear = _exponential_at_samples(times, amplitudes, decay, first_s, frame_s, num_frames)
    linear -= _exponential_at_samples(times, amplitudes, rise, first_s, frame_s, num_frames)
    linear /= kernel_peak(rise, decay)
    return linear / (1 + linear / parameters.saturation)


def observed_dff(clean: np.ndarray, noise_std: float, parameters: IndicatorParameters, frame_s: float, rng):
    """(T,) ``clean`` ΔF/F plus baseline drift and shot noise of baseline std ``noise_std``."""
    drift = parameters.drift_std * ornstein_uhlenbeck(len(clean), frame_s, parameters.drift_timescale_s, 1, rng)[:, 0]
    fluorescence = 1 + clean + drift  # F / F0
    return clean + drift + noise_std * np.sqrt(fluorescence) * rng.standard_normal(len(clean))
