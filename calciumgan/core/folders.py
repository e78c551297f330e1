"""Which tool made a folder, so that a command given another tool's folder says what it is and what reads it.

A command that starts a folder writes ``tool.json`` = {"tool": name, "made_by": command module,
"version": this package's version}; a folder class checks it when it opens a folder, and a folder of
another tool is refused with one line: ``runs/lfp-demo is an LFP experiment made by lfp.pretrain, not a
CalciumGAN run; read it with lfp.generate or lfp.evaluate``. A tool's folder (it holds ``config.yaml``)
without a record is judged by the record of the folder holding it (an LFP experiment's ``gan-*`` runs) or,
made before records, by its tool's marker file; a folder with no sign of another tool is accepted.
"""

import dataclasses
import json
import pathlib

from calciumgan.core import __version__
from calciumgan.core.errors import RunError
from calciumgan.core.files import write_json_atomic

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
    try:
        record = json.loads(path.read_text())
    except ValueError as error:
        raise RunError(f"{path}: damaged ({error}); remove it to open the folder") from None
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
