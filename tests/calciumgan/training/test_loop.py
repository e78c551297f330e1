"""The generic training loop: run folder, TensorBoard scalars, NaN stop, exact resume."""

import dataclasses
import logging

import h5py
import keras
import numpy as np
import pytest
from keras import ops
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from calciumgan.core.errors import RunError
from calciumgan.models.registry import build_models
from calciumgan.training.checkpoints import list_checkpoints
from calciumgan.training.data import GANData, shuffled_batches
from calciumgan.training.gan import GAN, LOG_NAMES
from calciumgan.training.loop import Schedule, TrainingDiverged, train_gan
from calciumgan.training.run_folder import RunFolder

# Training loops with checkpoints on disk. The loop's logic is the same on every backend; the JAX lane
# (-m backend) runs the exact resume with every trick, where the backends' seed and optimizer states differ.
pytestmark = pytest.mark.slow

WINDOW, NEURONS, SAMPLES = 16, 3, 40


@dataclasses.dataclass(frozen=True)
class Toy:
    size: int = 1


def _gan(**tricks):
    keras.utils.set_random_seed(0)
    arguments = {"window": WINDOW, "num_neurons": NEURONS, "noise_dim": 4, "filters": 4, "kernel_size": 4,
                 "strides": 2, "num_blocks": 3, "normalization": "layer", "convolutions": "fast", "phase_shuffle": 1}
    gan = GAN(*build_models("wavegan", arguments), n_critic=2, seed=0, **tricks)
    gan.compile(keras.optimizers.Adam(1e-3, 0.5, 0.9), keras.optimizers.Adam(1e-3, 0.5, 0.9))
    return gan


def _data(poisoned_batch=None, batch_size=4):
    """Samples (SAMPLES + 1, WINDOW, NEURONS); the last is NaN and is drawn only as batch ``poisoned_batch``."""
    samples = np.random.default_rng(1).random((SAMPLES + 1, WINDOW, NEURONS), np.float32)
    samples[-1] = np.nan

    def batches(skip):
        for number, indices in enumerate(shuffled_batches(np.arange(SAMPLES), batch_size, seed=2, skip_batches=skip)):
            yield np.full_like(indices, SAMPLES) if number + skip == poisoned_batch else indices

    return GANData(train_arrays=(samples,), train_batches=batches, validation_arrays=(samples[:SAMPLES],),
                   validation_batches=[np.arange(0, 8), np.arange(8, 12)],
                   assemble=lambda batch: ops.take(batch[0][0], batch[1], axis=0))  # fmt: skip


def _run(folder):
    return RunFolder(folder, Toy)


def test_run_folder_models_and_scalars(tmp_path):
    gan, run = _gan(), _run(tmp_path)
    run.start(Toy())
    initial = [np.array(weights) for weights in gan.generator.get_weights()]
    logs = train_gan(gan, _data(), Schedule(epochs=3, steps_per_epoch=2, checkpoint_every=2), run, progress=False)
    assert [path.name for path in list_checkpoints(run.checkpoints)] == ["epoch-00002.h5", "epoch-00003.h5"]
    untrained = run.load_model(run.untrained_generator_path)
    assert all(np.array_equal(a, b) for a, b in zip(untrained.get_weights(), initial))
    trained = run.load_model(run.generator_path)
    assert all(np.array_equal(a, b) for a, b in zip(trained.get_weights(), gan.generator.get_weights()))
    assert not all(np.array_equal(a, b) for a, b in zip(trained.get_weights(), initial))
    for folder, prefix in (("train", ""), ("validation", "val_")):
        events = EventAccumulator(str(run.logs / folder))
        events.Reload()
        assert set(events.Tags()["scalars"]) == set(LOG_NAMES)
        for name in LOG_NAMES:
            scalars = events.Scalars(name)
            assert [scalar.step for scalar in scalars] == [1, 2, 3]
            assert scalars[-1].value == pytest.approx(logs[prefix + name], rel=1e-6)


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path):
    run = _run(tmp_path)
    with pytest.raises(TrainingDiverged, match=r"critic_loss became nan at epoch 3, iteration 2; the last good "
                                               r"checkpoint is .*epoch-00002.h5"):  # fmt: skip
        train_gan(_gan(), _data(poisoned_batch=5), Schedule(epochs=5, steps_per_epoch=2), run, progress=False)
    assert [path.name for path in list_checkpoints(run.checkpoints)] == ["epoch-00001.h5", "epoch-00002.h5"]
    assert not run.generator_path.exists()


