"""Typed configuration from YAML, checked against a schema of nested dataclasses.

A schema is a frozen dataclass whose fields are sections (dataclasses themselves) or
settings. Settings declare their constraints with :func:`setting`; the loader turns every
fault into one ``ConfigError`` line naming the file and the dotted key:

    demo.yaml: unknown key 'train.batch_szie' (known: batch_size, epochs, ...)
    demo.yaml: 'train.beta_1' must be below 1, got 5.0

A schema may define ``check(self)``, raising ``ValueError`` for faults that involve
several keys; the loader adds the file name. Nothing here knows any particular schema.
"""

import dataclasses
import math
import pathlib
import re
import types
import typing

import yaml

from calciumgan.core.errors import ConfigError
from calciumgan.core.files import write_text_atomic


def setting(default, *, choices=None, minimum=None, above=None, below=None, maximum=None):
    """A dataclass field whose value the loader checks.

    ``choices``: the allowed values. ``minimum`` / ``maximum``: inclusive bounds;
    ``above`` / ``below``: exclusive bounds. ``None`` values skip the bound checks.
    """
    bounds = {"choices": choices, "minimum": minimum, "above": above, "below": below, "maximum": maximum}
    return dataclasses.field(default=default, metadata={key: value for key, value in bounds.items() if value is not None})


def resolve_config_path(name_or_path, shipped_folder: pathlib.Path | None) -> pathlib.Path:
    """A config file path, or the name of a config in ``shipped_folder`` (``demo``, ``demo.yaml``)."""
    path = pathlib.Path(name_or_path)
    if path.is_file():
        return path
    if path.is_dir():
        raise ConfigError(f"{path}: is a directory, not a config file; give the YAML file inside it")
    if shipped_folder is None:
        raise ConfigError(f"{path}: no such config file")
    shipped = shipped_folder / (path.name if path.suffix else f"{path.name}.yaml")
    if path.parent == pathlib.Path(".") and shipped.is_file():
        return shipped
    known = ", ".join(sorted(p.stem for p in shipped_folder.glob("*.yaml")))
    raise ConfigError(f"{name_or_path}: no such config file or shipped config (shipped: {known})")


def shipped_configs_help(shipped_folder: pathlib.Path) -> str:
    """``--help``'s list of the configs in ``shipped_folder``: each name with the first comment line of its file
    (what data it expects, its size, the device it is for)."""
    lines = ["shipped configs (--config NAME):"]
    for path in sorted(shipped_folder.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        lines.append(f"  {path.stem:<22} {first.removeprefix('#').strip()}")
    return "\n".join(lines)


def load_config(name_or_path, schema: type, shipped_folder: pathlib.Path | None = None):
    """Read a YAML file (a path or a shipped config's name) into an instance of ``schema``."""
    path = resolve_config_path(name_or_path, shipped_folder)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({error})".replace("\n", " ")) from None
    if raw is None:
        raise ConfigError(f"{path}: the file is empty; give at least one section")
    return config_from_dict(raw, schema, str(path))


def config_from_dict(raw, schema: type, origin: str = "<dict>"):
    """Build ``schema`` from nested dicts, checking every key, type and bound."""
    config = _build(schema, raw, "", origin)
    check = getattr(config, "check", None)
    if check is not None:
        try:
            check()
        except ValueError as error:
            raise ConfigError(f"{origin}: {error}") from None
    return config


def with_overrides(config, overrides: dict, origin: str = "overrides"):
    """A copy of ``config`` with ``{"section.key": value}`` overrides, checked like a loaded file.

    ``with_overrides(config, {"train.epochs": 1, "data.num_frames": 1200})``
    """
    raw = dataclasses.asdict(config)
    for dotted, value in overrides.items():
        *sections, key = dotted.split(".")
        target = raw
        for section in sections:
            if not isinstance(target.get(section), dict):
                raise ConfigError(f"{origin}: unknown section '{section}' in '{dotted}'")
            target = target[section]
        target[key] = value
    return config_from_dict(raw, type(config), origin)


def save_config(config, path) -> None:
    """Write a config as YAML, atomically, without the keys that its sections say do not apply (a section's
    ``inapplicable()``, whose keys then hold their defaults); ``load_config`` reads it back unchanged."""
    raw = dataclasses.asdict(config)
    for field in dataclasses.fields(config):
        for key in getattr(getattr(config, field.name), "inapplicable", tuple)():
            del raw[field.name][key]
    write_text_atomic(path, yaml.safe_dump(raw, sort_keys=False))


def _build(schema: type, raw, prefix: str, origin: str):
    where = f"section '{prefix[:-1]}'" if prefix else "the top level"
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: {where} must be a mapping, got {type(raw).__name__} {raw!r}")
    fields = {field.name: field for field in dataclasses.fields(schema)}
    hints = typing.get_type_hints(schema)
    unknown = [key for key in raw if key not in fields]
    if unknown:
        kind = "section" if not prefix else "key"
        raise ConfigError(f"{origin}: unknown {kind} '{prefix}{unknown[0]}' (known: {', '.join(fields)})")
    values = {}
    for name, value in raw.items():
        key, hint = f"{prefix}{name}", hints[name]
        if dataclasses.is_dataclass(hint):
            values[name] = _build(hint, {} if value is None else value, f"{key}.", origin)
        else:
            values[name] = _checked_value(value, hint, fields[name].metadata, key, origin)
    return schema(**values)


def _checked_value(value, hint, constraints, key: str, origin: str):
    if not _has_type(value, hint):
        raise ConfigError(f"{origin}: '{key}' must be {_type_name(hint)}, got {type(value).__name__} {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{origin}: '{key}' must be a finite number, got {value}")
    if hint is float or (isinstance(hint, types.UnionType) and float in typing.get_args(hint) and value is not None):
        value = float(value)
    elif isinstance(value, float):
        value = int(value)  # an integer written as a float, such as 1e5
    if value is None or isinstance(value, bool):
        return value
    choices = constraints.get("choices")
    if choices is not None and value not in choices:
        raise ConfigError(f"{origin}: '{key}' must be one of {', '.join(map(str, choices))}, got {value!r}")
    for bound, fails, words in (
        ("minimum", lambda v, b: v < b, "at least"),
        ("above", lambda v, b: v <= b, "above"),
        ("below", lambda v, b: v >= b, "below"),
        ("maximum", lambda v, b: v > b, "at most"),
    ):
        if bound in constraints and fails(value, constraints[bound]):
            raise ConfigError(f"{origin}: '{key}' must be {words} {constraints[bound]}, got {value}")
    return value


def _has_type(value, hint) -> bool:
    if isinstance(hint, types.UnionType):
        return any(_has_type(value, option) for option in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        whole = isinstance(value, float) and math.isfinite(value) and value.is_integer()
        return whole or (isinstance(value, int) and not isinstance(value, bool))
    return isinstance(value, hint)


def _type_name(hint) -> str:
    if isinstance(hint, types.UnionType):
        return " or ".join(_type_name(option) for option in typing.get_args(hint))
    return "null" if hint is type(None) else hint.__name__


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key that appears twice in one mapping (YAML keeps the last) and reading
    ``3e-4`` and ``1e5`` as numbers, as YAML 1.2 does (YAML 1.1 wants a decimal point: ``3.0e-4``)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (line {key_node.start_mark.line + 1})", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789")
)
