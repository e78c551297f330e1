"""Judge synthetic traces by the spikes inferred from them (thesis §3.2, §4.3.1, Table 4.3).

    python -m calciumgan.evaluate --run runs/calciumgan/demo
    python -m calciumgan.evaluate --run runs/calciumgan/demo --synthetic samples.nwb --out reports/samples
    python -m calciumgan.evaluate --real held_out.h5 --synthetic samples.h5 --out reports/mine

With ``--run``, real data are windows of the run's held-out validation block, and the
table compares, each against them: windows of the training block (the real-versus-real
floor), the trained generator, the same generator untrained, a dichotomized-Gaussian
model and independent Poisson neurons fitted to the training block's inferred spikes.
Spikes of every set of traces come from the same OASIS call. ``report.json``,
``report.md`` and the figures are written to ``--out`` (default ``<run>/evaluation``).
With ``--run`` and ``--synthetic``, a samples file of the run's neurons (from this run, another
run on the same recording, or elsewhere) takes the trained generator's place, against the same
held-out block, floor and baselines.

With ``--real`` and ``--synthetic``, any two inputs are compared: each holds either samples
(K, T, N) (the output of ``calciumgan.generate``, HDF5 or NWB) or one recording (T, N) (a
recording file, a Suite2p folder or an NWB file, read with the default reader settings),
which is cut into evenly spaced windows of the other input's length. ``--train``
names the data the spike-inference calibration, the real-versus-real floor and the baselines
are fitted on (the recording the generator was trained on); without it they are fitted on the
real file itself, and the report says so.

Spike inference is ``calibrated`` (per-neuron values fitted on training data, applied to every
set) unless ``--spike-inference`` (or the run's ``evaluate.spike_inference``) says otherwise;
``auto`` keeps the thesis's ``fixed`` rule for its dichotomized-Gaussian surrogates.

The work is done by ``calciumgan.evaluation.pipeline``; the report by ``.report``.
"""

import pathlib
import sys

from calciumgan.core.cli import CommandParser, add_deprecated_spelling, positive_int, run_command
from calciumgan.core.files import check_output_folder
from calciumgan.evaluation.inference import MODES


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m calciumgan.evaluate", description=__doc__.split("\n")[0])
    parser.add_run("run folder written by calciumgan.train", required=False)
    parser.add_argument("--real", help="real traces: samples, a recording, a Suite2p folder or an NWB file")
    parser.add_argument("--synthetic", help="synthetic traces: samples (.h5 or .nwb) or a recording; with --run, "
                                            "samples of the run's neurons scored against its held-out block")
    parser.add_out("report folder (default: <run>/evaluation)")
    parser.add_argument("--train", help="training data for calibration, floor and baselines (with --real)")
    parser.add_argument("--spike-inference", choices=("auto", *MODES), help="inference mode (default: auto)")
    spikes_only = parser.add_argument("--no-baseline-traces", dest="baseline_traces", action="store_false",
                                      default=None, help="score the baselines' spikes directly instead of as "
                                      "traces (evaluate.baseline_traces: false)")  # fmt: skip
    add_deprecated_spelling(parser, spikes_only, "--thesis-baselines")
    parser.add_argument("--num-samples", type=positive_int,
                        help="samples per set (default: the run's evaluate.num_samples)")  # fmt: skip
    parser.add_argument("--scheduler", help="address of a Dask distributed scheduler to run spike inference and "
                                            "statistics on (evaluate.scheduler), e.g. tcp://10.0.0.5:8786")  # fmt: skip
    args = parser.parse_args(argv)
    if bool(args.run) == bool(args.real) or not (args.run or args.synthetic):
        parser.error("give --run (and optionally --synthetic), or both --real and --synthetic")
    if args.synthetic and not args.out:
        parser.error("--out is required with --synthetic")
    if args.train and not args.real:
        parser.error("--train goes with --real and --synthetic (a run knows its training block)")

    def action():
        # Imported here: spike-inference workers re-import this module and should stay light.
        from calciumgan.evaluation.pipeline import evaluate_files
        from calciumgan.evaluation.report import write_report
        from calciumgan.evaluation.settings import EvaluateConfig
        from calciumgan.run_evaluation import evaluate_run, evaluate_samples_of_run

        out = check_output_folder(args.out or pathlib.Path(args.run) / "evaluation")
        given = ("num_samples", "spike_inference", "baseline_traces", "scheduler")  # evaluate keys, as the flags spell them
        overrides = {key: getattr(args, key) for key in given if getattr(args, key) is not None}
        if args.run and args.synthetic:
            evaluation = evaluate_samples_of_run(args.run, args.synthetic, out, overrides)
        elif args.run:
            evaluation = evaluate_run(args.run, overrides)
        else:
            evaluation = evaluate_files(args.real, args.synthetic, EvaluateConfig(**overrides), out, args.train)
        write_report(evaluation, out)
        return out

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
