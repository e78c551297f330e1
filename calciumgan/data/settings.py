"""The ``data`` section of an experiment config: where the recording comes from and how it is cut into windows.

The keys that say how a Suite2p folder or an NWB file is read carry the names of
:class:`calciumgan.data.readers.ReaderSettings` (and of ``calciumgan.prepare``'s flags) and
take its defaults.
"""

import dataclasses

from calciumgan.core.config import setting
from calciumgan.data.presets import DFF_PRESETS, PRESETS
from calciumgan.data.presets import NUM_NEURONS as SURROGATE_NEURONS
from calciumgan.data.readers import ReaderSettings
from calciumgan.data.suite2p import TRACES

_READER = ReaderSettings()
SURROGATE_KEYS = ("preset", "num_frames", "num_neurons", "surrogate_seed")  # of the built-in recordings
FILE_KEYS = ("path", "neuropil_coefficient", "cells_only", "suite2p_spikes", "trace", "baseline_percentile",
             "baseline_window_s", "nwb_series")  # of a recording file (the last seven: Suite2p folders and NWB files)


@dataclasses.dataclass(frozen=True)
class DataConfig:
    """Where the recording comes from and how it is cut into windows."""

    source: str = setting("surrogate", choices=("surrogate", "file"))  # built-in ground truth or a file
    preset: str = setting("day4", choices=(*PRESETS, *DFF_PRESETS))  # surrogate: dichotomized Gaussian or ΔF/F
    # when source is "file": a recording (.npz / .h5), a Suite2p plane folder (or a suite2p folder with one
    # plane) or an NWB file (its ophys RoiResponseSeries)
    path: str | None = None
    num_frames: int | None = setting(None, minimum=1)  # surrogate length; None keeps the preset's
    num_neurons: int | None = setting(None, minimum=1, maximum=SURROGATE_NEURONS)  # surrogate: the first n neurons
    surrogate_seed: int = setting(0, minimum=0)
    window: int = setting(2048, minimum=1)  # frames per training example
    stride: int = setting(2, minimum=1)  # frames between consecutive window starts
    validation_fraction: float = setting(0.2, above=0, below=1)  # last contiguous block of time held out
    scaling: str = setting("global", choices=("global", "per_neuron"))  # min-max over all neurons or each
    # Suite2p folders (calciumgan.data.suite2p): traces from F - c * Fneu with a running-percentile baseline F0
    neuropil_coefficient: float = setting(_READER.neuropil_coefficient, minimum=0)  # c
    cells_only: bool = _READER.cells_only  # only the ROIs iscell.npy labels cells; False: every ROI
    suite2p_spikes: bool = _READER.suite2p_spikes  # spks.npy as ground-truth spikes (deconvolved, not counts)
    trace: str = setting(_READER.trace, choices=TRACES)  # (F - F0) / F0, F - F0, or F - c * Fneu
    baseline_percentile: float = setting(_READER.baseline_percentile, minimum=0, maximum=100)  # F0's percentile
    baseline_window_s: float = setting(_READER.baseline_window_s, above=0)  # F0's running window, seconds
    # NWB files: the RoiResponseSeries, "<container>/<series>" or "<series>"; None: the first by name
    nwb_series: str | None = None

    def __post_init__(self):
        for name in self.inapplicable():  # what the source ignores takes its default, so equal runs compare equal
            object.__setattr__(self, name, self.__dataclass_fields__[name].default)

    def inapplicable(self) -> tuple[str, ...]:
        """The keys this source ignores (left out of a run's saved config): a file's for the surrogate, the
        surrogate's for a file."""
        return FILE_KEYS if self.source == "surrogate" else SURROGATE_KEYS

    def check(self) -> None:
        """Faults that involve several keys of the section; ``ValueError`` naming them."""
        if self.source == "file" and not self.path:
            raise ValueError("'data.path' is required when data.source is 'file'")

    def reader_settings(self) -> ReaderSettings:
        """How ``path`` is read when it is a Suite2p folder or an NWB file: the reader's keys of this section."""
        names = {field.name for field in dataclasses.fields(ReaderSettings)} & set(self.__dataclass_fields__)
        return ReaderSettings(**{name: getattr(self, name) for name in names})
