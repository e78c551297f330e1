"""The NWB samples file (see :mod:`calciumgan.core.samples`): written with pynwb, read back with h5py.

Layout (NWB core types only). Calcium traces:

- ``processing/ophys/Fluorescence/synthetic_traces``: one ``RoiResponseSeries``, the K samples end
  to end in time, data (K * window, N) float32, ``rate`` the recording's sampling rate (Hz),
  ``starting_time`` 0 s, ``unit`` "a.u." (the units of the recording the generator learned, which
  the package does not know). Its ``rois`` reference every row of the ``PlaneSegmentation``
  ``synthetic_neurons``, whose row ids are the recording's neuron ids; synthetic neurons have no
  pixels, so each row's required ``image_mask`` is a 1 x 1 zero placeholder. The required
  ``Device``, ``OpticalChannel`` and ``ImagingPlane`` say that nothing was imaged (wavelengths NaN).

LFP:

- ``processing/ecephys/synthetic_lfp``: a ``TimeSeries`` (K * window, C) float32 laid out as above,
  ``unit`` "a.u.": each window is z-scored, so the values are not volts and the series is not an
  ``ElectricalSeries`` (whose unit is volts). ``processing/ecephys/synthetic_channels`` is a table
  whose row ids are the recording's channel ids, in column order.

Both:

- ``intervals/samples``: a ``TimeIntervals`` table, one row per sample k: ``start_time`` and
  ``stop_time`` (s), ``sample`` (k) and one column per per-sample array (``labels``, ``image_ids``,
  ...). Sample k is frames [k * window, (k + 1) * window); the samples are independent draws, so the
  series jumps at every boundary. The table is not ``trials`` or ``epochs``: tools read those as a
  task's trials and a session's periods.
- ``general/data_collection``: the provenance as JSON: ``package``, ``version`` and the writer's.

Memory: the values stream to a dataset created at its full size, one batch at a time (an hdmf
``AbstractDataChunkIterator``); only the samples table (about 24 bytes per sample and column) is
built whole, as pynwb writes tables at once.
"""

import datetime
import json
import pathlib
import uuid

import numpy as np
from hdmf.common import DynamicTable, VectorData
from hdmf.data_utils import AbstractDataChunkIterator, DataChunk
from pynwb import NWBHDF5IO, NWBFile, TimeSeries
from pynwb.epoch import TimeIntervals
from pynwb.ophys import Fluorescence, ImageSegmentation, OpticalChannel, PlaneSegmentation

from calciumgan.core import __version__
from calciumgan.core.errors import RecordingError
from calciumgan.core.files import atomic_hdf5, open_hdf5
from calciumgan.core.samples.layout import CALCIUM, LFP, SamplesFile, Signal
from calciumgan.core.values import checked_sampling_rate

TABLE = "samples"
TABLE_PATH = f"intervals/{TABLE}"
TABLE_COLUMNS = ("start_time", "stop_time", "sample")
SERIES_PATHS = {CALCIUM: "processing/ophys/Fluorescence/synthetic_traces", LFP: "processing/ecephys/synthetic_lfp"}
IDS_PATHS = {CALCIUM: "processing/ophys/ImageSegmentation/synthetic_neurons/id",
             LFP: "processing/ecephys/synthetic_channels/id"}  # fmt: skip
PROVENANCE_PATH = "general/data_collection"
UNIT = "a.u."
CHUNK_BYTES = 2**20  # HDF5 chunks hold whole samples, about this many bytes (at least one sample)
NOT_IMAGED = "none: the traces were sampled from a generative model (calciumgan), not recorded"
NOT_RECORDED = "none: the LFP was sampled from a generative model (calciumgan), not recorded"


