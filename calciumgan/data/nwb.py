"""Read calcium traces from an NWB file's optical physiology with pynwb.

Where the NWB core schema keeps them: the processing module ``ophys`` holds ``Fluorescence``
and ``DfOverF`` containers (any names), each holding ``RoiResponseSeries`` (any names) with

- ``data`` (T, N), or (T,) for one ROI; the values in ``unit`` are ``data * conversion + offset``;
- a frame rate ``rate`` (Hz), or one ``timestamps`` entry per frame (s);
- ``rois``: a region of a ``PlaneSegmentation`` table; its rows' ids are the neuron ids.

A series is named ``"<container>/<series>"`` (e.g. ``"Fluorescence/RoiResponseSeries"``) or by
its own name alone where that is unique in the module. Traces are read as stored: ΔF/F from a
``DfOverF`` series, fluorescence from a ``Fluorescence`` one.
"""

import logging
import pathlib

import numpy as np
from pynwb.ophys import DfOverF, Fluorescence

from calciumgan.core.errors import RecordingError
from calciumgan.core.nwb import open_nwb
from calciumgan.core.values import check_real_numbers, checked_sampling_rate
from calciumgan.data.recording import Recording

logger = logging.getLogger(__name__)

MODULE = "ophys"
CONTAINER_TYPES = (Fluorescence, DfOverF)
TIMESTAMP_TOLERANCE = 0.01  # largest deviation of a frame interval from the mean, as a fraction of it


def read_nwb(path, series: str | None = None) -> Recording:
    """The (T, N) traces of one ``RoiResponseSeries`` of ``path``: the one named ``series``, else the
    first of the sorted names (module docstring)."""
    path = pathlib.Path(path)
    with open_nwb(path) as nwbfile:
        available = roi_response_series(nwbfile, path)
        name = _chosen_name(available, series, path)
        chosen = available[name]
        where = f"{path}: series '{name}'"
        signals = _values(chosen, where)
        ids = _roi_ids(chosen, signals.shape[1], where)
        rate = _frame_rate(chosen, len(signals), where)
    logger.info("%s: read series '%s' (found: %s), %d ROIs at %g Hz, unit %s", path, name,
                ", ".join(sorted(available)), signals.shape[1], rate, chosen.unit)  # fmt: skip
    return Recording(signals, rate, neuron_ids=ids, source=f"{path}:{name}")


def roi_response_series(nwbfile, path: pathlib.Path) -> dict:
    """``"<container>/<series>"`` -> RoiResponseSeries of every Fluorescence and DfOverF container in ``ophys``."""
    module = nwbfile.processing.get(MODULE)
    if module is None:
        raise RecordingError(f"{path}: no processing module '{MODULE}' (processing modules: "
                             f"{', '.join(nwbfile.processing) or 'none'}; acquisition: "
                             f"{', '.join(nwbfile.acquisition) or 'none'})")  # fmt: skip
    found = {f"{container_name}/{series_name}": series
             for container_name, container in module.data_interfaces.items() if isinstance(container, CONTAINER_TYPES)
             for series_name, series in container.roi_response_series.items()}  # fmt: skip
    if not found:
        held = ", ".join(f"{type(item).__name__} '{name}'" for name, item in module.data_interfaces.items())
        raise RecordingError(f"{path}: processing module '{MODULE}' holds no RoiResponseSeries in a Fluorescence or "
                             f"DfOverF container (it holds: {held or 'nothing'})")  # fmt: skip
    return found


def _chosen_name(available: dict, wanted: str | None, path: pathlib.Path) -> str:
    """The key of ``available`` that ``wanted`` names (a full name, or a unique series name); default the first."""
    names = sorted(available)
    if wanted is None:
        return names[0]
    matches = [name for name in names if wanted in (name, name.split("/", 1)[1])]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise RecordingError(f"{path}: {len(matches)} series are named '{wanted}' ({', '.join(matches)}); "
                             "give '<container>/<series>'")  # fmt: skip
    raise RecordingError(f"{path}: no RoiResponseSeries '{wanted}' (available: {', '.join(names)})")


def _values(series, where: str) -> np.ndarray:
    """(T, N) values in the series' unit: float64 after a conversion or offset, else as stored.

    pynwb refuses data of other than 1 or 2 dimensions when it reads the file (``open_nwb``).
    """
    check_real_numbers(np.dtype(series.data.dtype), "data", where)
    values = np.asarray(series.data[()])
    values = values[:, None] if values.ndim == 1 else values
    conversion, offset = float(series.conversion), float(getattr(series, "offset", 0.0) or 0.0)
    if conversion == 1.0 and offset == 0.0:
        return values
    return values.astype(np.float64) * conversion + offset


def _frame_rate(series, frames: int, where: str) -> float:
    """Frames per second: the series' ``rate``, else the mean rate of evenly spaced ``timestamps``."""
    if series.rate is not None:
        return checked_sampling_rate(series.rate, where)
    timestamps = np.asarray(series.timestamps[()], np.float64)
    if timestamps.shape != (frames,) or frames < 2:
        raise RecordingError(f"{where}: {timestamps.size} timestamps for {frames} frames; need one per frame, "
                             "at least 2")  # fmt: skip
    spacing = (timestamps[-1] - timestamps[0]) / (frames - 1)
    deviation = np.abs(np.diff(timestamps) - spacing).max()
    if not (spacing > 0 and deviation <= TIMESTAMP_TOLERANCE * spacing):
        raise RecordingError(f"{where}: irregular timestamps (a frame interval deviates by {deviation:.4g} s from the "
                             f"mean interval {spacing:.4g} s, more than {TIMESTAMP_TOLERANCE:.0%}); expected evenly "
                             "spaced frames")  # fmt: skip
    return float(1.0 / spacing)


def _roi_ids(series, count: int, where: str) -> np.ndarray:
    """(N,) ids of the PlaneSegmentation rows the series' ``rois`` region references, one per data column."""
    rows = np.asarray(series.rois.data[()])
    if rows.shape != (count,):
        raise RecordingError(f"{where}: 'rois' references {rows.size} ROIs, the data has {count} columns; NWB "
                             "stores data as (time, ROIs)")  # fmt: skip
    ids = np.asarray(series.rois.table.id.data[()])
    try:
        return ids[rows]
    except IndexError:
        raise RecordingError(f"{where}: 'rois' references row {rows.max()}, the table has {len(ids)} rows") from None
