"""Spike trains of the ΔF/F surrogate: a cell-typed network with history, shared latents and population bursts.

Spikes live in continuous time (seconds). Each neuron's spike candidates come from two sources:

- a background Poisson process whose rate, constant within a frame, is the neuron's rate times
  ``exp(w_shared x_shared + w_assembly x_assembly - (w_shared^2 + w_assembly^2) / 2)`` for
  unit-variance Ornstein-Uhlenbeck latents ``x`` (mean gain 1);
- population bursts, a Poisson process of onsets shared by all neurons: at each onset a neuron
  places Poisson(mu * size) candidates, each delayed by a gamma (shape 2) time.

The candidates then pass, in time order, through the neuron's spike history: one closer than
the absolute dead time to the last spike is dropped, a later one survives with probability
``1 - exp(-(elapsed - dead) / tau_relative)``, and a surviving candidate of a pyramidal cell
starts a burst with the cell's burst probability (a geometric number of further spikes, each
the dead time plus an exponential interval after the one before). The candidate rate is raised
so that, for a steady rate, these losses and the burst gains leave the neuron's target rate;
rate fluctuations and population bursts crowd candidates together and lose a few more, so
realised rates come out 3-10 % below the targets (most for the fastest interneurons).
"""

import dataclasses
import math

import numpy as np
from scipy import signal

from calciumgan.data.presets import SpikingParameters


@dataclasses.dataclass(frozen=True)
class SpikingNeurons:
    """Per-neuron (N,) parameters of the network; rates in Hz, times in s."""

    interneuron: np.ndarray  # bool
    rate_hz: np.ndarray  # target mean firing rate
    candidate_rate_hz: np.ndarray  # spike candidates per second, bursts' later spikes not counted
    burst_probability: np.ndarray
    absolute_refractory_s: np.ndarray
    relative_refractory_s: np.ndarray
    shared_loading: np.ndarray
    assembly: np.ndarray  # int, -1 for none
    assembly_loading: np.ndarray

    def first(self, count: int) -> "SpikingNeurons":
        """The first ``count`` neurons."""
        return SpikingNeurons(**{field.name: getattr(self, field.name)[:count] for field in dataclasses.fields(self)})


def spiking_neurons(parameters: SpikingParameters, num_neurons: int, rng: np.random.Generator) -> SpikingNeurons:
    """Draw the cell types, rates, burstiness and latent loadings of ``num_neurons`` neurons."""
    p = parameters
    interneuron = np.zeros(num_neurons, dtype=bool)
    interneuron[rng.choice(num_neurons, p.num_interneurons, replace=False)] = True
    rate = np.empty(num_neurons)
    for cells, mean, log_std in ((~interneuron, p.pyramidal_rate_hz, p.pyramidal_rate_log_std),
                                 (interneuron, p.interneuron_rate_hz, p.interneuron_rate_log_std)):  # fmt: skip
        draws = np.exp(log_std * rng.standard_normal(cells.sum()))
        rate[cells] = draws * mean / draws.mean()
    burst_probability = np.where(interneuron, 0.0, rng.beta(*p.burst_probability_beta, num_neurons))
    absolute = np.where(interneuron, p.interneuron_refractory_s[0], p.pyramidal_refractory_s[0])
    relative = np.where(interneuron, p.interneuron_refractory_s[1], p.pyramidal_refractory_s[1])
    shared = np.where(interneuron, p.interneuron_shared_loading, rng.normal(*p.pyramidal_shared_loading, num_neurons))
    assembly = np.full(num_neurons, -1)
    members = rng.permutation(np.flatnonzero(~interneuron))[: p.num_assemblies * p.assembly_size]
    assembly[members] = np.repeat(np.arange(p.num_assemblies), p.assembly_size)
    # Spikes per surviving candidate, and the time after it during which a candidate is (mostly) lost.
    spikes_per_candidate = 1 + burst_probability * p.burst_extra_spikes
    lost_time = absolute + relative + burst_probability * p.burst_extra_spikes * (absolute + p.burst_interval_s)
    surviving_rate = rate / spikes_per_candidate
    if np.any(surviving_rate * lost_time >= 0.5):
        raise ValueError("spiking preset: rates too high for the refractory periods")
    return SpikingNeurons(
        interneuron=interneuron,
        rate_hz=rate,
        candidate_rate_hz=surviving_rate / (1 - surviving_rate * lost_time),
        burst_probability=burst_probability,
        absolute_refractory_s=absolute,
        relative_refractory_s=relative,
        shared_loading=shared,
        assembly=assembly,
        assembly_loading=np.where(assembly >= 0, p.assembly_loading, 0.0),
    )