def write_samples_nwb(path, batches, shape: tuple, sampling_rate: float, ids, provenance: dict,
                      per_sample: dict | None = None, signal: Signal = CALCIUM) -> None:  # fmt: skip
    """Write ``batches`` of samples (<= batch, window, N), ``shape`` = (K, window, N) in all, to NWB ``path``.

    The file appears under ``path`` only when complete; a batch of the wrong shape, or a stream of
    other than K samples, raises ``ValueError``.
    """
    path = pathlib.Path(path)
    count, window, columns = shape
    what = "calcium traces" if signal == CALCIUM else "LFP"
    nwbfile = NWBFile(
        session_description=f"Synthetic {what} made by calciumgan {__version__}, not a recording: {count} samples "
        f"of {window} frames x {columns} {signal.column}s drawn from a trained generator",
        identifier=str(uuid.uuid4()),
        session_start_time=datetime.datetime.now().astimezone(),
        data_collection=json.dumps({"package": "calciumgan", "version": __version__, **provenance}),
    )
    series = dict(name=SERIES_PATHS[signal].rsplit("/", 1)[1], data=SampleChunks(batches, shape, path), unit=UNIT,
                  rate=float(sampling_rate), starting_time=0.0,
                  description=f"{count} synthetic samples of {window} frames end to end: sample k is frames "
                  f"[k*{window}, (k+1)*{window}) ({TABLE_PATH}); independent draws, discontinuous at each boundary. "
                  "Units: those of the data the generator learned (a.u.)")  # fmt: skip
    (_add_calcium if signal == CALCIUM else _add_lfp)(nwbfile, np.asarray(ids), series)
    nwbfile.add_time_intervals(_samples_table(count, window / float(sampling_rate), per_sample or {}))
    with atomic_hdf5(path) as file, NWBHDF5IO(file=file, mode="w") as io:
        io.write(nwbfile)


