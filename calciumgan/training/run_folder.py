"""The files of one training run, in one folder (generic: any GAN, any config schema).

============================= =============================================================
``config.yaml``               the resolved configuration the run was started with
``checkpoints/``              ``epoch-NNNNN.h5`` training checkpoints
``logs/train``, ``logs/validation``  TensorBoard scalars per epoch
``untrained_generator.keras`` the generator before its first update (a reference for evaluation)
``generator.keras``           the trained generator, loadable in a fresh process
``generator_ema.keras``       the moving average of its weights, when training kept one
``critic.keras``              the trained critic
``tool.json``                 the tool, command and version that made a tool's folder (``core.folders``)
============================= =============================================================

The config, the same-settings check, the start and the JSON files are those of every tool's folder
(``calciumgan.core.folders.ToolFolder``); callers add their own artefacts (JSON, HDF5) through
:meth:`RunFolder.path`.
"""

import pathlib
import zipfile

from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_path
from calciumgan.core.folders import ToolFolder
from calciumgan.training.checkpoints import list_checkpoints


class RunFolder(ToolFolder):
    """A GAN's run folder at ``root`` whose ``config.yaml`` follows ``schema`` (see ``core.folders.ToolFolder``).

    Its config is fixed once training happened (:meth:`has_trained`): a folder where no training happened yet
    (a first attempt that failed early) accepts any config. Subclasses choose what a resumed run must keep
    (:meth:`same_part`; all of the config here).
    """

    work_folders = ("checkpoints",)
    no_config = missing_file = "{path}: missing; is {root} a finished training run?"
    different_settings = ("{path}: this run folder was trained with a different configuration; "
                          "choose a new --out folder")  # fmt: skip

    @property
    def checkpoints(self) -> pathlib.Path:
        return self.path("checkpoints")

    @property
    def logs(self) -> pathlib.Path:
        return self.path("logs")

    @property
    def generator_path(self) -> pathlib.Path:
        return self.path("generator.keras")

    @property
    def generator_ema_path(self) -> pathlib.Path:
        return self.path("generator_ema.keras")

    @property
    def critic_path(self) -> pathlib.Path:
        return self.path("critic.keras")

    @property
    def untrained_generator_path(self) -> pathlib.Path:
        return self.path("untrained_generator.keras")

    def has_trained(self) -> bool:
        """Whether training got as far as a checkpoint or a saved generator (then the run resumes)."""
        return bool(list_checkpoints(self.checkpoints)) or self.generator_path.is_file()

    holds_work = has_trained

    def save_model(self, model, path: pathlib.Path) -> None:
        """Write a Keras model as a ``.keras`` file, atomically."""
        with atomic_path(path) as temporary:
            model.save(temporary)

    def load_model(self, path: pathlib.Path):
        """Load a ``.keras`` model written by ``save_model`` (safe mode on), under any backend."""
        self.require(path)
        return load_saved_model(path)


def load_saved_model(path: pathlib.Path):
    """A ``.keras`` file as a model (safe mode on), with one-line ``RunError`` for a damaged or unsafe file."""
    import keras  # here, so that processes that only read JSON artefacts never load a backend (importing
    # Keras also registers this package's layers, see calciumgan/__init__.py)

    if not zipfile.is_zipfile(path):  # a file cut short loses the zip's closing record
        raise RunError(f"{path}: damaged, not a complete .keras archive (truncated or overwritten?)")
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as error:  # Keras raises many types for damaged or unsafe files
        raise RunError(f"{path}: cannot be loaded ({type(error).__name__}: {error})".replace("\n", " ")) from None
