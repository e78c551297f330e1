"""Opening an NWB file for reading, for every reader of the package (calcium recordings, samples, Allen LFP)."""

import contextlib
import pathlib

import pynwb

from calciumgan.core.errors import RecordingError


@contextlib.contextmanager
def open_nwb(path: pathlib.Path):
    """Yield the NWBFile read from ``path``; a one-line ``RecordingError`` when it is missing or not NWB."""
    if not path.is_file():
        raise RecordingError(f"{path}: no such file")
    try:
        io = pynwb.NWBHDF5IO(str(path), "r")
        nwbfile = io.read()
    except Exception as error:  # h5py, hdmf and pynwb raise many kinds on a foreign or malformed file
        reason = " ".join(str(error.args[-1] if error.args else "").split())[:300]  # hdmf puts it last
        raise RecordingError(f"{path}: not an NWB file pynwb can read ({type(error).__name__}: {reason})") from None
    with io:
        yield nwbfile
