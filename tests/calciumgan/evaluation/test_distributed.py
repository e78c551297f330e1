"""Spike inference and statistics as tasks of a Dask distributed cluster: the numbers of the in-process path."""

import numpy as np
import pytest

from calciumgan.api import evaluate_arrays
from calciumgan.config import EvaluateConfig
from calciumgan.core.errors import RecordingError
from calciumgan.evaluation.workers import infer_spikes_parallel

distributed = pytest.importorskip("distributed")

RATE = 24.0


@pytest.fixture(scope="module")
def cluster():
    """A local cluster of 2 worker processes, one thread each, as ``dask scheduler`` + 2 ``dask worker`` would be."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


def _sets(neurons=8, windows=40, frames=240):
    rng = np.random.default_rng(0)
    traces = 0.3 * rng.standard_normal((3, windows * frames, neurons)) + (rng.random((3, windows * frames, neurons))
                                                                           < 0.03)  # fmt: skip
    return (block.reshape(windows, frames, neurons).astype(np.float32) for block in traces)


def test_an_evaluation_on_two_dask_workers_equals_the_in_process_one(cluster):
    real, synthetic, train = _sets()
    here = EvaluateConfig(num_samples=40, workers=1, progress=False)
    there = EvaluateConfig(num_samples=40, progress=False, scheduler=cluster)
    local, remote = (evaluate_arrays(real, synthetic, RATE, config, train=train) for config in (here, there))
    for name in local.spikes:
        np.testing.assert_array_equal(remote.spikes[name], local.spikes[name])
        for statistic in ("firing_rate", "correlation", "van_rossum", "synchrony"):
            np.testing.assert_allclose(getattr(remote.statistics[name], statistic),
                                       getattr(local.statistics[name], statistic), rtol=1e-12, atol=1e-12)  # fmt: skip
    for row, means in local.table().items():
        assert remote.table()[row] == pytest.approx(means, rel=1e-12)
    assert remote.extras["verdicts"] == local.extras["verdicts"]


def test_inference_in_tasks_of_a_few_samples_each_equals_one_call(cluster):
    traces = next(_sets(neurons=3, windows=10))
    whole = infer_spikes_parallel(traces, workers=1, progress=False)
    np.testing.assert_array_equal(infer_spikes_parallel(traces, chunk_samples=3, progress=False, scheduler=cluster),
                                  whole)  # fmt: skip


def test_a_scheduler_that_does_not_answer_is_one_error_line(monkeypatch):
    monkeypatch.setattr("calciumgan.evaluation.workers.SCHEDULER_TIMEOUT_S", 1)
    traces = next(_sets(neurons=2, windows=2))
    with pytest.raises(RecordingError, match=r"evaluate.scheduler tcp://127.0.0.1:9: no Dask scheduler answers"):
        infer_spikes_parallel(traces, progress=False, scheduler="tcp://127.0.0.1:9")
