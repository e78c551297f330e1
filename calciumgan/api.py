"""The Python API for notebooks: open a finished run, score arrays of traces.

    import calciumgan
    run = calciumgan.load_run("runs/calciumgan/demo")
    synthetic = run.sample(200, seed=1)                  # (200, window, N) in the recording's units
    real = run.load_data().validation.signals            # (T, N): the held-out block
    calciumgan.evaluate_arrays(real, synthetic, run.sampling_rate).table()  # row -> {statistic: KL}
"""

from calciumgan.evaluation.pipeline import Evaluation, evaluate_arrays
from calciumgan.run import CalciumRun

__all__ = ["CalciumRun", "Evaluation", "evaluate_arrays", "load_run"]


def load_run(path) -> CalciumRun:
    """The finished training run in folder ``path``; a one-line :class:`RunError` otherwise."""
    run = CalciumRun(path)
    run.check_finished()
    run.config()
    return run