def open_samples_nwb(path: pathlib.Path) -> SamplesFile | None:
    """The samples of NWB ``path``; ``None`` if it is another NWB file (a recording)."""
    with open_hdf5(path) as file:
        signal = next((signal for signal, series in SERIES_PATHS.items() if series in file), None)
        if signal is None or TABLE_PATH not in file:
            return None
        try:
            series, table = file[SERIES_PATHS[signal]], file[TABLE_PATH]
            values, ids = series["data"], file[IDS_PATHS[signal]][()]
            if signal == CALCIUM:
                ids = ids[series["rois"][()]]
            rate = checked_sampling_rate(series["starting_time"].attrs["rate"], path)
            count = len(table["sample"])
            per_sample = {name: table[name][()] for name in table.attrs["colnames"] if name not in TABLE_COLUMNS}
            provenance = json.loads(file[PROVENANCE_PATH][()])
        except (KeyError, OSError, ValueError) as error:
            raise RecordingError(f"{path}: a damaged samples file ({type(error).__name__}: {error})") from None
        if count == 0 or values.ndim != 2 or values.shape[0] % count or values.shape[1] != len(ids):
            raise RecordingError(f"{path}: {SERIES_PATHS[signal]} has shape {values.shape}, not {count} samples "
                                 f"of {len(ids)} {signal.column}s end to end")  # fmt: skip
        shape = (count, values.shape[0] // count, values.shape[1])
        dataset = f"{SERIES_PATHS[signal]}/data"
        return SamplesFile(path, signal, shape, rate, ids, per_sample, provenance, dataset, end_to_end=True)


class SampleChunks(AbstractDataChunkIterator):
    """hdmf's view of a stream of sample batches (<= batch, window, N): one (rows, N) chunk per batch.

    Raises ``ValueError`` naming ``path`` if a batch has the wrong shape or the stream does not
    hold exactly K samples of ``shape`` = (K, window, N).
    """

    def __init__(self, batches, shape: tuple, path: pathlib.Path):
        self.batches, self.shape, self.path = iter(batches), tuple(shape), path
        self.samples = 0

    def __iter__(self):
        return self

    def __next__(self) -> DataChunk:
        count, window, columns = self.shape
        try:
            batch = np.asarray(next(self.batches), dtype=np.float32)
        except StopIteration:
            if self.samples != count:
                raise ValueError(f"{self.path}: the stream held {self.samples} samples, {count} announced") from None
            raise
        if batch.ndim != 3 or batch.shape[1:] != (window, columns) or self.samples + len(batch) > count:
            raise ValueError(f"{self.path}: a batch of shape {batch.shape} after {self.samples} samples; expected "
                             f"{count} samples of {window} frames x {columns} columns in all")  # fmt: skip
        start, self.samples = self.samples, self.samples + len(batch)
        return DataChunk(data=batch.reshape(-1, columns), selection=np.s_[start * window : self.samples * window, :])

    def recommended_chunk_shape(self) -> tuple:
        count, window, columns = self.shape
        per_chunk = min(count, max(1, CHUNK_BYTES // (window * columns * self.dtype.itemsize)))
        return (per_chunk * window, columns)

    def recommended_data_shape(self) -> tuple:
        return self.maxshape

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(np.float32)

    @property
    def maxshape(self) -> tuple:
        count, window, columns = self.shape
        return (count * window, columns)


def _add_calcium(nwbfile: NWBFile, neuron_ids: np.ndarray, series: dict) -> None:
    """The ophys module: the ROI table of ``neuron_ids`` and the ``RoiResponseSeries`` of ``series``."""
    ophys = nwbfile.create_processing_module(name="ophys", description="synthetic calcium traces (calciumgan)")
    neurons_table = _synthetic_neurons(nwbfile, neuron_ids)
    ophys.add(ImageSegmentation(plane_segmentations=[neurons_table]))
    fluorescence = Fluorescence(name="Fluorescence")
    ophys.add(fluorescence)  # before the series, so that its ROI region shares an ancestor with the table
    rois = neurons_table.create_roi_table_region(description="every neuron, in the recording's order",
                                                 region=list(range(len(neuron_ids))))  # fmt: skip
    fluorescence.create_roi_response_series(rois=rois, **series)


def _add_lfp(nwbfile: NWBFile, channel_ids: np.ndarray, series: dict) -> None:
    """The ecephys module: the table of ``channel_ids`` and the ``TimeSeries`` of ``series``."""
    ecephys = nwbfile.create_processing_module(name="ecephys", description=f"synthetic LFP; device: {NOT_RECORDED}")
    ecephys.add(DynamicTable(name="synthetic_channels", id=channel_ids.tolist(),
                             description="One row per column of synthetic_lfp, in order; row ids are the recording's "
                             "channel ids"))  # fmt: skip
    ecephys.add(TimeSeries(**series))


def _synthetic_neurons(nwbfile: NWBFile, neuron_ids: np.ndarray) -> PlaneSegmentation:
    """The ROI table: one row per neuron id, a 1 x 1 zero image mask each (synthetic neurons have no pixels)."""
    device = nwbfile.create_device(name="calciumgan", description=NOT_IMAGED)
    channel = OpticalChannel(name="none", description=NOT_IMAGED, emission_lambda=float("nan"))
    plane = nwbfile.create_imaging_plane(name="synthetic_plane", optical_channel=channel, description=NOT_IMAGED,
                                         device=device, excitation_lambda=float("nan"), indicator="unknown (synthetic)",
                                         location="unknown (synthetic)")  # fmt: skip
    masks = VectorData(name="image_mask", description="1 x 1 zero placeholder: a synthetic neuron has no pixels",
                       data=np.zeros((len(neuron_ids), 1, 1), np.float32))  # fmt: skip
    return PlaneSegmentation(name="synthetic_neurons", imaging_plane=plane, id=neuron_ids.tolist(), columns=[masks],
                             description="One row per neuron of the recording the run trained on; row ids are its "
                             "neuron ids. Synthetic neurons have no pixels: image_mask is a placeholder")  # fmt: skip


def _samples_table(count: int, duration: float, per_sample: dict) -> TimeIntervals:
    """``count`` rows of [k * duration, (k + 1) * duration) seconds, one per sample k, and the ``per_sample``
    arrays (K,) as columns."""
    starts = np.arange(count) * duration
    columns = [VectorData(name="start_time", description="start of the sample (s)", data=starts),
               VectorData(name="stop_time", description="end of the sample (s), exclusive", data=starts + duration),
               VectorData(name="sample", description="index k of the sample, 0 .. K-1", data=np.arange(count)),
               *(VectorData(name=name, description=f"{name} of each sample (per-sample array of the generator)",
                            data=np.asarray(values)) for name, values in per_sample.items())]  # fmt: skip
    return TimeIntervals(name=TABLE, columns=columns,
                         description="One row per synthetic sample k: frames [k*window, (k+1)*window) of the "
                         "series")  # fmt: skip
