"""Read a Suite2p plane folder (``suite2p/plane0/``) as ΔF/F traces of its cells.

The files, as Suite2p writes them (``pipeline_s2p.py`` and ``run_s2p.py`` of MouseLand/suite2p,
versions 0.x and 1.x):

============== ====== ==================================================================
``F.npy``      (N, T) fluorescence of each ROI (float32)
``Fneu.npy``   (N, T) neuropil fluorescence around each ROI (float32)
``iscell.npy`` (N, 2) column 0: 1 for a cell, 0 otherwise; column 1: the classifier's probability
``spks.npy``   (N, T) optional: OASIS's deconvolved activity (amplitudes, not spike counts)
``ops.npy``    a pickled dict of settings and outputs; ``fs`` is the frame rate per plane (Hz)
============== ====== ==================================================================

Suite2p >= 1.0 writes ``ops.npy`` only with ``settings["io"]["save_ops_orig"]`` (the default)
and always writes ``settings.npy``, a pickled dict with the same top-level ``fs``; its
``db.npy`` holds no rate. The rate is read from ``ops.npy``, else from ``settings.npy``,
and where neither gives ``fs`` it is ``sampling_rate`` (``--sampling-rate``), which such
folders then need.
These two are the only files the package loads with pickling: pickles can run code, so
read only Suite2p folders you trust.

Traces (each ROI alone, in float64):

- corrected fluorescence ``Fc = F - c * Fneu``, ``c`` the neuropil coefficient (Suite2p's own
  default, ``neucoeff`` / ``neuropil_coefficient``, is 0.7);
- baseline ``F0``: the running ``p``-th percentile of ``Fc`` over a window of ``w`` seconds
  (``round(w * fs)`` frames, centred; beyond the ends the edge frame repeats:
  ``scipy.ndimage.percentile_filter`` with mode "nearest"). Defaults ``p`` = 8, ``w`` = 60 s,
  Suite2p's ``prctile_baseline`` and ``win_baseline``;
- ``trace``: "dff" ``(Fc - F0) / F0``, "delta_f" ``Fc - F0``, or "raw" ``Fc``.

``spks.npy`` becomes ``Recording.spikes`` only when asked for: the package treats that field as
ground-truth spike counts (the evaluation scores its spike inference against it), and
Suite2p's deconvolved amplitudes are neither counts nor ground truth.
"""

import logging
import pathlib
import re

import numpy as np
from scipy.ndimage import percentile_filter

from calciumgan.core.errors import RecordingError
from calciumgan.core.values import check_real_numbers, checked_sampling_rate
from calciumgan.data.recording import Recording

logger = logging.getLogger(__name__)

TRACES = ("dff", "delta_f", "raw")
NEUROPIL_COEFFICIENT = 0.7
BASELINE_PERCENTILE = 8.0
BASELINE_WINDOW_S = 60.0
RATE_FILES = ("ops.npy", "settings.npy")  # pickled dicts holding 'fs', in the order they are tried


def read_suite2p(folder, *, neuropil_coefficient: float = NEUROPIL_COEFFICIENT, cells_only: bool = True,
                 suite2p_spikes: bool = False, trace: str = "dff", baseline_percentile: float = BASELINE_PERCENTILE,
                 baseline_window_s: float = BASELINE_WINDOW_S,
                 sampling_rate: float | None = None) -> Recording:  # fmt: skip
    """The (T, N) traces of a Suite2p plane folder's cells (every ROI unless ``cells_only``).

    ``folder``: a ``plane<k>`` folder, or a ``suite2p`` folder holding exactly one. Neuron ids
    are the ROIs' row numbers in ``F.npy``. The arguments are described in the module docstring.
    """
    plane = plane_folder(folder)
    _check_files(plane, cells_only, suite2p_spikes, rate_given=sampling_rate is not None)
    fluorescence = _load_matrix(plane, "F.npy")
    neuropil = _load_matrix(plane, "Fneu.npy", fluorescence.shape)
    rois = _kept_rois(plane, len(fluorescence)) if cells_only else np.arange(len(fluorescence))
    rate = suite2p_frame_rate(plane, sampling_rate)
    window = max(1, round(baseline_window_s * rate))
    signals = np.empty((fluorescence.shape[1], len(rois)), np.float32)
    for column, roi in enumerate(rois):
        corrected = fluorescence[roi].astype(np.float64) - neuropil_coefficient * neuropil[roi]
        signals[:, column] = _trace(corrected, trace, baseline_percentile, window, plane, roi, neuropil_coefficient)
    spikes = _load_matrix(plane, "spks.npy", fluorescence.shape)[rois].T if suite2p_spikes else None
    logger.info("%s: %d of %d ROIs (%s) at %g Hz as %s", plane, len(rois), len(fluorescence),
                "cells" if cells_only else "all", rate, trace)  # fmt: skip
    return Recording(signals, rate, spikes=spikes, neuron_ids=rois, source=str(plane))


def plane_folder(folder) -> pathlib.Path:
    """``folder`` if it holds ``F.npy``; else its only ``plane<k>`` subfolder; a one-line error for several."""
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise RecordingError(f"{folder}: no such folder")
    if (folder / "F.npy").exists():
        return folder
    planes = sorted((path for path in folder.iterdir() if path.is_dir() and re.fullmatch(r"plane\d+", path.name)),
                    key=lambda path: int(path.name[5:]))  # fmt: skip
    if len(planes) > 1:
        names = ", ".join(path.name for path in planes)
        raise RecordingError(f"{folder}: holds {len(planes)} Suite2p planes ({names}); give one plane folder, "
                             f"e.g. {planes[0]}")  # fmt: skip
    return planes[0] if planes else folder


