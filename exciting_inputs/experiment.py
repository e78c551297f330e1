"""An MEI experiment folder: the simulated dataset, then the selection, response model and report.

======================= ==============================================================
``config.yaml``         the resolved experiment config (the last command's)
``tool.json``           the tool ("mei"), command and version that made it (``calciumgan.core.folders``)
``dataset.h5``          images, trials and true neurons (``exciting_inputs.dataset``), by ``exciting_inputs.simulate``
``selection.json``      oracle correlation, variance and selection of every neuron, by ``exciting_inputs.fit``
``split.json``          training, validation and test images (indices into ``dataset.h5``)
``response_model.keras`` the fitted response model, loadable in a fresh process
``history.json``        losses and correlations per epoch, the best epoch, the fitted neurons
``report/``             ``report.json``, ``report.md``, ``test_vs_oracle.png``
======================= ==============================================================

``exciting_inputs.fit`` refuses a config whose simulation part differs from the one the dataset was made with;
every command refuses a folder that another tool made.
"""

import pathlib

from calciumgan.core import config as config_loader
from calciumgan.core.errors import RunError
from calciumgan.core.files import check_output_folder, write_json_atomic
from calciumgan.core.folders import MEI, PYTHON_API, check_tool, record_tool
from exciting_inputs.config import MEIConfig
from exciting_inputs.dataset import ResponseDataset, load_dataset, save_dataset


class Experiment:
    """The experiment folder at ``root``; one that another tool made is refused (``calciumgan.core.folders``)."""

    def __init__(self, root):
        self.root = pathlib.Path(root)
        check_tool(self.root, MEI)

    def path(self, name: str) -> pathlib.Path:
        return self.root / name

    @property
    def config_path(self) -> pathlib.Path:
        return self.path("config.yaml")

    @property
    def dataset_path(self) -> pathlib.Path:
        return self.path("dataset.h5")

    @property
    def model_path(self) -> pathlib.Path:
        return self.path("response_model.keras")

    @property
    def report(self) -> pathlib.Path:
        return self.path("report")

    def config(self) -> MEIConfig:
        if not self.config_path.is_file():
            raise RunError(f"{self.root}: not an MEI experiment folder (no config.yaml); start one with "
                           "python -m exciting_inputs.simulate --config demo --out FOLDER")  # fmt: skip
        return config_loader.load_config(self.config_path, MEIConfig)

    def check_same_simulation(self, config: MEIConfig) -> None:
        """A one-line ``RunError`` if the folder's dataset was simulated with other settings."""
        if self.config_path.is_file() and self.config().simulation != config.simulation:
            raise RunError(f"{self.config_path}: this experiment folder was simulated with different simulation "
                           "settings; choose a new --out folder")  # fmt: skip

    def start(self, config: MEIConfig, made_by: str = PYTHON_API) -> None:
        """Check the folder, create it and keep ``config`` (after ``check_same_simulation``); record that the
        command ``made_by`` made it."""
        self.check_same_simulation(config)
        check_output_folder(self.root)
        self.root.mkdir(parents=True, exist_ok=True)
        config_loader.save_config(config, self.config_path)
        record_tool(self.root, MEI, made_by)

    def save_dataset(self, dataset: ResponseDataset) -> None:
        save_dataset(dataset, self.dataset_path)

    def load_dataset(self) -> ResponseDataset:
        if not self.dataset_path.is_file():
            raise RunError(f"{self.root}: no dataset.h5 here; run python -m exciting_inputs.simulate --config CONFIG "
                           f"--out {self.root}")  # fmt: skip
        return load_dataset(self.dataset_path)

    def write_json(self, name: str, value) -> pathlib.Path:
        return write_json_atomic(self.path(name), value)
