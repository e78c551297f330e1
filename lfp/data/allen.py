"""Read an Allen Visual Coding Neuropixels session's LFP and natural-scene showings with pynwb (no allensdk).

The layout, as AllenSDK writes and reads it (``ecephys/_probe.py`` ``add_lfp_to_nwb`` and
``_read_lfp_from_nwb``, ``ecephys_nwb_session_api.get_lfp``, the 2019 ``ecephys/write_nwb/__main__.py``,
``behavior/data_objects/stimuli/presentations.py``):

- ``probe_<probe id>_lfp.nwb``: acquisition ``probe_<id>_lfp``, an ``LFP`` container holding the
  ElectricalSeries ``probe_<id>_lfp_data``: data (T, channels) in volts (raw counts times the
  probe's amplitude scale factor), one timestamp per sample (no rate), and ``electrodes``, a region
  of the file's electrodes table whose ids are the channel ids. The structure acronym ("VISp") is
  in the ``location`` column (files for AllenSDK >= 2.0) or ``manual_structure_acronym`` (2019 files).
- ``session_<id>.nwb``: the intervals table ``natural_scenes_presentations`` with ``start_time``,
  ``stop_time`` and ``frame`` (image index, -1 for a blank). Files released in 2019 kept every
  presentation in one ``epochs`` table with a ``stimulus_name`` column; that is read as a fallback.
"""

import pathlib
import re

import h5py
import numpy as np
from pynwb.ecephys import LFP, ElectricalSeries

from calciumgan.core.errors import RecordingError
from calciumgan.core.files import HDF5_SUFFIXES
from calciumgan.core.nwb import open_nwb
from lfp.data.recording import StimulusLFP

STRUCTURE_COLUMNS = ("location", "manual_structure_acronym")
DEFAULT_STRUCTURE = "VISp"
TIMESTAMP_TOLERANCE = 0.01  # largest deviation of a sample interval from the mean, as a fraction of it
ROWS_PER_READ = 1 << 18


def read_allen_lfp(lfp_path, session_path, probe_id: int | None = None, channel_ids=None, images=None) -> StimulusLFP:
    """The probe's LFP in microvolts (T, channels), with the onset sample and image of each natural-scene showing.

    ``probe_id``: default the only ``probe_<id>_lfp`` in the file. ``channel_ids``: the channels in
    that order; default the channels whose structure is VISp (all, when no structure is recorded).
    Each presentation's start maps to the nearest LFP sample; blanks (frame -1) are dropped.
    ``images``: an optional ``.npy`` / ``.npz`` / ``.h5`` array (num_images, height, width) of the scenes.
    """
    lfp_path, session_path = pathlib.Path(lfp_path), pathlib.Path(session_path)
    with open_nwb(session_path) as nwbfile:  # the small files first: fail before reading the LFP
        start_times, frames = _natural_scenes(nwbfile, session_path)
    shown = frames >= 0
    scenes = None if images is None else load_images(images)
    if scenes is not None and shown.any() and frames[shown].max() >= len(scenes):
        raise RecordingError(f"{images}: {len(scenes)} images, but the session shows frame {frames[shown].max()}")
    with open_nwb(lfp_path) as nwbfile:
        series = _lfp_series(nwbfile, lfp_path, probe_id)
        ids, structures = _electrodes(series)
        columns = _selected_columns(ids, structures, channel_ids, lfp_path)
        timestamps = _timestamps(series)
        sampling_rate = _sampling_rate(timestamps, lfp_path)
        onsets = _nearest_samples(timestamps, start_times[shown], session_path)
        lfp = _microvolts(series, columns)
    return StimulusLFP(
        lfp=lfp,
        sampling_rate=sampling_rate,
        channel_ids=ids[columns],
        onsets=onsets,
        image_ids=frames[shown],
        images=scenes,
        source=str(lfp_path),
    )


