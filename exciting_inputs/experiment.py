"""An MEI experiment folder: the simulated dataset, then the selection, response model and report.

======================= ==============================================================
``config.yaml``         the resolved experiment config (the last command's)
``tool.json``           the tool ("exciting_inputs"), command and version that made it (``calciumgan.core.folders``)
``dataset.h5``          images, trials and true neurons (``exciting_inputs.dataset``), by ``exciting_inputs.simulate``
``selection.json``      oracle correlation, variance and selection of every neuron, by ``exciting_inputs.fit``
``split.json``          training, validation and test images (indices into ``dataset.h5``)
``response_model.keras`` the fitted response model, loadable in a fresh process
``history.json``        losses and correlations per epoch, the best epoch, the fitted neurons
``report/``             ``report.json``, ``report.md``, ``test_vs_oracle.png``
======================= ==============================================================

``exciting_inputs.fit`` refuses a config whose simulation part differs from the one the dataset was made with;
every command refuses a folder that another tool made. :class:`Experiment` is a
``calciumgan.core.folders.ToolFolder``: the config, the same-settings check, the start and the JSON files are the
core's.
"""

import pathlib

from calciumgan.core.errors import RunError
from calciumgan.core.folders import MEI, ToolFolder
from exciting_inputs.config import MEIConfig
from exciting_inputs.dataset import ResponseDataset, load_dataset, save_dataset


class Experiment(ToolFolder):
    """The experiment folder at ``root`` (a ``calciumgan.core.folders.ToolFolder``); one that another tool made is
    refused. Its config's simulation part is fixed once it has a config."""

    schema, tool = MEIConfig, MEI
    no_config = ("{root}: not an MEI experiment folder (no config.yaml); start one with "
                 "python -m exciting_inputs.simulate --config demo --out FOLDER")  # fmt: skip
    different_settings = ("{path}: this experiment folder was simulated with different simulation settings; "
                          "choose a new --out folder")  # fmt: skip

    @staticmethod
    def same_part(config: MEIConfig):
        return config.simulation


    @property
    def dataset_path(self) -> pathlib.Path:
        return self.path("dataset.h5")

    @property
    def model_path(self) -> pathlib.Path:
        return self.path("response_model.keras")

    @property
    def report(self) -> pathlib.Path:
        return self.path("report")

    def save_dataset(self, dataset: ResponseDataset) -> None:
        save_dataset(dataset, self.dataset_path)

    def load_dataset(self) -> ResponseDataset:
        if not self.dataset_path.is_file():
            raise RunError(f"{self.root}: no dataset.h5 here; run python -m exciting_inputs.simulate --config CONFIG "
                           f"--out {self.root}")  # fmt: skip
        return load_dataset(self.dataset_path)
