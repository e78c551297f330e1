"""The surrogate presets: the numbers behind the built-in ground-truth recordings.

``PRESETS`` are dichotomized-Gaussian surrogates (``calciumgan.data.surrogate``, below);
``DFF_PRESETS`` are spiking-network ΔF/F surrogates (``calciumgan.data.dff_surrogate``, whose
docstring gives the reasons and references for their numbers).

Presets ``"day1"`` and ``"day4"`` mimic the two recordings of Table 4.2 of the thesis
(N = 102 neurons at 24 Hz). Each is a latent model built from a seed; how the numbers were
chosen:

- Length: day 4 keeps the thesis's raw shape, 21556 frames (898.45 s); day 1 is
  round(894.73 s x 24 Hz) = 21474 frames.
- Firing rates: the table's "Avg. firing rate" (58.07 Hz on day 1, 35.83 Hz on day 4) cannot
  be a per-neuron rate at 24 frames/s with at most one spike per frame, so it is read as the
  population rate summed over 102 neurons: mean per-neuron rates 58.07 / 102 = 0.569 Hz and
  35.83 / 102 = 0.351 Hz (spike probabilities 0.0237 and 0.0146 per frame). Rates across
  neurons are log-normal (log standard deviation 1, so the most active of 102 neurons fires
  about 7 times the mean), rescaled so that their mean is exactly the stated one.
- Correlations: latent ``z = W f + noise`` with unit variances, so ``Lambda = W W^T`` off the
  diagonal and positive semi-definite by construction. ``W`` has a weak positive factor shared
  by all neurons (most pairs weakly correlated), a few disjoint assemblies of co-active neurons
  with loadings drawn from U(0.5, 0.85) (latent correlations up to about 0.8), one opponent
  factor loading +0.6 on three neurons and -0.6 on three others (latent correlations near
  -0.3), and four weak random factors (loading standard deviation 0.08) that spread the
  remaining pairs around their mean. Day 4 (trained animal) has the stronger shared factor
  (0.3 against 0.2, a baseline latent correlation of 0.09 against 0.04) and more, larger
  assemblies (6 of 8 neurons against 4 of 6), as the thesis (Sec. 4.3.5) describes day 1 as
  more active and less correlated. The resulting spike (binary) correlations have medians of
  about 0.005 (day 1) and 0.007 (day 4) and reach about 0.34 within assemblies.
"""

import dataclasses

SAMPLING_RATE_HZ = 24.0
NUM_NEURONS = 102


@dataclasses.dataclass(frozen=True)
class SurrogatePreset:
    """How a preset's latent model is built (rates in Hz, loadings are latent-scale weights)."""

    num_frames: int
    mean_rate_hz: float
    rate_log_std: float
    shared_loading: float
    num_assemblies: int
    assembly_size: int
    assembly_loading_range: tuple[float, float]
    opponent_group_size: int
    opponent_loading: float
    num_background_factors: int
    background_loading_std: float
    seed: int


PRESETS = {
    "day1": SurrogatePreset(
        num_frames=21474,
        mean_rate_hz=58.07 / NUM_NEURONS,
        rate_log_std=1.0,
        shared_loading=0.2,
        num_assemblies=4,
        assembly_size=6,
        assembly_loading_range=(0.5, 0.85),
        opponent_group_size=3,
        opponent_loading=0.6,
        num_background_factors=4,
        background_loading_std=0.08,
        seed=1,
    ),
    "day4": SurrogatePreset(
        num_frames=21556,
        mean_rate_hz=35.83 / NUM_NEURONS,
        rate_log_std=1.0,
        shared_loading=0.3,
        num_assemblies=6,
        assembly_size=8,
        assembly_loading_range=(0.5, 0.85),
        opponent_group_size=3,
        opponent_loading=0.6,
        num_background_factors=4,
        background_loading_std=0.08,
        seed=4,
    ),
}


