"""One entry point for every recording a user gives: a file of the package's layout, a Suite2p folder, an NWB file.

======================= ============================================ =========================
path                    read by                                      settings that apply
======================= ============================================ =========================
a folder                ``calciumgan.data.suite2p.read_suite2p``     all but ``nwb_series``
``.nwb``                ``calciumgan.data.nwb.read_nwb``             ``nwb_series``
``.npz``, ``.h5/.hdf5`` ``calciumgan.data.recording.load_recording`` none
======================= ============================================ =========================
"""

import dataclasses
import pathlib

from calciumgan.core.errors import RecordingError
from calciumgan.core.files import HDF5_SUFFIXES
from calciumgan.data.recording import Recording, load_recording
from calciumgan.data.suite2p import BASELINE_PERCENTILE, BASELINE_WINDOW_S, NEUROPIL_COEFFICIENT, read_suite2p

RECORDING_SUFFIXES = (".npz", *HDF5_SUFFIXES)


@dataclasses.dataclass(frozen=True)
class ReaderSettings:
    """How Suite2p folders and NWB files become traces (``calciumgan.data.suite2p``, ``calciumgan.data.nwb``).

    Attributes:
        neuropil_coefficient: c of the corrected fluorescence F - c * Fneu (Suite2p).
        cells_only: keep only the ROIs ``iscell.npy`` labels cells (Suite2p).
        suite2p_spikes: Suite2p's deconvolved ``spks.npy`` as ``Recording.spikes`` (see the suite2p module).
        trace: "dff" (F - F0) / F0, "delta_f" F - F0 or "raw" corrected F (Suite2p).
        baseline_percentile: percentile of the running baseline F0 (Suite2p).
        baseline_window_s: seconds of the running baseline's window (Suite2p).
        nwb_series: the RoiResponseSeries to read, "<container>/<series>" or "<series>"; None: the first (NWB).
        sampling_rate: the frame rate (Hz) of a Suite2p folder whose ``ops.npy`` gives none; None: required there.
    """

    neuropil_coefficient: float = NEUROPIL_COEFFICIENT
    cells_only: bool = True
    suite2p_spikes: bool = False
    trace: str = "dff"
    baseline_percentile: float = BASELINE_PERCENTILE
    baseline_window_s: float = BASELINE_WINDOW_S
    nwb_series: str | None = None
    sampling_rate: float | None = None


def source_kind(path) -> str:
    """What ``path`` holds: "suite2p" for a folder, "nwb" for a ``.nwb`` path, "recording" for anything else."""
    path = pathlib.Path(path)
    return "suite2p" if path.is_dir() else "nwb" if path.suffix == ".nwb" else "recording"


def read_recording(path, settings: ReaderSettings = ReaderSettings()) -> Recording:
    """The recording at ``path`` (a file or a Suite2p folder; module docstring)."""
    path = pathlib.Path(path)
    if not path.exists():
        raise RecordingError(f"{path}: no such file or folder")
    kind = source_kind(path)
    if kind == "suite2p":
        return read_suite2p(path, neuropil_coefficient=settings.neuropil_coefficient, cells_only=settings.cells_only,
                            suite2p_spikes=settings.suite2p_spikes, trace=settings.trace,
                            baseline_percentile=settings.baseline_percentile,
                            baseline_window_s=settings.baseline_window_s,
                            sampling_rate=settings.sampling_rate)  # fmt: skip
    if kind == "nwb":
        from calciumgan.data.nwb import read_nwb  # pynwb loads only for NWB files

        return read_nwb(path, settings.nwb_series)
    if path.suffix not in RECORDING_SUFFIXES:
        raise RecordingError(f"{path}: unknown format '{path.suffix}', expected .npz, .h5, .hdf5, .nwb or a Suite2p "
                             "plane folder")  # fmt: skip
    return load_recording(path)
