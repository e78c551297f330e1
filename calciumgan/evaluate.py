"""Judge synthetic traces by the spikes inferred from them (thesis §3.2, §4.3.1, Table 4.3).

    python -m calciumgan.evaluate --run runs/demo
    python -m calciumgan.evaluate --real held_out.h5 --synthetic samples.h5 --out reports/mine

With ``--run``, real data are windows of the run's held-out validation block, and the
table compares, each against them: windows of the training block (the real-versus-real
floor), the trained generator, the same generator untrained, a dichotomized-Gaussian
model and independent Poisson neurons fitted to the training block's inferred spikes.
Spikes of every set of traces come from the same OASIS call. ``report.json``,
``report.md`` and the figures are written to ``--out`` (default ``<run>/evaluation``).

With ``--real`` and ``--synthetic``, any two files are compared: each holds ``signals``
either as samples (K, T, N) (the output of ``calciumgan.generate``) or as one recording
(T, N), which is cut into evenly spaced windows of the other file's length.

The work is done by ``calciumgan.evaluation.pipeline``; the report by ``.report``.
"""

import pathlib
import sys

from calciumgan.core.cli import CommandParser, positive_int, run_command
from calciumgan.core.files import check_output_folder


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m calciumgan.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("--run", help="run folder written by calciumgan.train")
    parser.add_argument("--real", help="file of real traces (samples or a recording)")
    parser.add_argument("--synthetic", help="file of synthetic traces (samples or a recording)")
    parser.add_argument("--out", help="report folder (default: <run>/evaluation)")
    parser.add_argument("--num-samples", type=positive_int,
                        help="samples per set (default: the run's evaluate.num_samples)")  # fmt: skip
    args = parser.parse_args(argv)
    if bool(args.run) == bool(args.real or args.synthetic) or bool(args.real) != bool(args.synthetic):
        parser.error("give either --run, or both --real and --synthetic")
    if args.real and not args.out:
        parser.error("--out is required with --real and --synthetic")

    def action():
        # Imported here: spike-inference workers re-import this module and should stay light.
        from calciumgan.config import EvaluateConfig
        from calciumgan.evaluation.pipeline import evaluate_files, evaluate_run
        from calciumgan.evaluation.report import write_report

        out = check_output_folder(args.out or pathlib.Path(args.run) / "evaluation")
        if args.run:
            evaluation = evaluate_run(args.run, args.num_samples)
        else:
            config = EvaluateConfig(**({"num_samples": args.num_samples} if args.num_samples else {}))
            evaluation = evaluate_files(args.real, args.synthetic, config, out)
        write_report(evaluation, out)

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
