"""The Python API for notebooks: open a finished run, score arrays of traces.

    import calciumgan
    run = calciumgan.load_run("runs/demo")
    samples = run.sample(100, seed=1)                    # (100, window, N) in the recording's units
    evaluation = calciumgan.evaluate_arrays(real, samples, run.recording_info()["sampling_rate"])
    evaluation.table()                                   # row -> {statistic: mean KL divergence}
"""

from calciumgan.core.errors import RunError
from calciumgan.evaluation.pipeline import Evaluation, evaluate_arrays
from calciumgan.run import CalciumRun

__all__ = ["CalciumRun", "Evaluation", "evaluate_arrays", "load_run"]


def load_run(path) -> CalciumRun:
    """The finished training run in folder ``path``; a one-line :class:`RunError` otherwise."""
    run = CalciumRun(path)
    if not run.root.is_dir():
        raise RunError(f"{run.root}: no such run folder")
    needed = (run.config_path, run.recording_path, run.path("recording.json"), run.scaler_path,
              run.untrained_generator_path, run.generator_path)  # fmt: skip
    missing = [path.name for path in needed if not path.is_file()]
    if missing:
        raise RunError(f"{run.root}: not a finished training run (missing {', '.join(missing)}); "
                       f"finish it with python -m calciumgan.train --config CONFIG --out {run.root}")  # fmt: skip
    run.config()
    return run