def _assert_same_checkpoints(first, second):
    with h5py.File(first) as full, h5py.File(second) as split:
        assert len(full) == len(split) > 40
        assert sum(full[name].attrs["path"].endswith("seed_generator_state") for name in full) == 3
        for name in full:
            np.testing.assert_array_equal(split[name][()], full[name][()], err_msg=full[name].attrs["path"])


@pytest.mark.parametrize("tricks", [{}, pytest.param({"ema_decay": 0.9, "orthogonal_regularization": 1e-3},
                                                    marks=pytest.mark.backend)],
                         ids=["plain", "average_and_orthogonal"])  # fmt: skip
def test_resumed_training_equals_uninterrupted_training(tmp_path, tricks):
    """Every variable (weights, the generator's average, both optimizers, every seed state) and the saved
    models agree bit for bit."""
    schedule = Schedule(epochs=4, steps_per_epoch=3)
    train_gan(_gan(**tricks), _data(), schedule, _run(tmp_path / "full"), progress=False)
    train_gan(_gan(**tricks), _data(), dataclasses.replace(schedule, epochs=2), _run(tmp_path / "split"),
              progress=False)  # fmt: skip
    train_gan(_gan(**tricks), _data(), schedule, _run(tmp_path / "split"), progress=False)  # resumes after epoch 2
    _assert_same_checkpoints(tmp_path / "full/checkpoints/epoch-00004.h5",
                             tmp_path / "split/checkpoints/epoch-00004.h5")
    names = ["generator.keras", "critic.keras"] + (["generator_ema.keras"] if tricks else [])
    assert (tmp_path / "full/generator_ema.keras").exists() == bool(tricks)
    for name in names:
        full, split = (_run(tmp_path / folder).load_model(tmp_path / folder / name) for folder in ("full", "split"))
        for a, b in zip(full.get_weights(), split.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_a_damaged_newest_checkpoint_falls_back_to_the_previous_one(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    schedule = Schedule(epochs=3, steps_per_epoch=3)
    train_gan(_gan(), _data(), schedule, _run(tmp_path / "full"), progress=False)
    train_gan(_gan(), _data(), dataclasses.replace(schedule, epochs=2), _run(tmp_path / "cut"), progress=False)
    newest = tmp_path / "cut/checkpoints/epoch-00002.h5"
    newest.write_bytes(newest.read_bytes()[:1000])  # a disk that filled up mid-write
    train_gan(_gan(), _data(), schedule, _run(tmp_path / "cut"), progress=False)
    assert "epoch-00002.h5: damaged" in caplog.text and "falling back to the previous checkpoint" in caplog.text
    assert "resuming from" in caplog.text and "epoch-00001.h5 after epoch 1" in caplog.text
    _assert_same_checkpoints(tmp_path / "full/checkpoints/epoch-00003.h5", tmp_path / "cut/checkpoints/epoch-00003.h5")


def test_every_checkpoint_damaged_is_one_error(tmp_path):
    run = _run(tmp_path)
    train_gan(_gan(), _data(), Schedule(epochs=2, steps_per_epoch=1), run, progress=False)
    for path in list_checkpoints(run.checkpoints):
        path.write_bytes(b"")
    with pytest.raises(RunError, match=r"every checkpoint is damaged \(epoch-00001.h5, epoch-00002.h5\)"):
        train_gan(_gan(), _data(), Schedule(epochs=3, steps_per_epoch=1), run, progress=False)
