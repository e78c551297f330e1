"""Cases and workspaces of the bad-input catalogue (its fixtures: calciumgan/bad_inputs/conftest.py)."""

import dataclasses
import functools
import hashlib
import json
import pathlib
import re
import shutil
import zipfile

import h5py
import numpy as np
import pytest
import yaml

FRAMES, NEURONS, WINDOW, RATE = 600, 6, 32, 24.0  # the tiny config of tests/conftest.py


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad input: ``argv(workspace)`` builds the files and returns the arguments; the error
    line must contain every string of ``names`` (a file, key or argument, and the fault)."""

    id: str
    argv: callable
    names: tuple

    def __init__(self, id: str, argv, *names: str):
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "argv", argv)
        object.__setattr__(self, "names", names)


def cases(*catalogue: Case):
    """``pytest.mark.parametrize`` over the catalogue, each case named by its id."""
    return pytest.mark.parametrize("case", catalogue, ids=[case.id for case in catalogue])


def good_signals(frames: int = FRAMES, neurons: int = NEURONS) -> np.ndarray:
    """(frames, neurons) float32 traces that every tool accepts."""
    return np.random.default_rng(0).gamma(2.0, 1.0, size=(frames, neurons)).astype(np.float32)


class Workspace:
    """The folder ``root`` of one case, with writers for its input files (each returns the path as str)."""

    def __init__(self, root: pathlib.Path, finished_run: pathlib.Path):
        self.root = root
        self._finished_run = finished_run

    def __truediv__(self, name: str) -> str:
        return str(self.root / name)

    @functools.cached_property
    def run(self) -> pathlib.Path:
        """A private copy of a finished tiny run."""
        return pathlib.Path(shutil.copytree(self._finished_run, self.root / "run"))

    def npz(self, name: str, **arrays) -> str:
        np.savez(self.root / name, **arrays)
        return self / name

    def recording_npz(self, name: str = "rec.npz", **changes) -> str:
        """A valid recording with ``changes`` (a value of None drops the name)."""
        arrays = {"signals": good_signals(), "sampling_rate": np.float64(RATE), **changes}
        return self.npz(name, **{key: value for key, value in arrays.items() if value is not None})

    def h5(self, name: str, datasets: dict = {}, attrs: dict = {}, groups: tuple = ()) -> str:
        with h5py.File(self.root / name, "w") as file:
            for key, value in datasets.items():
                file.create_dataset(key, data=value)
            for key in groups:
                file.create_group(key)
            file.attrs.update(attrs)
        return self / name

    def samples_h5(self, name: str = "samples.h5", signals=None, **attrs) -> str:
        """A samples file (K, WINDOW, NEURONS) like ``calciumgan.generate`` writes, with ``attrs`` changed."""
        signals = np.stack([good_signals(WINDOW) for _ in range(8)]) if signals is None else signals
        return self.h5(name, {"signals": signals}, {"sampling_rate": RATE, **attrs})

    def npy(self, name: str, array, allow_pickle: bool = False) -> str:
        np.save(self.root / name, array, allow_pickle=allow_pickle)
        return self / name

    def text(self, name: str, content) -> str:
        path = self.root / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return str(path)

    def folder(self, name: str) -> str:
        (self.root / name).mkdir(exist_ok=True)
        return self / name

    def config(self, name: str = "tiny.yaml", **overrides) -> str:
        """The tiny config as YAML with ``section__key=value`` overrides."""
        from conftest import TINY  # tests/conftest.py

        raw = {section: dict(values) for section, values in TINY.items()}
        for dotted, value in overrides.items():
            section, key = dotted.split("__")
            raw.setdefault(section, {})[key] = value
        return self.text(name, yaml.safe_dump(raw))

    def tool_folder(self, tool: str, name: str | None = None) -> str:
        """A folder as ``tool`` ("calciumgan", "lfp", "exciting_inputs" or
        "exciting_inputs.latent") starts it, before any data or model:
        its ``config.yaml`` and ``tool.json``."""
        path = self.root / (name or tool)
        TOOL_FOLDER_STARTS[tool](path)
        return str(path)

    def snapshot(self) -> dict:
        """Every path under the root -> its content hash (None for folders)."""
        return {str(path.relative_to(self.root)): None if path.is_dir() else content_digest(path)
                for path in sorted(self.root.rglob("*"))}  # fmt: skip


def content_digest(path: pathlib.Path) -> str:
    """SHA-1 of a file's bytes; for a readable Keras archive, of what it holds: two saves of the same model differ
    only in the archive's timestamps, ``metadata.json``'s ``date_saved`` and ``config.json``'s
    ``shared_object_id`` (a Python object id), which this digest leaves out."""
    digest = hashlib.sha1()
    if path.suffix != ".keras" or not zipfile.is_zipfile(path):
        digest.update(path.read_bytes())
        return digest.hexdigest()
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            content = archive.read(name)
            if name == "metadata.json":
                content = json.dumps({**json.loads(content), "date_saved": None}, sort_keys=True).encode()
            elif name == "config.json":
                content = re.sub(rb'"shared_object_id": \d+', b'"shared_object_id": 0', content)
            digest.update(name.encode() + b"\0" + content)
    return digest.hexdigest()


def _start_calcium_run(path: pathlib.Path) -> None:
    from conftest import TINY  # tests/conftest.py

    from calciumgan.config import config_from_dict
    from calciumgan.run import CalciumRun

    CalciumRun(path).start(config_from_dict(TINY), made_by="calciumgan.train")


def _start_lfp_experiment(path: pathlib.Path) -> None:
    from config_files import TINY_LFP

    from lfp.config import config_from_dict
    from lfp.experiment import Experiment

    Experiment(path).start(config_from_dict(TINY_LFP), "lfp.pretrain")


def _start_mei_experiment(path: pathlib.Path) -> None:
    from config_files import TINY_MEI

    from exciting_inputs.config import config_from_dict
    from exciting_inputs.experiment import Experiment

    Experiment(path).start(config_from_dict(TINY_MEI), "exciting_inputs.simulate")


def _start_latent_experiment(path: pathlib.Path) -> None:
    """As ``exciting_inputs.latent.train`` starts it (its only start is the whole training stage)."""
    from calciumgan.core.config import save_config
    from calciumgan.core.folders import LATENT, record_tool
    from exciting_inputs.latent.config import load_config

    path.mkdir()
    save_config(load_config("demo"), path / "config.yaml")
    record_tool(path, LATENT, "exciting_inputs.latent.train")


TOOL_FOLDER_STARTS = {"calciumgan": _start_calcium_run, "lfp": _start_lfp_experiment,
                      "exciting_inputs": _start_mei_experiment,
                      "exciting_inputs.latent": _start_latent_experiment}  # fmt: skip