def suite2p_frame_rate(plane, fallback: float | None = None) -> float:
    """The frame rate (Hz) ``fs`` of the plane's ``ops.npy``, else of its ``settings.npy``; ``fallback``
    (Hz, e.g. ``--sampling-rate``) where neither file gives one."""
    plane = pathlib.Path(plane)
    path = next((plane / name for name in RATE_FILES if (plane / name).is_file()), None)
    if path is None:
        if fallback is not None:
            return fallback
        raise RecordingError(f"{plane}: no {' or '.join(RATE_FILES)} to read the frame rate 'fs' from; "
                             "give it with --sampling-rate")  # fmt: skip
    try:
        settings = np.load(path, allow_pickle=True).item()  # Suite2p's own pickled dict (module docstring)
    except Exception as error:  # numpy and pickle raise many kinds for a foreign file
        raise RecordingError(f"{path}: not a Suite2p settings file ({type(error).__name__}: {error})") from None
    if not isinstance(settings, dict):
        raise RecordingError(f"{path}: holds a {type(settings).__name__}, expected Suite2p's dict of settings")
    if "fs" not in settings:
        if fallback is not None:
            return fallback
        raise RecordingError(f"{path}: no key 'fs' (the frame rate in Hz); give it with --sampling-rate")
    try:
        return checked_sampling_rate(settings["fs"], str(path))
    except RecordingError:
        raise RecordingError(f"{path}: 'fs' must be a positive number of Hz, got {settings['fs']!r}") from None


def running_baseline(trace: np.ndarray, percentile: float, window: int) -> np.ndarray:
    """(T,) running ``percentile`` of (T,) ``trace`` over ``window`` centred frames (edge frames repeat)."""
    return percentile_filter(trace, percentile, size=window, mode="nearest")


def _trace(corrected: np.ndarray, kind: str, percentile: float, window: int, plane: pathlib.Path, roi: int,
           coefficient: float) -> np.ndarray:  # fmt: skip
    """(T,) float64 trace ``kind`` of one ROI's corrected fluorescence (module docstring)."""
    if kind == "raw":
        return corrected
    baseline = running_baseline(corrected, percentile, window)
    if kind == "delta_f":
        return corrected - baseline
    if not baseline.min() > 0:
        raise RecordingError(f"{plane}: ROI {roi} has a baseline F0 <= 0 (minimum {baseline.min():.4g}) after "
                             f"subtracting {coefficient:g} x Fneu, so ΔF/F is undefined; use a smaller neuropil "
                             "coefficient or the trace 'delta_f' (data.neuropil_coefficient, data.trace; "
                             "--neuropil-coefficient, --trace)")  # fmt: skip
    return (corrected - baseline) / baseline


def _check_files(plane: pathlib.Path, cells_only: bool, suite2p_spikes: bool, rate_given: bool) -> None:
    """A one-line error naming every file the reading needs that the folder lacks (no rate file when
    ``rate_given``)."""
    needed = ["F.npy", "Fneu.npy"] + ["iscell.npy"] * cells_only + ["spks.npy"] * suite2p_spikes
    missing = [name for name in needed if not (plane / name).is_file()]
    if not rate_given and not any((plane / name).is_file() for name in RATE_FILES):
        missing.append(" or ".join(RATE_FILES))
    if missing:
        raise RecordingError(f"{plane}: not a Suite2p plane folder (missing {', '.join(missing)})")


def _load_matrix(plane: pathlib.Path, name: str, shape: tuple | None = None, layout: str = "(ROIs, frames)"):
    """The 2-D array ``name`` (memory-mapped, no pickles): of ``shape`` (that of ``F.npy``) when given."""
    path = plane / name
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError) as error:
        raise RecordingError(f"{path}: not a plain .npy array ({error})") from None
    check_real_numbers(array.dtype, name, str(plane))
    if shape is not None and array.shape != shape:
        raise RecordingError(f"{path}: shape {array.shape}, but F.npy has {shape}")
    if array.ndim != 2 or 0 in array.shape:
        raise RecordingError(f"{path}: shape {array.shape}, expected {layout}, neither empty")
    return array


def _kept_rois(plane: pathlib.Path, count: int) -> np.ndarray:
    """(K,) int64 indices of the ROIs ``iscell.npy`` labels cells (column 0)."""
    labels = _load_matrix(plane, "iscell.npy", layout="(ROIs, 2)")
    if labels.shape != (count, 2):
        raise RecordingError(f"{plane / 'iscell.npy'}: shape {labels.shape}, expected ({count}, 2) for the {count} "
                             "ROIs of F.npy")  # fmt: skip
    rois = np.flatnonzero(labels[:, 0] != 0)
    if not len(rois):
        raise RecordingError(f"{plane / 'iscell.npy'}: none of the {count} ROIs is labelled a cell (column 0); "
                             "label cells in Suite2p's GUI or read every ROI (data.cells_only false, "
                             "--no-cells-only)")  # fmt: skip
    return rois
