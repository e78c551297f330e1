"""Which tool made a folder, so that a command given another tool's folder says what it is and what reads it.

A command that starts a folder writes ``tool.json`` = {"tool": name, "made_by": command module,
"version": this package's version}; a folder class checks it when it opens a folder, and a folder of
another tool is refused with one line: ``runs/lfp/demo is an LFP experiment made by lfp.pretrain, not a
CalciumGAN run; read it with lfp.generate or lfp.evaluate``. A tool's folder (it holds ``config.yaml``)
without a record is judged by the record of the folder holding it (an LFP experiment's ``gan-*`` runs) or,
made before records, by its tool's marker file; a folder with no sign of another tool is accepted.

:class:`ToolFolder` is every tool's folder: its paths, its ``config.yaml``, the check that a new config
matches the settings of the work the folder holds, its start and its JSON files. The run folder of a GAN
(``calciumgan.training.run_folder``) and the experiment folders of ``lfp`` and ``exciting_inputs`` subclass it.
"""

import dataclasses
import pathlib

from calciumgan.core import __version__
from calciumgan.core import config as config_loader
from calciumgan.core.errors import RunError
from calciumgan.core.files import check_output_folder, read_json, remove_stale_partials, write_json_atomic

RECORD = "tool.json"
PYTHON_API = "the Python API"  # ``made_by`` of a folder started by a function, not a command


@dataclasses.dataclass(frozen=True)
class Tool:
    """A kind of folder: its ``name`` in records, its ``title`` in messages, the commands that read it, and the
    file that marks one made before records (``None``: no file tells it apart)."""

    name: str
    title: str
    readers: tuple = ()
    marker: str | None = None


# Every tool's declaration. In marker order: a latent-code experiment holds an MEI experiment's dataset.h5 too.
CALCIUMGAN = Tool("calciumgan", "a CalciumGAN run", ("calciumgan.generate", "calciumgan.evaluate"), "recording.json")
CONDITIONAL = Tool("calciumgan.conditional", "an AC-GAN run")
DENOISER = Tool("calciumgan.denoise", "a denoising-autoencoder run")
VAE = Tool("calciumgan.vae", "a VAE run")
LFP = Tool("lfp", "an LFP experiment", ("lfp.generate", "lfp.evaluate"), "data.h5")
LATENT = Tool("exciting_inputs.latent", "a latent-code experiment",
              ("exciting_inputs.latent.decode", "exciting_inputs.latent.evolve"), "generator.json")
MEI = Tool("exciting_inputs", "an MEI experiment", ("exciting_inputs.fit", "exciting_inputs.optimise"), "dataset.h5")
TOOLS = {tool.name: tool for tool in (CALCIUMGAN, CONDITIONAL, DENOISER, VAE, LFP, LATENT, MEI)}


def record_tool(folder, tool: Tool, made_by: str) -> None:
    """Write ``folder/tool.json`` for ``tool`` and the command ``made_by``, unless the folder has one already
    (the command that started it made it)."""
    path = pathlib.Path(folder) / RECORD
    if not path.exists():
        write_json_atomic(path, {"tool": tool.name, "made_by": made_by, "version": __version__})


def read_record(folder) -> dict | None:
    """``folder/tool.json`` ({"tool", "made_by", "version"}), or ``None`` where there is none; a one-line
    ``RunError`` where it is damaged."""
    path = pathlib.Path(folder) / RECORD
    if not path.is_file():
        return None
    record = read_json(path, "remove it to open the folder")
    if not (isinstance(record, dict) and all(isinstance(record.get(key), str) for key in ("tool", "made_by"))):
        raise RunError(f"{path}: damaged (not a mapping with 'tool' and 'made_by'); remove it to open the folder")
    return record


def check_tool(folder, tool: Tool) -> None:
    """A one-line ``RunError`` if ``folder`` belongs to another tool than ``tool`` (see the module's docstring)."""
    folder = pathlib.Path(folder)
    if record := read_record(folder):
        _refuse_another(folder, folder, record, tool)
    elif (folder / "config.yaml").is_file():  # a tool made it, but recorded nothing in it
        if record := read_record(folder.parent):
            _refuse_another(folder, folder.parent, record, tool)
        elif (made := _marked_tool(folder)) and made != tool:
            raise RunError(_refusal(folder, folder, f"{made.title} (it holds {made.marker})", made, tool))


