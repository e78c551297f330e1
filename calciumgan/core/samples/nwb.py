"""Synthetic samples (K, window, N) as an NWB file that pynwb opens, and back.

Layout (NWB core types only):

- ``processing/ophys/Fluorescence/synthetic_traces``: one ``RoiResponseSeries``, the K samples
  end to end in time, data (K * window, N) float32, ``rate`` the recording's sampling rate (Hz),
  ``starting_time`` 0 s. Sample k is frames [k * window, (k + 1) * window); the samples are
  independent draws, so the traces jump at every boundary. ``unit`` is "a.u.": the values are in
  the units of the recording the run trained on, which calciumgan does not know.
- ``rois`` references every row of the ``PlaneSegmentation`` ``synthetic_neurons``, whose row
  ids are the recording's neuron ids. Synthetic neurons have no pixels: NWB requires a mask
  column, so each row holds a 1 x 1 all-zero ``image_mask`` placeholder.
- ``intervals/samples``: a ``TimeIntervals`` table, one row per sample: ``start_time`` and
  ``stop_time`` (s) and ``sample`` (k). It is not ``trials`` or ``epochs``: those mean a task's
  repeated trials and periods of a session, and tools would treat independent generator draws as
  such; this table says what the rows are (``nwbfile.intervals["samples"]``). It has no
  ``timeseries`` reference column: pynwb writes one object reference per row at about 0.1 ms.
- The required ``Device``, ``OpticalChannel`` and ``ImagingPlane`` say that nothing was imaged;
  their wavelengths are NaN (none).
- ``general/data_collection``: the provenance as JSON, ``package``, ``version`` and the caller's
  ``metadata`` (for ``calciumgan.generate``: ``run``, ``generator``, ``seed``, ``truncation`` if
  any, ``config``).

Memory: the traces stream to a dataset created at its full size, one batch at a time (an hdmf
``AbstractDataChunkIterator``); only the samples table (24 bytes per sample) is built whole,
as pynwb writes tables at once. :func:`read_samples_nwb` reads all K samples into memory.
"""

import datetime
import json
import pathlib
import uuid

import h5py
import numpy as np
from hdmf.common import VectorData
from hdmf.data_utils import AbstractDataChunkIterator, DataChunk
from pynwb import NWBHDF5IO, NWBFile
from pynwb.epoch import TimeIntervals
from pynwb.ophys import Fluorescence, ImageSegmentation, OpticalChannel, PlaneSegmentation

from calciumgan.core import __version__
from calciumgan.core.errors import RecordingError
from calciumgan.core.files import atomic_hdf5
from calciumgan.core.nwb import open_nwb

MODULE, CONTAINER, SERIES, TABLE = "ophys", "Fluorescence", "synthetic_traces", "samples"
SERIES_PATH = f"processing/{MODULE}/{CONTAINER}/{SERIES}"
TABLE_PATH = f"intervals/{TABLE}"
UNIT = "a.u."
CHUNK_BYTES = 2**20  # HDF5 chunks hold whole samples, about this many bytes (at least one sample)
NOT_IMAGED = "none: the traces were sampled from a generative model (calciumgan), not recorded"


def write_samples_nwb(path, batches, shape: tuple, sampling_rate: float, neuron_ids, metadata: dict) -> pathlib.Path:
    """Write ``batches`` of samples (<= batch, window, N), ``shape`` = (K, window, N) in all, to NWB ``path``.

    ``sampling_rate`` in Hz, ``neuron_ids`` (N,) integers; ``metadata`` (JSON values) is kept in
    ``data_collection``. The file appears under ``path`` only when complete; a batch of the
    wrong shape, or a stream of other than K samples, raises ``ValueError``.
    """
    path = pathlib.Path(path)
    count, window, neurons = shape
    nwbfile = NWBFile(
        session_description=f"Synthetic calcium traces made by calciumgan {__version__}, not a recording: "
        f"{count} samples of {window} frames x {neurons} neurons drawn from a trained generator",
        identifier=str(uuid.uuid4()),
        session_start_time=datetime.datetime.now().astimezone(),
        data_collection=json.dumps({"package": "calciumgan", "version": __version__, **metadata}),
    )
    ophys = nwbfile.create_processing_module(name=MODULE, description="synthetic calcium traces (calciumgan)")
    neurons_table = _synthetic_neurons(nwbfile, np.asarray(neuron_ids))
    ophys.add(ImageSegmentation(plane_segmentations=[neurons_table]))
    fluorescence = Fluorescence(name=CONTAINER)
    ophys.add(fluorescence)  # before the series, so that its ROI region shares an ancestor with the table
    rois = neurons_table.create_roi_table_region(description="every neuron, in the recording's order",
                                                 region=list(range(neurons)))  # fmt: skip
    fluorescence.create_roi_response_series(
        name=SERIES,
        data=SampleChunks(batches, shape, path),
        rois=rois,
        unit=UNIT,
        rate=float(sampling_rate),
        starting_time=0.0,
        description=f"{count} synthetic samples of {window} frames end to end: sample k is frames [k*{window}, "
        f"(k+1)*{window}) (intervals/{TABLE}); independent draws, discontinuous at each boundary. Units: those of "
        "the recording the run trained on, unknown to calciumgan (a.u.)",
    )
    nwbfile.add_time_intervals(_samples_table(count, window / float(sampling_rate)))
    with atomic_hdf5(path) as file, NWBHDF5IO(file=file, mode="w") as io:
        io.write(nwbfile)
    return path


