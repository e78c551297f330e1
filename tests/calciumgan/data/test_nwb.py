"""The NWB ophys reader, on small files written with pynwb (see calciumgan/data/nwb.py)."""

import logging

import h5py
import numpy as np
import pynwb
import pytest
from ophys_files import new_nwb_file, write_dff_nwb, write_nwb
from pynwb.ophys import DfOverF, Fluorescence

from calciumgan.core.errors import RecordingError
from calciumgan.data.nwb import read_nwb

FRAMES = 50
RAW = np.arange(FRAMES * 3, dtype=np.int16).reshape(FRAMES, 3)  # stored counts, 3 ROIs
DFF = np.linspace(-0.5, 2.0, FRAMES * 4, dtype=np.float32).reshape(FRAMES, 4)
TIMESTAMPS = 2.0 + np.arange(FRAMES) * 0.04  # 25 Hz


@pytest.fixture(scope="module")
def ophys_file(tmp_path_factory):
    """Fluorescence 'Fluorescence/RoiResponseSeries' (counts x 0.5 + 1, 30 Hz, ROIs 13, 11, 10 of the image
    masks) and DfOverF 'dff/RoiResponseSeries' (25 Hz timestamps, the 4 ROIs of the pixel masks)."""
    nwbfile, module, by_image, by_pixel = new_nwb_file()
    fluorescence, dff = Fluorescence(name="Fluorescence"), DfOverF(name="dff")
    module.add(fluorescence)
    module.add(dff)
    fluorescence.create_roi_response_series(
        name="RoiResponseSeries", data=RAW, unit="lumens", rate=30.0, conversion=0.5, offset=1.0,
        rois=by_image.create_roi_table_region(region=[3, 1, 0], description="three cells"),
    )  # fmt: skip
    dff.create_roi_response_series(
        name="RoiResponseSeries", data=DFF, unit="n.a.", timestamps=TIMESTAMPS,
        rois=by_pixel.create_roi_table_region(region=[0, 1, 2, 3], description="every cell"),
    )  # fmt: skip
    return write_nwb(nwbfile, tmp_path_factory.mktemp("nwb") / "session.nwb")


def test_the_first_series_by_name_with_conversion_offset_rate_and_ids(ophys_file, caplog):
    with caplog.at_level(logging.INFO, logger="calciumgan.data.nwb"):
        recording = read_nwb(ophys_file)
    assert "read series 'Fluorescence/RoiResponseSeries'" in caplog.text  # 'F' sorts before 'd'
    np.testing.assert_array_equal(recording.signals, (RAW * 0.5 + 1.0).astype(np.float32))
    assert recording.sampling_rate == 30.0
    np.testing.assert_array_equal(recording.neuron_ids, [13, 11, 10])
    assert recording.source == f"{ophys_file}:Fluorescence/RoiResponseSeries"


def test_a_named_series_with_regular_timestamps(ophys_file):
    recording = read_nwb(ophys_file, "dff/RoiResponseSeries")
    np.testing.assert_array_equal(recording.signals, DFF)
    assert recording.sampling_rate == pytest.approx(25.0, rel=1e-9)
    np.testing.assert_array_equal(recording.neuron_ids, [110, 111, 112, 113])


def test_a_series_named_alone_one_roi_and_jittered_timestamps(tmp_path):
    recording = read_nwb(write_dff_nwb(tmp_path / "one.nwb", DFF[:, 2], 25.0, rows=[2]), "roi_series")
    np.testing.assert_array_equal(recording.signals, DFF[:, 2:3])
    np.testing.assert_array_equal(recording.neuron_ids, [12])
    jittered = TIMESTAMPS + np.tile([0.0, 0.0002], FRAMES // 2)  # 0.5 % of the interval: still regular
    jittered_file = write_dff_nwb(tmp_path / "jitter.nwb", DFF, timestamps=jittered)
    assert read_nwb(jittered_file).sampling_rate == pytest.approx(1 / (0.04 + 0.0002 / 49), rel=1e-9)  # the mean


@pytest.mark.filterwarnings("ignore:.*The second dimension of data does not match:UserWarning")  # transposed.nwb
def test_errors_name_the_file_and_what_it_holds(ophys_file, tmp_path):
    (tmp_path / "text.nwb").write_text("not an nwb file")
    no_ophys = new_nwb_file()[0]
    no_ophys.processing.pop("ophys")
    no_ophys.add_acquisition(pynwb.TimeSeries(name="running_speed", data=np.ones(5), unit="cm/s", rate=10.0))
    irregular = TIMESTAMPS.copy()
    irregular[20:] += 0.02  # one interval of 0.06 s among 0.04 s ones
    cases = [
        (tmp_path / "text.nwb", None, r"text.nwb: not an NWB file pynwb can read \(OSError"),
        (write_nwb(no_ophys, tmp_path / "no_ophys.nwb"), None,
         r"no_ophys.nwb: no processing module 'ophys' \(processing modules: none; acquisition: running_speed\)"),
        (write_nwb(new_nwb_file()[0], tmp_path / "segmentation.nwb"), None,
         r"segmentation.nwb: processing module 'ophys' holds no RoiResponseSeries in a Fluorescence or DfOverF "
         r"container \(it holds: ImageSegmentation 'ImageSegmentation'\)"),
        (ophys_file, "deconvolved", r"session.nwb: no RoiResponseSeries 'deconvolved' \(available: "
         r"Fluorescence/RoiResponseSeries, dff/RoiResponseSeries\)"),
        (ophys_file, "RoiResponseSeries", r"session.nwb: 2 series are named 'RoiResponseSeries' .*give "
         r"'<container>/<series>'"),
        (write_dff_nwb(tmp_path / "irregular.nwb", DFF, timestamps=irregular), None,
         r"irregular.nwb: series 'DfOverF/roi_series': irregular timestamps \(a frame interval deviates by 0.01959 s "
         r"from the mean interval 0.04041 s"),
        (write_dff_nwb(tmp_path / "transposed.nwb", DFF.T.copy(), 25.0), None,
         r"transposed.nwb: series 'DfOverF/roi_series': 'rois' references 4 ROIs, the data has 50 columns"),
    ]  # fmt: skip
    for path, series, message in cases:
        with pytest.raises(RecordingError, match=message) as error:
            read_nwb(path, series)
        assert "\n" not in str(error.value)


def test_data_of_three_dimensions_is_refused_naming_the_shape(tmp_path):
    path = write_dff_nwb(tmp_path / "cube.nwb", DFF, 25.0)
    with h5py.File(path, "a") as file:
        group = file["processing/ophys/DfOverF/roi_series"]
        attributes = dict(group["data"].attrs)
        del group["data"]
        group.create_dataset("data", data=np.ones((FRAMES, 4, 2), np.float32)).attrs.update(attributes)
    with pytest.raises(RecordingError, match=r"cube.nwb: not an NWB file pynwb can read .*incorrect shape for data: "
                                             r"got \(50, 4, 2\)"):  # fmt: skip
        read_nwb(path)
