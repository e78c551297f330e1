"""Writers of small Suite2p plane folders and NWB ophys files in the real layouts, for the reader tests."""

import datetime

import numpy as np
import pynwb
from pynwb.ophys import DfOverF, ImageSegmentation, OpticalChannel

NWB_ROI_IDS = [10, 11, 12, 13]


def write_suite2p_plane(folder, fluorescence, neuropil, iscell=None, spikes=None, settings=None,
                        settings_file: str = "ops.npy"):  # fmt: skip
    """A plane folder as Suite2p writes it: (N, T) float32 ``F.npy`` and ``Fneu.npy``, and when given
    ``iscell.npy`` (N, 2), ``spks.npy`` (N, T) and ``settings`` as a pickled dict ``settings_file``."""
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "F.npy", np.asarray(fluorescence, np.float32))
    np.save(folder / "Fneu.npy", np.asarray(neuropil, np.float32))
    if iscell is not None:
        np.save(folder / "iscell.npy", np.asarray(iscell, np.float32))
    if spikes is not None:
        np.save(folder / "spks.npy", np.asarray(spikes, np.float32))
    if settings is not None:
        np.save(folder / settings_file, settings)  # np.save pickles a dict, as Suite2p's own np.save(ops) does
    return folder


def new_nwb_file() -> tuple:
    """(NWBFile, its ophys module, a PlaneSegmentation of image masks, one of pixel masks): the ophys module holds
    ImageSegmentation with both tables, 4 ROIs each (ids ``NWB_ROI_IDS``, and those + 100)."""
    start = datetime.datetime(2024, 5, 1, 9, 0, tzinfo=datetime.timezone.utc)
    nwbfile = pynwb.NWBFile(session_description="test", identifier="ophys", session_start_time=start)
    device = nwbfile.create_device(name="microscope")
    channel = OpticalChannel(name="green", description="GCaMP", emission_lambda=520.0)
    plane = nwbfile.create_imaging_plane(name="plane0", optical_channel=channel, description="V1 L2/3",
                                         device=device, excitation_lambda=920.0, indicator="GCaMP6s",
                                         location="VISp", imaging_rate=25.0)  # fmt: skip
    module = nwbfile.create_processing_module("ophys", "optical physiology")
    segmentation = ImageSegmentation()
    module.add(segmentation)
    by_image = segmentation.create_plane_segmentation(name="PlaneSegmentation", description="image masks",
                                                      imaging_plane=plane)  # fmt: skip
    by_pixel = segmentation.create_plane_segmentation(name="PixelSegmentation", description="pixel masks",
                                                      imaging_plane=plane)  # fmt: skip
    for roi, roi_id in enumerate(NWB_ROI_IDS):
        mask = np.zeros((6, 6))
        mask[roi, roi : roi + 2] = 1.0
        by_image.add_roi(image_mask=mask, id=roi_id)
        by_pixel.add_roi(pixel_mask=[(roi, roi, 1.0), (roi, roi + 1, 0.5)], id=roi_id + 100)
    return nwbfile, module, by_image, by_pixel


def write_nwb(nwbfile, path):
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


def write_dff_nwb(path, data, rate=None, timestamps=None, rows=(0, 1, 2, 3)):
    """A file whose only series is DfOverF 'DfOverF/roi_series': ``data`` (T, N) over the image-mask ROIs
    ``rows``, at ``rate`` Hz or at ``timestamps`` (s)."""
    nwbfile, module, by_image, _ = new_nwb_file()
    dff = DfOverF(name="DfOverF")
    module.add(dff)
    region = by_image.create_roi_table_region(region=list(rows), description="cells")
    timing = {"rate": rate} if timestamps is None else {"timestamps": timestamps}
    dff.create_roi_response_series(name="roi_series", data=data, unit="n.a.", rois=region, **timing)
    return write_nwb(nwbfile, path)