@dataclasses.dataclass(frozen=True)
class SpikingParameters:
    """The spiking network of a ΔF/F preset: rates in Hz, times in s, loadings in log-rate units.

    Refractory pairs are (absolute dead time, time constant of the relative recovery).
    """

    num_interneurons: int
    pyramidal_rate_hz: float  # mean over pyramidal cells
    pyramidal_rate_log_std: float
    interneuron_rate_hz: float  # mean over interneurons
    interneuron_rate_log_std: float
    pyramidal_refractory_s: tuple[float, float]
    interneuron_refractory_s: tuple[float, float]
    burst_probability_beta: tuple[float, float]  # pyramidal cells: Beta(a, b) chance that a spike starts a burst
    burst_extra_spikes: float  # mean spikes after a burst's first (geometric, at least one)
    burst_interval_s: float  # mean intra-burst interval beyond the absolute dead time (exponential)
    shared_timescale_s: float  # the one slow latent every neuron follows
    pyramidal_shared_loading: tuple[float, float]  # mean and standard deviation over pyramidal cells
    interneuron_shared_loading: float
    num_assemblies: int  # disjoint groups of pyramidal cells, each with its own latent
    assembly_size: int
    assembly_timescale_s: float
    assembly_loading: float
    event_rate_hz: float  # population bursts per second
    event_share: float  # fraction of each neuron's spike candidates that population bursts place
    event_size_log_std: float  # log-normal spread of a burst's strength (mean 1)
    event_delay_s: float  # mean delay of a spike after its burst's onset (gamma, shape 2)


@dataclasses.dataclass(frozen=True)
class IndicatorParameters:
    """GCaMP-like ΔF/F: amplitudes in ΔF/F units (1 = 100 %), times in s."""

    rise_time_s: float  # time constant of the rise of the double-exponential kernel
    decay_time_s: float  # median decay time constant over neurons
    decay_log_std: float
    amplitude: float  # median over neurons of the mean single-spike peak, before saturation
    amplitude_neuron_log_std: float
    amplitude_spike_log_std: float  # spike-to-spike variability within a neuron
    saturation: float  # kappa of f(c) = c / (1 + c / kappa): the linear ΔF/F whose response is halved
    snr_range: tuple[float, float]  # single-spike amplitude / baseline noise std per frame, log-uniform
    drift_std: float  # baseline drift (Ornstein-Uhlenbeck), ΔF/F units
    drift_timescale_s: float


@dataclasses.dataclass(frozen=True)
class DffPreset:
    """A spiking-network ΔF/F surrogate (``calciumgan.data.dff_surrogate``) at 24 Hz.

    ``seed`` draws the neurons' parameters; the ground truth is estimated from an independent
    simulation of ``truth_frames`` frames with ``truth_seed``.
    """

    num_frames: int
    spiking: SpikingParameters
    indicator: IndicatorParameters
    seed: int
    truth_frames: int
    truth_seed: int


DFF_PRESETS = {
    "dff_day4": DffPreset(
        num_frames=21556,
        spiking=SpikingParameters(
            num_interneurons=12,
            pyramidal_rate_hz=0.6,
            pyramidal_rate_log_std=1.0,
            interneuron_rate_hz=4.0,
            interneuron_rate_log_std=0.5,
            pyramidal_refractory_s=(0.002, 0.02),
            interneuron_refractory_s=(0.001, 0.005),
            burst_probability_beta=(2.0, 4.0),
            burst_extra_spikes=1.5,
            burst_interval_s=0.004,
            shared_timescale_s=5.0,
            pyramidal_shared_loading=(0.4, 0.15),
            interneuron_shared_loading=0.6,
            num_assemblies=4,
            assembly_size=8,
            assembly_timescale_s=1.0,
            assembly_loading=0.8,
            event_rate_hz=0.1,
            event_share=0.15,
            event_size_log_std=0.5,
            event_delay_s=0.04,
        ),
        indicator=IndicatorParameters(
            rise_time_s=0.02,
            decay_time_s=0.4,
            decay_log_std=0.2,
            amplitude=0.18,
            amplitude_neuron_log_std=0.25,
            amplitude_spike_log_std=0.3,
            saturation=3.0,
            snr_range=(2.0, 5.0),
            drift_std=0.03,
            drift_timescale_s=120.0,
        ),
        seed=40,
        truth_frames=8 * 21556,
        truth_seed=4004,
    ),
}