def _refuse_another(folder: pathlib.Path, owner: pathlib.Path, record: dict, tool: Tool) -> None:
    """A ``RunError`` if ``record``, of ``owner`` (``folder`` or the folder holding it), names another tool."""
    if record["tool"] != tool.name:
        made = TOOLS.get(record["tool"]) or Tool(record["tool"], f"a {record['tool']} folder")
        part = "" if owner == folder else f"part of {owner}, "
        raise RunError(_refusal(folder, owner, f"{part}{made.title} made by {record['made_by']}", made, tool))


def _marked_tool(folder: pathlib.Path) -> Tool | None:
    """The first tool whose marker file ``folder`` holds, if any."""
    return next((tool for tool in TOOLS.values() if tool.marker and (folder / tool.marker).exists()), None)


def _refusal(folder: pathlib.Path, owner: pathlib.Path, what: str, made: Tool, expected: Tool) -> str:
    """The refusal: <folder> is <what>, not <expected's title>; read <owner> with <made's readers>."""
    message = f"{folder} is {what}, not {expected.title}"
    if made.readers:
        message += f"; read {'it' if owner == folder else owner} with {' or '.join(made.readers)}"
    return message


class ToolFolder:
    """The folder at ``root`` whose ``config.yaml`` follows ``schema`` (a config dataclass).

    With a ``tool`` a folder that another tool made is refused here and :meth:`start` records the tool; without
    one (a GAN run inside another tool's folder) neither happens. Subclasses set ``schema`` and ``tool`` as class
    attributes, the part of a config that the folder's work fixes (:meth:`same_part`), when that work exists
    (:meth:`holds_work`), and their messages: ``no_config``, ``different_settings`` and ``missing_file`` are
    formatted with ``root`` and ``path``.
    """

    schema: type | None = None
    tool: Tool | None = None
    work_folders: tuple = ()  # sub-folders where start also removes the temporary files of a killed process
    no_config = "{root}: no config.yaml here"
    different_settings = "{path}: this folder was made with a different configuration; choose a new --out folder"
    missing_file = "{path}: missing"

    def __init__(self, root, schema: type | None = None, tool: Tool | None = None):
        self.root = pathlib.Path(root)
        self.schema = schema or self.schema
        self.tool = tool or self.tool
        if self.tool:
            check_tool(self.root, self.tool)

    def path(self, name: str) -> pathlib.Path:
        return self.root / name

    @property
    def config_path(self) -> pathlib.Path:
        return self.path("config.yaml")

    def config(self):
        """The folder's configuration, an instance of the schema; a one-line ``RunError`` (``no_config``) if none."""
        if not self.config_path.is_file():
            raise RunError(self.no_config.format(root=self.root, path=self.config_path))
        return config_loader.load_config(self.config_path, self.schema)

    def same_part(self, config):
        """The part of ``config`` that must match the folder's while it holds work (all of it, here)."""
        return config

    def holds_work(self) -> bool:
        """Whether the folder holds work that its config fixes (here: it has a config)."""
        return self.config_path.is_file()

    def check_same(self, config) -> None:
        """A one-line ``RunError`` (``different_settings``) if the folder holds work done with another
        :meth:`same_part`."""
        if self.holds_work() and self.same_part(self.config()) != self.same_part(config):
            raise RunError(self.different_settings.format(root=self.root, path=self.config_path))

    def start(self, config, made_by: str = PYTHON_API, replaces_work: bool = False) -> None:
        """Keep ``config`` in the folder, after :meth:`check_same` unless the command ``made_by`` ``replaces_work``
        (makes all of it anew): check the folder, create it, remove the temporary files that a killed process left
        and record the tool."""
        if not replaces_work:
            self.check_same(config)
        check_output_folder(self.root)
        self.root.mkdir(parents=True, exist_ok=True)
        for folder in ("", *self.work_folders):
            remove_stale_partials(self.path(folder))
        config_loader.save_config(config, self.config_path)
        if self.tool:
            record_tool(self.root, self.tool, made_by)

    def write_json(self, name: str, value) -> pathlib.Path:
        """Write ``value`` as ``name`` in the folder, atomically; returns its path."""
        return write_json_atomic(self.path(name), value)

    def read_json(self, name: str):
        """The JSON file ``name``; a one-line ``RunError`` naming it if it is missing or damaged."""
        return read_json(self.require(self.path(name)))

    def require(self, path: pathlib.Path) -> pathlib.Path:
        """``path`` if it is a file, else a one-line ``RunError`` (``missing_file``)."""
        if not path.is_file():
            raise RunError(self.missing_file.format(root=self.root, path=path))
        return path