def read_samples_nwb(path) -> tuple[np.ndarray, float, np.ndarray, dict]:
    """(samples (K, window, N) float32, sampling rate (Hz), neuron ids (N,), metadata) of a file of
    :func:`write_samples_nwb`; a one-line ``RecordingError`` if ``path`` is not one."""
    path = pathlib.Path(path)
    with open_nwb(path) as nwbfile:
        if not holds_samples_nwb(path):
            raise RecordingError(f"{path}: not a samples file of calciumgan.generate (no {SERIES_PATH} or "
                                 f"{TABLE_PATH})")  # fmt: skip
        series = nwbfile.processing[MODULE][CONTAINER][SERIES]
        traces = np.asarray(series.data[()])
        count = len(nwbfile.intervals[TABLE])
        if count == 0 or traces.ndim != 2 or len(traces) % count:
            raise RecordingError(f"{path}: {SERIES_PATH} has shape {traces.shape}, not {count} samples end to end")
        ids = np.asarray(series.rois.table.id.data[()])[np.asarray(series.rois.data[()])]
        metadata = json.loads(nwbfile.data_collection)
        return traces.reshape(count, -1, traces.shape[1]), float(series.rate), ids, metadata


def holds_samples_nwb(path) -> bool:
    """Whether ``path`` is an HDF5 file holding the series and table of :func:`write_samples_nwb`."""
    try:
        with h5py.File(path, "r") as file:
            return SERIES_PATH in file and TABLE_PATH in file
    except OSError:
        return False


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
        count, window, neurons = self.shape
        try:
            batch = np.asarray(next(self.batches), dtype=np.float32)
        except StopIteration:
            if self.samples != count:
                raise ValueError(f"{self.path}: the stream held {self.samples} samples, {count} announced") from None
            raise
        if batch.ndim != 3 or batch.shape[1:] != (window, neurons) or self.samples + len(batch) > count:
            raise ValueError(f"{self.path}: a batch of shape {batch.shape} after {self.samples} samples; expected "
                             f"{count} samples of {window} frames x {neurons} neurons in all")  # fmt: skip
        start, self.samples = self.samples, self.samples + len(batch)
        return DataChunk(data=batch.reshape(-1, neurons), selection=np.s_[start * window : self.samples * window, :])

    def recommended_chunk_shape(self) -> tuple:
        count, window, neurons = self.shape
        per_chunk = min(count, max(1, CHUNK_BYTES // (window * neurons * self.dtype.itemsize)))
        return (per_chunk * window, neurons)

    def recommended_data_shape(self) -> tuple:
        return self.maxshape

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(np.float32)

    @property
    def maxshape(self) -> tuple:
        count, window, neurons = self.shape
        return (count * window, neurons)


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


def _samples_table(count: int, duration: float) -> TimeIntervals:
    """``count`` rows of [k * duration, (k + 1) * duration) seconds, one per sample k."""
    starts = np.arange(count) * duration
    columns = [VectorData(name="start_time", description="start of the sample (s)", data=starts),
               VectorData(name="stop_time", description="end of the sample (s), exclusive", data=starts + duration),
               VectorData(name="sample", description="index k of the sample, 0 .. K-1",
                          data=np.arange(count))]  # fmt: skip
    return TimeIntervals(name=TABLE, columns=columns,
                         description=f"One row per synthetic sample k: frames [k*window, (k+1)*window) of "
                         f"{SERIES_PATH}")  # fmt: skip
