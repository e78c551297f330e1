"""Search the CalciumGAN variants' hyper-parameters with keras-tuner.

    python -m tuning.search --config demo                 # a handful of CPU trials, runs/tuning/demo
    python -m tuning.search --config thesis --out runs/tuning/thesis
    python -m tuning.search --run runs/tuning/demo        # the table of trials so far
    python -m tuning.search --config demo --restart-trial 3  # train trial 3 again, then go on

Re-running the same command in the same folder continues the search: finished trials are kept
and an interrupted one resumes from its checkpoint. A damaged trial record or keras-tuner file
stops it (and ``--run``) with one line naming the file and what to do; ``--restart-trial ID``
deletes that trial's run folder and has keras-tuner hand the trial out again. When the search
ends, ``<out>/best.yaml`` is the best trial's experiment config, for ``python -m calciumgan.train
--config DIR/best.yaml``; a search that ends with no completed trial exits with status 2 after
listing why each one failed.
For a distributed search set keras-tuner's ``KERASTUNER_TUNER_ID`` (``chief``, ``tuner0``,
...), ``KERASTUNER_ORACLE_IP`` and ``KERASTUNER_ORACLE_PORT`` and start the same command once
per process (docs/guide/tuning.md).
"""

import logging
import os
import pathlib
import sys
import time

from calciumgan.core.cli import CommandParser, add_deprecated_spelling, default_folder, run_command
from calciumgan.core.errors import ConfigError, RunError


def parse_args(argv=None):
    parser = CommandParser(prog="python -m tuning.search", description=__doc__.split("\n")[0])
    parser.add_config("demo, thesis, realistic_cpu", required=False)
    add_deprecated_spelling(parser, parser.add_out("search folder", "tuning"), "--dir")
    add_deprecated_spelling(parser, parser.add_run("search folder whose trials to list (and stop)", required=False),
                            "--summary")  # fmt: skip
    parser.add_argument("--restart-trial", metavar="ID",
                        help="delete trial ID's run folder and train it again before the search goes on")  # fmt: skip
    args = parser.parse_args(argv)
    if bool(args.config) == bool(args.run):
        parser.error("give --config (to search) or --run (to list a search's trials)")
    if args.run and (args.out or args.restart_trial is not None):
        parser.error("--out and --restart-trial go with --config, not with --run")
    return args


def _check_same_search(search, folder: pathlib.Path) -> None:
    from calciumgan.core.config import save_config
    from tuning.config import load_search_config

    snapshot = folder / "search.yaml"
    if snapshot.is_file():
        if load_search_config(snapshot) != search:
            raise ConfigError(f"{snapshot}: this folder holds a different search; choose a new --out")
        return
    folder.mkdir(parents=True, exist_ok=True)
    save_config(search, snapshot)


def _report(folder: pathlib.Path) -> tuple[pathlib.Path | None, list]:
    """Print the trial table and the best config's path; return that path (``None`` when no trial has
    completed) and the trial records."""
    from tuning.results import read_records, trial_table, write_best_config

    records = read_records(folder)
    print(trial_table(records))
    best = write_best_config(folder, records)
    print(f"\nbest config: {best}" if best else "\nno trial has completed yet")
    return best, records


def main(argv=None) -> int:
    args = parse_args(argv)

    def action():
        if args.run:
            folder = pathlib.Path(args.run)
            if not (folder / "search.yaml").is_file():
                raise ConfigError(f"{folder}: not a search folder (no search.yaml)")
            _report(folder)
            return
        from calciumgan.config import load_config
        from calciumgan.core.files import check_output_folder
        from tuning.config import load_search_config
        from tuning.results import failure_summary, read_records
        from tuning.tuner import CalciumTuner

        search = load_search_config(args.config)
        load_config(search.base)  # one clear line now rather than a failed trial per trial
        folder = check_output_folder(args.out or default_folder("tuning", args.config))
        _check_same_search(search, folder)
        start = time.perf_counter()
        tuner = CalciumTuner(search, folder)
        if args.restart_trial is not None:
            tuner.restart_trial(args.restart_trial)
        read_records(folder)  # a damaged record stops the search here, before it runs a trial
        tuner.search(verbose=0)
        seconds = time.perf_counter() - start
        logging.getLogger(__name__).info(
            "searched for %.0f s, %.0f s of it inside trials; the tuner outside them (oracle, records) %.1f s",
            seconds, tuner.trial_seconds, seconds - tuner.trial_seconds,
        )  # fmt: skip
        if os.environ.get("KERASTUNER_TUNER_ID", "chief") == "chief" or "KERASTUNER_ORACLE_IP" not in os.environ:
            best, records = _report(folder)
            if best is None:
                raise RunError(f"{folder}: the search ended and none of its {len(records)} trials completed: "
                               f"{failure_summary(records)}")  # fmt: skip
        return folder

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