def load_images(path) -> np.ndarray:
    """(num_images, height, width) float32 in [0, 1] from ``.npy``, ``.npz`` or ``.h5`` (key ``images``
    or the only array). Integer images are divided by their dtype's maximum; float images must lie in
    [0, 1] or [0, 255] (then divided by 255).
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise RecordingError(f"{path}: no such file")
    try:
        if path.suffix == ".npy":
            array = np.load(path, allow_pickle=False)
        elif path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as archive:
                array = archive[_only_key(list(archive.files), path)]
        elif path.suffix in HDF5_SUFFIXES:
            with h5py.File(path, "r") as file:
                names = [name for name in file if isinstance(file[name], h5py.Dataset)]
                array = file[_only_key(names, path)][()]
        else:
            raise RecordingError(f"{path}: images must be a .npy, .npz or .h5 file")
    except (OSError, ValueError) as error:
        raise RecordingError(f"{path}: unreadable images ({type(error).__name__})") from None
    if array.ndim != 3 or not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise RecordingError(
            f"{path}: images must be a (num_images, height, width) array, got {array.dtype} {array.shape}"
        )
    if np.issubdtype(array.dtype, np.integer):
        return (array / np.iinfo(array.dtype).max).astype(np.float32)
    if not (np.all(array >= 0) and np.all(array <= 255)):
        raise RecordingError(f"{path}: float images must lie in [0, 1] or [0, 255]")
    return (array / (255.0 if array.max() > 1 else 1.0)).astype(np.float32)


def _lfp_series(nwbfile, path: pathlib.Path, probe_id):
    """The probe's LFP ElectricalSeries (see the module docstring)."""
    acquisition = nwbfile.acquisition
    if probe_id is None:
        probes = sorted({match[1] for name in acquisition if (match := re.fullmatch(r"probe_(\d+)_lfp(_data)?", name))})
        if len(probes) != 1:
            raise RecordingError(
                f"{path}: {len(probes)} LFP containers 'probe_<id>_lfp' in acquisition "
                f"({', '.join(probes) or 'none'}); give probe_id"
            )
        probe_id = probes[0]
    container, series_name = acquisition.get(f"probe_{probe_id}_lfp"), f"probe_{probe_id}_lfp_data"
    if isinstance(container, LFP) and series_name in container.electrical_series:
        return container.electrical_series[series_name]
    if isinstance(acquisition.get(series_name), ElectricalSeries):
        return acquisition[series_name]
    raise RecordingError(
        f"{path}: no LFP series 'probe_{probe_id}_lfp/{series_name}' in acquisition "
        f"(found: {', '.join(acquisition) or 'nothing'})"
    )


def _electrodes(series) -> tuple:
    """(channel ids (C,) int64, structure acronyms (C,) str or None) of the series' columns."""
    table, rows = series.electrodes.table, np.asarray(series.electrodes.data[:])
    ids = np.asarray(table.id.data[:], np.int64)[rows]
    for column in STRUCTURE_COLUMNS:
        if column in table.colnames:
            names = np.array([_text(value) for value in table[column].data[:]])[rows]
            if any(name not in ("", "None", "nan") for name in names):
                return ids, names
    return ids, None


def _selected_columns(ids: np.ndarray, structures, channel_ids, path: pathlib.Path) -> np.ndarray:
    """Column indices into the series of the requested channels (see :func:`read_allen_lfp`)."""
    if channel_ids is None:
        if structures is None:
            return np.arange(len(ids))
        selected = np.flatnonzero(structures == DEFAULT_STRUCTURE)
        if not len(selected):
            raise RecordingError(
                f"{path}: no {DEFAULT_STRUCTURE} channels (structures: "
                f"{', '.join(sorted(set(structures)))}); give channel_ids"
            )
        return selected
    wanted = np.asarray(channel_ids, np.int64).ravel()
    position = {int(channel): column for column, channel in enumerate(ids)}
    missing = [int(channel) for channel in wanted if int(channel) not in position]
    if missing:
        raise RecordingError(f"{path}: channel id {missing[0]} not found in the LFP's electrodes")
    if len(set(wanted.tolist())) != len(wanted):
        raise RecordingError(f"{path}: channel_ids holds duplicates")
    return np.array([position[int(channel)] for channel in wanted], np.int64)


def _timestamps(series) -> np.ndarray:
    """(T,) float64 seconds of each sample (from ``starting_time`` and ``rate`` when no timestamps)."""
    if series.timestamps is not None:
        return np.asarray(series.timestamps[:], np.float64)
    return series.starting_time + np.arange(series.data.shape[0]) / series.rate


