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

Callers add their own artefacts (JSON, HDF5) through :meth:`RunFolder.path`.
"""

import json
import pathlib
import zipfile

from calciumgan.core import config as config_loader
from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_path, remove_stale_partials, write_json_atomic
from calciumgan.core.folders import PYTHON_API, check_tool, record_tool
from calciumgan.training.checkpoints import list_checkpoints


class RunFolder:
    """A run folder at ``root`` whose ``config.yaml`` follows ``schema`` (a config dataclass).

    With a ``tool`` (a ``calciumgan.core.folders.Tool``) a folder that another tool made is refused here,
    and :meth:`start` records the tool; without one (a run inside another tool's folder) neither happens.
    """

    def __init__(self, root, schema: type, tool=None):
        self.root = pathlib.Path(root)
        self.schema = schema
        self.tool = tool
        if tool:
            check_tool(self.root, tool)

    def path(self, name: str) -> pathlib.Path:
        return self.root / name

    @property
    def config_path(self) -> pathlib.Path:
        return self.path("config.yaml")

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

    @staticmethod
    def same_training(config):
        """What must not change between a run and its resumption; subclasses may leave out, say, the epochs."""
        return config

    def check_resumable(self, config) -> None:
        """A ``RunError`` if this folder holds training done with a different :meth:`same_training` part.

        A folder where no training happened yet (a first attempt that failed early) accepts any config.
        """
        if self.has_trained() and self.same_training(self.config()) != self.same_training(config):
            raise RunError(f"{self.config_path}: this run folder was trained with a different configuration; "
                           "choose a new --out folder")  # fmt: skip

    def start(self, config, made_by: str = PYTHON_API) -> None:
        """Create the folder with ``config`` (after :meth:`check_resumable`), removing temporary files
        that a killed process left behind; a folder with a tool records it and the command ``made_by``."""
        self.check_resumable(config)
        self.root.mkdir(parents=True, exist_ok=True)
        for folder in (self.root, self.checkpoints):
            remove_stale_partials(folder)
        config_loader.save_config(config, self.config_path)
        if self.tool:
            record_tool(self.root, self.tool, made_by)

    def config(self):
        """The run's configuration, an instance of the schema."""
        self.require(self.config_path)
        return config_loader.load_config(self.config_path, self.schema, shipped_folder=None)

    def write_json(self, name: str, payload) -> None:
        write_json_atomic(self.path(name), payload)

    def read_json(self, name: str):
        path = self.require(self.path(name))
        try:
            return json.loads(path.read_text())
        except ValueError as error:
            raise RunError(f"{path}: not readable JSON ({error})") from None

    def save_model(self, model, path: pathlib.Path) -> None:
        """Write a Keras model as a ``.keras`` file, atomically."""
        with atomic_path(path) as temporary:
            model.save(temporary)

    def load_model(self, path: pathlib.Path):
        """Load a ``.keras`` model written by ``save_model`` (safe mode on), under any backend."""
        self.require(path)
        return load_saved_model(path)

    def require(self, path: pathlib.Path) -> pathlib.Path:
        if not path.is_file():
            raise RunError(f"{path}: missing; is {self.root} a finished training run?")
        return path


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
