"""An LFP experiment folder: the data stage, the autoencoders and the GAN runs, each written once.

=========================== ==============================================================
``config.yaml``             the resolved experiment config (the stages' shared part)
``tool.json``               the tool ("lfp"), command and version that made it (``calciumgan.core.folders``)
``data.h5``                 the recording: LFP, showings, images (``lfp.data.recording``)
``split.json``              training and test images (ids), and the data's source
``pretrain/``               ``signal_autoencoder.keras``, ``image_autoencoder.keras`` (each with its
                            optimizer state) and ``progress.json`` (epochs done, losses)
``gan-pretrained/``         a GAN run initialised from the autoencoders (a ``RunFolder``)
``gan-scratch/``            a GAN run from random weights
``report/``                 Table 5.1 (``report.md``, ``report.json``) and the figures
=========================== ==============================================================

Every stage checks its inputs before it writes anything, and refuses a config whose data or
pre-training part differs from the folder's, and a folder that another tool made. :class:`Experiment` and
:class:`GANRun` are ``calciumgan.core.folders.ToolFolder`` subclasses: the config, the same-settings check,
the start and the JSON files are the core's.
"""

import logging
import pathlib

from calciumgan.core.errors import RunError
from calciumgan.core.files import check_output_folder, read_json
from calciumgan.core.folders import LFP, PYTHON_API, ToolFolder
from calciumgan.training.run_folder import RunFolder
from lfp.config import LFPConfig
from lfp.data.recording import load_stimulus_lfp, save_stimulus_lfp, split_images

logger = logging.getLogger(__name__)

GAN_RUNS = ("scratch", "pretrained")  # the rows of Table 5.1, in its order


class GANRun(RunFolder):
    """One GAN's run folder inside an experiment; it may resume with more epochs."""

    schema = LFPConfig
    same_part = staticmethod(LFPConfig.training_part)

    def check_finished(self) -> None:
        if not self.generator_path.is_file():
            raise RunError(f"{self.root}: not a finished GAN run (missing {self.generator_path.name}); finish it "
                           f"with python -m lfp.train --out {self.root.parent}")  # fmt: skip


class Experiment(ToolFolder):
    """The experiment folder at ``root`` (a ``calciumgan.core.folders.ToolFolder``); one that another tool made is
    refused. Its config's data and pre-training part (``LFPConfig.data_part``) is fixed once it has a config."""

    schema, tool = LFPConfig, LFP
    same_part = staticmethod(LFPConfig.data_part)
    no_config = ("{root}: not an LFP experiment folder (no config.yaml); start one with "
                 "python -m lfp.pretrain --config demo --out FOLDER")  # fmt: skip
    different_settings = ("{path}: this experiment folder was made with different data or pre-training settings; "
                          "choose a new --out folder")  # fmt: skip

    @property
    def data_path(self) -> pathlib.Path:
        return self.path("data.h5")

    @property
    def split_path(self) -> pathlib.Path:
        return self.path("split.json")

    @property
    def pretrain(self) -> pathlib.Path:
        return self.path("pretrain")

    @property
    def report(self) -> pathlib.Path:
        return self.path("report")

    def gan_run(self, init: str) -> GANRun:
        return GANRun(self.path(f"gan-{init}"))

    @property
    def redo_data(self) -> str:
        """What to do when the data stage's files are damaged."""
        return f"start a new experiment: python -m lfp.pretrain --config CONFIG --out NEW_FOLDER (not {self.root})"

    def has_data(self) -> bool:
        return self.data_path.is_file() and self.split_path.is_file()


    def save_data(self, recording, train_ids, test_ids) -> None:
        save_stimulus_lfp(recording, self.data_path)
        split = {"source": recording.source, "train_images": [int(i) for i in train_ids],
                 "test_images": [int(i) for i in test_ids]}  # fmt: skip
        self.write_json("split.json", split)

    def load_data(self):
        """(recording, train image ids, test image ids) as the data stage wrote them."""
        if not self.has_data():
            raise RunError(f"{self.root}: the data stage has not run here (no data.h5 / split.json); run "
                           f"python -m lfp.pretrain --config CONFIG --out {self.root}")  # fmt: skip
        split = read_json(self.split_path, self.redo_data)
        try:
            train_ids, test_ids = split["train_images"], split["test_images"]
        except (KeyError, TypeError) as error:
            raise RunError(f"{self.split_path}: damaged ({type(error).__name__}: {error}); {self.redo_data}") from None
        return load_stimulus_lfp(self.data_path), train_ids, test_ids


def prepare_data(config: LFPConfig):
    """The data stage: (recording, train image ids, test image ids) for ``config.data``."""
    data = config.data
    if data.source == "synthetic":
        from lfp.data.synthetic import synthesize_lfp

        recording = synthesize_lfp(num_channels=data.num_channels, sampling_rate=data.sampling_rate,
                                   window=data.window, num_images=data.num_images, showings=data.showings,
                                   image_size=(data.image_height, data.image_width),
                                   spontaneous_seconds=data.spontaneous_seconds, seed=data.seed)  # fmt: skip
    else:
        from lfp.data.allen import read_allen_lfp

        recording = read_allen_lfp(data.lfp_path, data.session_path, probe_id=data.probe_id,
                                   channel_ids=data.channel_ids, images=data.images_path)  # fmt: skip
    recording.check(data.window)
    num_images = len(recording.images) if recording.images is not None else int(recording.image_ids.max()) + 1
    train_ids, test_ids = split_images(num_images, data.test_images, data.seed)
    return recording, train_ids, test_ids


def experiment_data(config: LFPConfig, experiment: Experiment, made_by: str = PYTHON_API):
    """The experiment's data: read from the folder when the data stage ran, else made and saved; the command
    ``made_by`` (lfp.pretrain or lfp.train) starts the folder.

    The folder and the data are checked before anything is written.
    """
    experiment.check_same(config)
    check_output_folder(experiment.root)
    if experiment.has_data():
        data = experiment.load_data()
        experiment.start(config, made_by)
        return data
    recording, train_ids, test_ids = prepare_data(config)
    experiment.start(config, made_by)
    experiment.save_data(recording, train_ids, test_ids)
    logger.info("%s: %d samples x %d channels at %g Hz, %d showings of %d images (%d train, %d test)",
                recording.source, *recording.lfp.shape, recording.sampling_rate, len(recording.onsets),
                len(train_ids) + len(test_ids), len(train_ids), len(test_ids))  # fmt: skip
    return recording, train_ids, test_ids
