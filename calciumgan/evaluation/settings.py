"""The ``evaluate`` section of an experiment config: spike inference, statistics and divergences.

Defaults come from the evaluation modules, so a value is written in one place only.
:meth:`EvaluateConfig.resolved` is where the spike-inference mode "auto" is decided.
"""

import dataclasses

from calciumgan.core.config import setting
from calciumgan.data.presets import PRESETS as DG_PRESETS
from calciumgan.evaluation.divergence import DEFAULT_BINS, DEFAULT_PSEUDO_COUNT
from calciumgan.evaluation.inference import MODES, SpikeInferenceSettings
from calciumgan.evaluation.pairs import DEFAULT_MAX_PAIRS
from calciumgan.evaluation.statistics import DEFAULT_CORRELATION_BIN_WIDTH, DEFAULT_VAN_ROSSUM_TIME_CONSTANT

_SPIKES = SpikeInferenceSettings()


@dataclasses.dataclass(frozen=True)
class EvaluateConfig:
    """Spike inference, statistics and divergences of the evaluation (thesis §3.2, §4.3.1)."""

    num_samples: int = setting(1000, minimum=1)  # held-out real windows and synthetic samples compared
    sample_seed: int = setting(1, minimum=0)  # seed of the synthetic samples' noise and the baselines
    truncation: float | None = setting(None, above=0)  # redraw noise components beyond +-T (BigGAN); None: off
    # "auto": "fixed" for the dichotomized-Gaussian surrogates (the thesis's units), "calibrated" otherwise
    spike_inference: str = setting("auto", choices=("auto", *MODES))
    decay: float = setting(_SPIKES.decay, above=0, below=1)  # AR(1) coefficient g of the fixed mode
    min_spike: float = setting(_SPIKES.min_spike, minimum=0)  # OASIS s_min of the fixed mode
    threshold: float = setting(_SPIKES.threshold, minimum=0)  # spike where the event exceeds it (fixed)
    correlation_bin_width: float = setting(DEFAULT_CORRELATION_BIN_WIDTH, above=0)  # seconds
    van_rossum_time_constant: float = setting(DEFAULT_VAN_ROSSUM_TIME_CONSTANT, above=0)  # seconds
    # pairs of neurons the correlation and van Rossum distributions use: all up to it, a fixed sample beyond
    max_pairs: int = setting(DEFAULT_MAX_PAIRS, minimum=1)
    kl_bins: int = setting(DEFAULT_BINS, minimum=1)
    kl_pseudo_count: float = setting(DEFAULT_PSEUDO_COUNT, minimum=0)  # added to every histogram bin
    # baselines' spikes become traces through the calcium model fitted on the training block and are
    # inferred like every other set; False keeps the thesis's spikes-only rows
    baseline_traces: bool = True
    heatmap_samples: int = setting(50, minimum=1)  # samples per side of the van Rossum heatmaps (Fig. 4.6c)
    # spike-inference processes and spike-statistics threads; None: one per core
    workers: int | None = setting(None, minimum=1)
    # address of a Dask distributed scheduler (e.g. "tcp://10.0.0.5:8786"): spike inference and the spike
    # statistics run as its tasks (pip install 'calciumgan[distributed]'); None: processes on this machine
    scheduler: str | None = None
    progress: bool = True  # spike inference's progress lines on stderr (off in the notebooks)

    def resolved(self, source: str) -> "EvaluateConfig":
        """These settings with spike_inference "auto" decided for a recording's ``source`` (``Recording.source``):
        the thesis's fixed rule on its dichotomized-Gaussian surrogates (whose units it was set for),
        calibrated on everything else (ΔF/F, recordings, files)."""
        if self.spike_inference != "auto":
            return self
        mode = "fixed" if source in {f"surrogate:{preset}" for preset in DG_PRESETS} else "calibrated"
        return dataclasses.replace(self, spike_inference=mode)

    def spike_settings(self, mode: str | None = None, calibration=None) -> SpikeInferenceSettings:
        """The OASIS settings these values name, in ``mode`` (default: the configured mode, resolved)."""
        mode = mode or self.spike_inference
        if mode == "auto":
            raise ValueError("resolve spike_inference 'auto' to a mode first (EvaluateConfig.resolved)")
        return SpikeInferenceSettings(mode=mode, decay=self.decay, min_spike=self.min_spike, threshold=self.threshold,
                                      calibration=calibration)  # fmt: skip