def _sampling_rate(timestamps: np.ndarray, path: pathlib.Path) -> float:
    """Samples per second of evenly spaced ``timestamps``; a one-line error when they are not."""
    if len(timestamps) < 2:
        raise RecordingError(f"{path}: the LFP has {len(timestamps)} timestamps; need at least 2")
    spacing = (timestamps[-1] - timestamps[0]) / (len(timestamps) - 1)
    intervals = np.diff(timestamps)
    if spacing <= 0 or np.abs(intervals - spacing).max() > TIMESTAMP_TOLERANCE * spacing:
        raise RecordingError(
            f"{path}: irregular LFP timestamps (sample intervals {intervals.min():.6g} to "
            f"{intervals.max():.6g} s); expected evenly spaced samples"
        )
    return float(1.0 / spacing)


def _microvolts(series, columns: np.ndarray) -> np.ndarray:
    """(T, len(columns)) float32 microvolts of the series' data (volts after ``conversion`` and ``offset``)."""
    order = np.argsort(columns)  # h5py reads columns in increasing order only
    restore = np.argsort(order)
    data = series.data
    scale, offset = float(series.conversion) * 1e6, float(getattr(series, "offset", 0.0) or 0.0) * 1e6
    out = np.empty((data.shape[0], len(columns)), np.float32)
    for start in range(0, data.shape[0], ROWS_PER_READ):
        block = np.asarray(data[start : start + ROWS_PER_READ, columns[order]], np.float64)
        out[start : start + len(block)] = block[:, restore] * scale + offset
    return out


def _natural_scenes(nwbfile, path: pathlib.Path) -> tuple:
    """(start times (n,) float64 s, frames (n,) int64) of every natural-scene presentation, blanks included."""
    if "natural_scenes_presentations" in nwbfile.intervals:
        table, where = nwbfile.intervals["natural_scenes_presentations"], "natural_scenes_presentations"
        rows = slice(None)
    elif nwbfile.epochs is not None and "stimulus_name" in nwbfile.epochs.colnames:
        table, where = nwbfile.epochs, "epochs"
        rows = np.array([_text(name) == "natural_scenes" for name in table["stimulus_name"].data[:]], bool)
    else:
        raise RecordingError(
            f"{path}: no intervals table 'natural_scenes_presentations' (nor an epochs table "
            f"with stimulus_name 'natural_scenes')"
        )
    if "frame" not in table.colnames:
        raise RecordingError(f"{path}: '{where}' has no 'frame' column")
    starts = np.asarray(table["start_time"].data[:], np.float64)[rows]
    values = np.asarray(table["frame"].data[:])[rows]
    try:
        frames = np.array([float(_text(value)) for value in values])
    except ValueError:
        raise RecordingError(f"{path}: '{where}/frame' holds non-numeric values") from None
    if len(frames) == 0 or not np.all(frames == np.round(frames)) or frames.min() < -1:
        raise RecordingError(
            f"{path}: '{where}/frame' must hold image indices >= 0 or -1 (blank), got {len(frames)} values"
        )
    return starts, frames.astype(np.int64)


def _nearest_samples(timestamps: np.ndarray, times: np.ndarray, path: pathlib.Path) -> np.ndarray:
    """(n,) int64 index of the LFP sample nearest each of ``times`` (s); an error for times outside the LFP."""
    half = (timestamps[-1] - timestamps[0]) / (len(timestamps) - 1) / 2
    outside = (times < timestamps[0] - half) | (times > timestamps[-1] + half)
    if outside.any():
        raise RecordingError(
            f"{path}: presentation at {times[outside][0]:.3f} s lies outside the LFP "
            f"({timestamps[0]:.3f}-{timestamps[-1]:.3f} s)"
        )
    after = np.clip(np.searchsorted(timestamps, times), 1, len(timestamps) - 1)
    nearer_before = times - timestamps[after - 1] <= timestamps[after] - times
    return np.where(nearer_before, after - 1, after).astype(np.int64)


def _only_key(names: list, path: pathlib.Path) -> str:
    if "images" in names:
        return "images"
    if len(names) == 1:
        return names[0]
    raise RecordingError(f"{path}: no key 'images' (found: {', '.join(names) or 'nothing'})")


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
