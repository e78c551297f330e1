"""Turn saved traces, a Suite2p folder or an NWB file into a recording file that the training tools read.

    python -m calciumgan.prepare --signals F.npy --sampling-rate 24 --neurons-first --out data/day4.h5
    python -m calciumgan.prepare --signals suite2p/plane0 --out data/day4.h5
    python -m calciumgan.prepare --signals session.nwb --nwb-series DfOverF/RoiResponseSeries --out data/day4.h5

``--signals`` is one of

- a .npy array of shape (T, N), or (N, T) with ``--neurons-first``; an array with fewer frames
  than neurons is refused as probably transposed, and a square one as ambiguous, unless
  ``--frames-first`` states the (T, N) layout. ``--sampling-rate`` is required; ``--spikes``
  optionally adds spike counts of the same shape. Recordings are stored as float32: raw
  fluorescence on a large offset must lose its baseline first (``--subtract-baseline`` subtracts
  each neuron's median in float64);
- a Suite2p plane folder (``suite2p/plane0``, or a ``suite2p`` folder holding one plane): the
  cells' ΔF/F by default, F - c * Fneu over a running-percentile baseline F0 (``--trace``,
  ``--neuropil-coefficient``, ``--baseline-percentile``, ``--baseline-window-s``, ``--no-cells-only``,
  ``--suite2p-spikes``; see ``calciumgan.data.suite2p``), at the rate ``fs`` of Suite2p's
  ``ops.npy`` (or ``settings.npy``);
- an NWB file: a RoiResponseSeries of its ``ophys`` module (``--nwb-series``; default the first by
  name; see ``calciumgan.data.nwb``), at the series' own rate.

For Suite2p folders and NWB files ``--sampling-rate`` is optional and must agree with the
source's rate (a Suite2p folder whose ``ops.npy`` has no ``fs`` takes it as its rate), and the
.npy options do not apply. The output layout is documented in
``calciumgan.data.recording``; an existing output is kept unless ``--overwrite``.

The reader flags are the ``data`` keys of an experiment config with dashes
(``data.baseline_window_s``: ``--baseline-window-s``; ``data.cells_only: false``:
``--no-cells-only``). The spellings ``--all-rois``, ``--baseline-window`` and ``--series`` still
work for this release, with a notice.
"""

import argparse
import dataclasses
import sys

from calciumgan.core.cli import CommandParser, add_deprecated_spelling, number_in, positive_float, run_command
from calciumgan.data.arrays import convert_arrays, convert_recording
from calciumgan.data.readers import ReaderSettings, source_kind
from calciumgan.data.suite2p import TRACES

DEFAULTS = ReaderSettings()
READER_KEYS = {field.name for field in dataclasses.fields(ReaderSettings)}
SOURCES = {"recording": ".npy signals", "suite2p": "a Suite2p folder", "nwb": "an NWB file"}  # by source_kind
FLAG_SOURCES = {"--spikes": "recording", "--neurons-first": "recording", "--frames-first": "recording",
                "--subtract-baseline": "recording",
                "--neuropil-coefficient": "suite2p", "--no-cells-only": "suite2p", "--suite2p-spikes": "suite2p",
                "--trace": "suite2p", "--baseline-percentile": "suite2p", "--baseline-window-s": "suite2p",
                "--nwb-series": "nwb"}  # fmt: skip


def parse_args(argv=None) -> argparse.Namespace:
    parser = CommandParser(prog="python -m calciumgan.prepare", description=__doc__.split("\n")[0])
    parser.add_argument("--signals", required=True, help=".npy traces (T, N), or (N, T) with --neurons-first; "
                        "a Suite2p plane folder; an .nwb file")  # fmt: skip
    parser.add_argument("--sampling-rate", type=positive_float, help="frames per second (Hz); required for .npy, "
                        "checked against a Suite2p or NWB file's rate")  # fmt: skip
    parser.add_out("output .h5, .hdf5 or .npz", required=True)
    parser.add_argument("--spikes", help=".npy: optional spike counts, same layout as --signals")
    layout = parser.add_mutually_exclusive_group()
    layout.add_argument("--neurons-first", action="store_true", help=".npy: arrays are (N, T), as Suite2p's F.npy")
    layout.add_argument("--frames-first", action="store_true",
                        help=".npy: arrays are (T, N), even with as many or fewer frames than neurons")  # fmt: skip
    parser.add_argument("--subtract-baseline", action="store_true", help=".npy: subtract each neuron's median first")
    parser.add_argument("--neuropil-coefficient", type=number_in(0), metavar="C",
                        help=f"Suite2p: c of F - c * Fneu (default {DEFAULTS.neuropil_coefficient})")  # fmt: skip
    every_roi = parser.add_argument("--no-cells-only", dest="cells_only", action="store_false",
                                    help="Suite2p: every ROI, not only iscell.npy's cells")  # fmt: skip
    add_deprecated_spelling(parser, every_roi, "--all-rois")
    parser.add_argument("--suite2p-spikes", action="store_true",
                        help="Suite2p: keep spks.npy as spikes (deconvolved activity, not spike counts)")  # fmt: skip
    parser.add_argument("--trace", choices=TRACES,
                        help=f"Suite2p: (F-F0)/F0, F-F0 or F - c * Fneu (default {DEFAULTS.trace})")  # fmt: skip
    parser.add_argument("--baseline-percentile", type=number_in(0, 100), metavar="P",
                        help=f"Suite2p: percentile of the running baseline F0 (default "
                        f"{DEFAULTS.baseline_percentile:g})")  # fmt: skip
    window = parser.add_argument("--baseline-window-s", type=positive_float, metavar="SECONDS",
                                 help=f"Suite2p: window of the running baseline F0 (default "
                                 f"{DEFAULTS.baseline_window_s:g} s)")  # fmt: skip
    add_deprecated_spelling(parser, window, "--baseline-window")
    series = parser.add_argument("--nwb-series", help="NWB: RoiResponseSeries, '<container>/<series>' or '<series>' "
                                                      "(default the first by name)")  # fmt: skip
    add_deprecated_spelling(parser, series, "--series")
    parser.add_overwrite()
    args = parser.parse_args(argv)
    kind = source_kind(args.signals)
    for flag, owner in FLAG_SOURCES.items():
        dest = flag.removeprefix("--no-").removeprefix("--").replace("-", "_")  # the flag is --NAME or --no-NAME
        if getattr(args, dest) != parser.get_default(dest) and owner != kind:
            parser.error(f"{flag} applies to {SOURCES[owner]} only, not to {args.signals}")
    if kind == "recording" and args.sampling_rate is None:
        parser.error(f"--sampling-rate is required for .npy signals ({args.signals})")
    return args


def reader_settings(args: argparse.Namespace) -> ReaderSettings:
    """The reader settings the flags give, the defaults elsewhere."""
    return ReaderSettings(**{name: value for name, value in vars(args).items()
                             if name in READER_KEYS and value is not None})  # fmt: skip


def convert(args: argparse.Namespace):
    """Write the recording file the arguments describe; return its path."""
    if source_kind(args.signals) == "recording":
        return convert_arrays(args.signals, args.sampling_rate, args.out, args.spikes, args.neurons_first,
                              args.subtract_baseline, args.overwrite, args.frames_first)  # fmt: skip
    return convert_recording(args.signals, args.out, reader_settings(args), args.sampling_rate, args.overwrite)


def main(argv=None) -> int:
    args = parse_args(argv)
    return run_command(lambda: convert(args))


if __name__ == "__main__":
    sys.exit(main())
