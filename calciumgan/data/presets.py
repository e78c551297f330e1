"""The surrogate presets: the numbers behind the built-in ground-truth recordings.

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
