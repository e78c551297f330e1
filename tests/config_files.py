"""Write a tiny YAML config for a test: a base dict of sections with ``{"section.key": value}`` overrides."""

import yaml


def write_config(path, base: dict, overrides: dict):
    """``base`` ({section: {key: value}}) with ``overrides`` applied, written as YAML to ``path``; returns ``path``."""
    raw = {section: dict(values) for section, values in base.items()}
    for dotted, value in overrides.items():
        section, key = dotted.split(".")
        raw.setdefault(section, {})[key] = value
    path.write_text(yaml.safe_dump(raw))
    return path
