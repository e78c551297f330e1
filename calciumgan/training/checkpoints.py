"""Training checkpoints holding every variable that decides how training continues.

That is the generator and critic weights, the moving average of the generator's
weights where the GAN keeps one, both optimizers' state (moments, iteration counts,
loss scale) and the random-number streams of the GAN and its phase-shuffle layers.
Together with the data stream, which is a pure function of the seed and the number of
windows consumed, a resumed run continues exactly as an uninterrupted one would.

A checkpoint is one HDF5 file ``epoch-00012.h5`` with datasets ``0, 1, ...`` (in
the order of ``training_variables``; each has its variable's path as attribute
``path``) and root attribute ``epoch``, the number of completed epochs. A checkpoint that
cannot be read (a disk filled up, a file copied half-way) is skipped on resumption in favour
of the previous one.
"""

import logging
import pathlib
import re

import h5py
import numpy as np

from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_hdf5

logger = logging.getLogger(__name__)

CHECKPOINT_NAME = re.compile(r"epoch-(\d+)\.h5$")


class DamagedCheckpoint(RunError):
    """A checkpoint file that cannot be read completely."""


def training_variables(gan) -> list:
    """Variables of the models (weights and seed states) and of both optimizers, without repeats."""
    unique = {}
    for variable in gan.variables + gan.g_optimizer.variables + gan.d_optimizer.variables:
        unique.setdefault(id(variable), variable)
    return list(unique.values())


def save_checkpoint(gan, directory, epoch: int, keep: int) -> pathlib.Path:
    """Write the checkpoint after ``epoch`` completed epochs; keep only the newest ``keep``."""
    directory = pathlib.Path(directory)
    path = directory / f"epoch-{epoch:05d}.h5"
    with atomic_hdf5(path) as file:
        file.attrs["epoch"] = epoch
        for index, variable in enumerate(training_variables(gan)):
            dataset = file.create_dataset(str(index), data=np.asarray(variable))
            dataset.attrs["path"] = variable.path
    for stale in list_checkpoints(directory)[:-keep]:
        stale.unlink()
    return path


def list_checkpoints(directory) -> list:
    """Checkpoint files in ``directory``, oldest first."""
    directory = pathlib.Path(directory)
    if not directory.is_dir():
        return []
    found = [path for path in directory.iterdir() if CHECKPOINT_NAME.match(path.name)]
    return sorted(found, key=lambda path: int(CHECKPOINT_NAME.match(path.name).group(1)))


def restore_checkpoint(gan, path) -> int:
    """Load ``path`` into a compiled ``gan``; return the number of completed epochs.

    The file is read whole before any variable changes: a ``DamagedCheckpoint`` leaves the GAN
    as it was; a checkpoint of a different model is a ``RunError``.
    """
    variables = training_variables(gan)
    arrays, epoch = _read_checkpoint(path)
    if len(arrays) != len(variables):
        raise RunError(f"{path}: holds {len(arrays)} variables, the model has {len(variables)}; "
                       "was it written by a different configuration?")  # fmt: skip
    for index, (variable, (stored_path, array)) in enumerate(zip(variables, arrays)):
        if array.shape != tuple(variable.shape):
            raise RunError(f"{path}: variable {index} ({stored_path}) has shape {array.shape}, "
                           f"the model's {variable.path} has {tuple(variable.shape)}")  # fmt: skip
    for variable, (_, array) in zip(variables, arrays):
        variable.assign(array)
    return epoch


def _read_checkpoint(path) -> tuple[list, int]:
    """[(variable path, array)] in order, and the epoch; ``DamagedCheckpoint`` if any part is unreadable."""
    try:
        with h5py.File(path, "r") as file:
            count = len(file.keys())
            arrays = [(file[str(index)].attrs["path"], file[str(index)][()]) for index in range(count)]
            return arrays, int(file.attrs["epoch"])
    except (OSError, KeyError, RuntimeError, ValueError) as error:
        raise DamagedCheckpoint(f"{path}: damaged ({type(error).__name__}: {error})".replace("\n", " ")) from None


def restore_latest(gan, directory) -> int:
    """Restore the newest readable checkpoint of ``directory``; return its epoch (0 when there is none).

    Damaged checkpoints are skipped with a warning; if every one is damaged, a ``RunError`` says so.
    """
    checkpoints = list_checkpoints(directory)
    for path in reversed(checkpoints):
        try:
            epoch = restore_checkpoint(gan, path)
        except DamagedCheckpoint as error:
            logger.warning("%s; falling back to the previous checkpoint", error)
            continue
        logger.info("resuming from %s after epoch %d", path, epoch)
        return epoch
    if checkpoints:
        raise RunError(f"{directory}: every checkpoint is damaged ({', '.join(path.name for path in checkpoints)}); "
                       "delete them to train from scratch")  # fmt: skip
    return 0
