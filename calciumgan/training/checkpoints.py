"""Training checkpoints holding every variable that decides how training continues.

That is the generator and critic weights, both optimizers' state (moments,
iteration counts, loss scale) and the random-number streams of the GAN and its
phase-shuffle layers. Together with the data stream, which is a pure function of
the seed and the number of windows consumed, a resumed run continues exactly as
an uninterrupted one would.

A checkpoint is one HDF5 file ``epoch-00012.h5`` with datasets ``0, 1, ...`` (in
the order of ``training_variables``; each has its variable's path as attribute
``path``) and root attribute ``epoch``, the number of completed epochs.
"""

import pathlib
import re

import h5py
import numpy as np

from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_path

CHECKPOINT_NAME = re.compile(r"epoch-(\d+)\.h5$")


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
    with atomic_path(path) as temporary, h5py.File(temporary, "w") as file:
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
    """Load ``path`` into a compiled ``gan``; return the number of completed epochs."""
    variables = training_variables(gan)
    with h5py.File(path, "r") as file:
        if len(file.keys()) != len(variables):
            raise RunError(
                f"{path}: holds {len(file.keys())} variables, the model has {len(variables)}; "
                "was it written by a different configuration?"
            )
        for index, variable in enumerate(variables):
            stored = file[str(index)]
            if stored.shape != tuple(variable.shape):
                raise RunError(
                    f"{path}: variable {index} ({stored.attrs['path']}) has shape {stored.shape}, "
                    f"the model's {variable.path} has {tuple(variable.shape)}"
                )
            variable.assign(stored[()])
        return int(file.attrs["epoch"])
