"""Evaluate an LFP experiment: Table 5.1 (train and test images) and the figures.

    python -m lfp.evaluate --run runs/lfp/demo

Scores every finished GAN run in the experiment folder (``gan-scratch``, ``gan-pretrained``)
against held-out showings, beside Gaussian noise and two real-versus-real floors
(``lfp.evaluation.table``), and writes ``report/report.md``, ``report/report.json`` and the
figures. Inception-v3 FID / IS are added only with local weights (``--inception-weights`` or
``LFP_INCEPTION_WEIGHTS``); nothing is downloaded, and weights given but unusable are an error.
"""

import sys

from calciumgan.core.cli import CommandParser, run_command


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m lfp.evaluate", description=__doc__.split("\n")[0])
    parser.add_run("experiment folder written by lfp.pretrain / lfp.train")
    parser.add_argument("--inception-weights", help="local Inception-v3 weights (.h5) for FID / IS")
    args = parser.parse_args(argv)

    def action():
        from lfp.evaluation.report import evaluate_experiment
        from lfp.experiment import Experiment

        evaluate_experiment(args.run, inception_weights=args.inception_weights)
        return Experiment(args.run).report

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