def ornstein_uhlenbeck(num_steps: int, step_s: float, timescale_s: float, size: int, rng) -> np.ndarray:
    """(num_steps, size) stationary unit-variance OU processes sampled every ``step_s`` seconds."""
    decay = math.exp(-step_s / timescale_s)
    innovations = rng.standard_normal((num_steps, size))
    innovations[1:] *= math.sqrt(1 - decay**2)
    return signal.lfilter([1.0], [1.0, -decay], innovations, axis=0)


def log_gains(neurons: SpikingNeurons, parameters: SpikingParameters, num_frames: int, frame_s: float, rng):
    """(T, N) log of each neuron's rate gain per frame from the shared and assembly latents (mean gain 1)."""
    p = parameters
    shared = ornstein_uhlenbeck(num_frames, frame_s, p.shared_timescale_s, 1, rng)
    assemblies = ornstein_uhlenbeck(num_frames, frame_s, p.assembly_timescale_s, p.num_assemblies, rng)
    own_assembly = assemblies[:, np.maximum(neurons.assembly, 0)]
    variance = neurons.shared_loading**2 + neurons.assembly_loading**2
    return neurons.shared_loading * shared + neurons.assembly_loading * own_assembly - variance / 2


def population_bursts(parameters: SpikingParameters, duration_s: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Onset times (s, sorted) and strengths (mean 1) of the population bursts in ``[0, duration_s)``."""
    count = rng.poisson(parameters.event_rate_hz * duration_s)
    times = np.sort(rng.uniform(0.0, duration_s, count))
    log_std = parameters.event_size_log_std
    return times, np.exp(log_std * rng.standard_normal(count) - log_std**2 / 2)


def neuron_spike_times(neurons: SpikingNeurons, index: int, parameters: SpikingParameters, gains: np.ndarray,
                       bursts: tuple[np.ndarray, np.ndarray], frame_s: float, rng) -> np.ndarray:  # fmt: skip
    """Sorted spike times (s) of neuron ``index``, given its (T,) rate gains per frame and the population bursts."""
    num_frames = len(gains)
    background = (1 - parameters.event_share) * neurons.candidate_rate_hz[index] * gains * frame_s
    counts = rng.poisson(background)
    frames = np.repeat(np.arange(num_frames), counts)
    background_times = (frames + rng.random(len(frames))) * frame_s
    onsets, strengths = bursts
    per_burst = parameters.event_share * neurons.candidate_rate_hz[index] / parameters.event_rate_hz
    burst_counts = rng.poisson(per_burst * strengths)
    delays = rng.gamma(2.0, parameters.event_delay_s / 2, burst_counts.sum())
    candidates = np.sort(np.concatenate([background_times, np.repeat(onsets, burst_counts) + delays]))
    spikes = _apply_history(candidates, neurons, index, parameters, rng)
    return spikes[spikes < num_frames * frame_s]


def _apply_history(candidates: np.ndarray, neurons: SpikingNeurons, index: int, parameters: SpikingParameters, rng):
    """Spike times from sorted candidates: dead time, relative recovery and bursts (module docstring)."""
    dead = float(neurons.absolute_refractory_s[index])
    recovery = float(neurons.relative_refractory_s[index])
    survival_draws = rng.random(len(candidates)).tolist()
    starts_burst = rng.random(len(candidates)) < neurons.burst_probability[index]
    extra = np.where(starts_burst, rng.geometric(1 / parameters.burst_extra_spikes, len(candidates)), 0)
    intervals = iter((dead + rng.exponential(parameters.burst_interval_s, extra.sum())).tolist())
    spikes, last = [], -math.inf
    for candidate, draw, count in zip(candidates.tolist(), survival_draws, extra.tolist(), strict=True):
        if draw >= -math.expm1(-(candidate - last - dead) / recovery):  # negative within the dead time: dropped
            continue
        spikes.append(candidate)
        for _ in range(count):
            spikes.append(spikes[-1] + next(intervals))
        last = spikes[-1]
    return np.array(spikes)


def frame_counts(spike_times: list, num_frames: int, frame_s: float) -> np.ndarray:
    """(T, N) spike counts per frame from N arrays of spike times in seconds."""
    counts = np.zeros((num_frames, len(spike_times)))
    for neuron, times in enumerate(spike_times):
        counts[:, neuron] = np.bincount((times / frame_s).astype(np.int64), minlength=num_frames)[:num_frames]
    return counts
