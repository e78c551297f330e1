"""Evaluate a finished run folder (the library side of ``calciumgan.evaluate --run``): its generator, or a
samples file of its neurons, against the run's held-out validation block.

Both read the folder through :class:`calciumgan.run.CalciumRun` alone (no data stage, no model
building) and score through ``calciumgan.evaluation.pipeline``; the floor, the calibration, the
baselines and the memorisation check take the run's training block.
"""

import dataclasses

import numpy as np

from calciumgan.core.errors import RecordingError
from calciumgan.evaluation.pipeline import SYNTHETIC_TITLE, Evaluation, compare_into, evaluate_generator
from calciumgan.evaluation.settings import EvaluateConfig
from calciumgan.evaluation.trace_files import TraceFile, check_sample_shape
from calciumgan.run import CalciumRun


def evaluate_run(run_dir, overrides: dict | None = None) -> Evaluation:
    """Evaluate the generator of the run in ``run_dir`` against its held-out block.

    ``overrides`` replace keys of the run's ``evaluate`` section (e.g. ``{"num_samples": 64}``).
    """
    run = CalciumRun(run_dir)
    run.check_finished()
    experiment, info = run.config(), run.recording_info()
    config, window = _run_config(experiment.evaluate, info["source"], overrides), experiment.data.window
    check_sample_shape(window, len(info["neuron_ids"]), run.sampling_rate, config, str(run.config_path))
    source = {"run": str(run.root), "recording": info["source"], "window": window}
    return evaluate_generator(run.load_data(), run.sample, config, window, source)


def evaluate_samples_of_run(run_dir, synthetic_path, out, overrides: dict | None = None) -> Evaluation:
    """Score a samples file against the held-out validation block of the run in ``run_dir``.

    The samples (HDF5 or NWB, as ``calciumgan.generate`` writes them) must hold the run's neurons, in
    its order, at its sampling rate; ``overrides`` replace keys of the run's ``evaluate`` section.
    There is no untrained-generator row: the samples may come from anywhere.
    """
    run = CalciumRun(run_dir)
    config = _run_config(run.config().evaluate, run.recording_info()["source"], overrides)
    data, synthetic = run.load_data(), TraceFile.open(synthetic_path)
    rate, ids = data.recording.sampling_rate, data.recording.neuron_ids
    if not np.array_equal(synthetic.neuron_ids, ids):
        raise RecordingError(f"{synthetic_path}: neurons {_shown(synthetic.neuron_ids)} are not the run's "
                             f"{_shown(ids)} ({run.recording_path}); score samples of this run's neurons")  # fmt: skip
    real = TraceFile(f"{run.root} (held-out validation block)", rate, ids, recording=data.validation.signals)
    train = TraceFile(f"{run.root} (training block)", rate, ids, recording=data.train.signals)
    return compare_into(out, real, synthetic, train, config, SYNTHETIC_TITLE)


def _run_config(section: EvaluateConfig, source: str, overrides: dict | None) -> EvaluateConfig:
    """A run's ``evaluate`` section with ``overrides``, its spike-inference mode resolved for the run's data
    ``source`` (``recording.json``'s)."""
    return dataclasses.replace(section, **(overrides or {})).resolved(source)


def _shown(ids: np.ndarray) -> str:
    """Neuron ids for a message: all of a few, the count and the first ones of many."""
    ids = np.asarray(ids).tolist()
    return str(ids) if len(ids) <= 6 else f"({len(ids)}) [{', '.join(map(str, ids[:5]))}, ...]"
