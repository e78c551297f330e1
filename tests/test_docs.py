"""The documentation: the generated configuration reference lists every key of every schema with its
default, choices and comment; the README stays short and links only to files that exist; every page is
in the site's navigation. (``make docs`` builds the site itself, strictly.)"""

import dataclasses
import importlib
import importlib.util
import pathlib
import re
import types
import typing

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
HOOK = ROOT / "docs" / "_hooks" / "config_reference.py"
CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def _hook():
    spec = importlib.util.spec_from_file_location("config_reference_under_test", HOOK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def hook():
    return _hook()


@pytest.fixture(scope="module")
def reference(hook) -> dict:
    """``{"module.Class": {key: (type, default, constraints, description)}}`` read back from the generated Markdown,
    and ``{"tool title": [shipped config rows]}`` under the key ``None``."""
    tables, shipped, schema, tool = {}, {}, None, None
    for line in hook.reference_markdown().splitlines():
        if line.startswith("## "):
            tool, schema = line[3:], None
            shipped[tool] = []
        elif line.startswith("### `"):
            schema = line[5:-1]
            tables[schema] = {}
        elif line.startswith("| `"):
            cells = [cell.strip() for cell in CELL_SEPARATOR.split(line)[1:-1]]
            name = cells[0].strip("`")
            if schema is None:
                shipped[tool].append((name, cells[1]))
            else:
                assert name not in tables[schema], f"{schema}: {name} listed twice"
                tables[schema][name] = (cells[1], cells[2].strip("`"), cells[3], cells[4])
    return {**tables, None: shipped}


def _leaves(cls, instance, prefix=""):
    """Every setting of a schema: (dotted key, default, field metadata), written independently of the hook."""
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        value = getattr(instance, field.name)
        if dataclasses.is_dataclass(hints[field.name]):
            yield from _leaves(hints[field.name], value, f"{prefix}{field.name}.")
        else:
            yield prefix + field.name, value, field.metadata


def _as_yaml(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(map(_as_yaml, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_as_yaml(item)}" for key, item in value.items()) + "}"
    return str(value)


SCHEMAS = [
    ("calciumgan.config", "ExperimentConfig"),
    ("lfp.config", "LFPConfig"),
    ("calciumgan.autoencoders.config", "DenoiserConfig"),
    ("calciumgan.autoencoders.config", "VAEConfig"),
    ("calciumgan.conditional.config", "ConditionalConfig"),
    ("exciting_inputs.config", "MEIConfig"),
    ("exciting_inputs.latent.config", "LatentConfig"),
    ("tuning.config", "SearchConfig"),
]


@pytest.mark.parametrize("module, name", SCHEMAS)
def test_every_key_of_every_schema_is_listed_with_its_default_and_choices(reference, module, name):
    schema = getattr(importlib.import_module(module), name)
    table = reference[f"{module}.{name}"]
    leaves = list(_leaves(schema, schema()))
    assert sorted(table) == sorted(key for key, _, _ in leaves)
    for key, default, metadata in leaves:
        _, shown_default, constraints, _ = table[key]
        assert shown_default == _as_yaml(default), key
        for choice in metadata.get("choices", ()):
            assert f"`{_as_yaml(choice)}`" in constraints, (key, choice)
        for bound, symbol in (("minimum", "≥"), ("above", ">"), ("below", "<"), ("maximum", "≤")):
            if bound in metadata:
                assert f"{symbol} {metadata[bound]}" in constraints, (key, bound)


@pytest.mark.parametrize("schema, key, type_name, default, constraints", [
    ("calciumgan.config.ExperimentConfig", "data.window", "int", "2048", "≥ 1"),
    ("calciumgan.config.ExperimentConfig", "train.batch_size", "int", "128", "≥ 1"),
    ("calciumgan.config.ExperimentConfig", "train.learning_rate", "float", "0.0001", "> 0"),
    ("calciumgan.config.ExperimentConfig", "train.penalty_weight", "float or null", "null", "≥ 0"),
    ("calciumgan.config.ExperimentConfig", "data.validation_fraction", "float", "0.2", "> 0; < 1"),
    ("calciumgan.config.ExperimentConfig", "model.output", "str", "direct", "one of `direct`, `calcium`"),
    ("calciumgan.config.ExperimentConfig", "train.generator_uniform_average", "bool", "false", ""),
    ("calciumgan.autoencoders.config.DenoiserConfig", "data.window", "int", "500", "≥ 1"),  # the section's default
    ("calciumgan.autoencoders.config.DenoiserConfig", "data.stride", "int", "20", "≥ 1"),
    ("calciumgan.conditional.config.ConditionalConfig", "data.presets", "list", "[day1, day4]", ""),
    ("lfp.config.LFPConfig", "train.epochs", "int", "200", "≥ 1"),
    ("lfp.config.LFPConfig", "pretrain.beta_2", "float", "0.999", "≥ 0; < 1"),
    ("exciting_inputs.latent.config.LatentConfig", "generator.loss", "str", "wasserstein",
     "one of `wasserstein`, `non_saturating`"),
    ("tuning.config.SearchConfig", "oracle", "str", "random", "one of `random`, `bayesian`, `hyperband`"),
    ("tuning.config.SearchConfig", "budget.steps_per_epoch", "int or null", "null", "≥ 1"),
])  # fmt: skip
def test_known_rows(reference, schema, key, type_name, default, constraints):
    assert reference[schema][key][:3] == (type_name, default, constraints)


@pytest.mark.parametrize("schema, key, description", [
    ("calciumgan.config.ExperimentConfig", "data.stride", "frames between consecutive window starts"),
    # three comment lines above the field, joined
    ("calciumgan.config.ExperimentConfig", "model.edge_margin",
     "wavegan: latent positions generated beyond each end of the window and cropped away (each strides \\*\\* "
     "num\\_blocks frames), so that edge frames see no zero padding and the calcium head starts warm; 0: the "
     "thesis's generator"),
    # a comment above and one trailing
    ("lfp.config.LFPConfig", "train.steps_per_epoch",
     "None: training showings // (n\\_critic \\* batch\\_size), one pass of the critic over the training showings"),
    ("calciumgan.config.ExperimentConfig", "model.noise_dim", ""),
    # no comment in the class: the line of the module docstring's YAML example
    ("tuning.config.SearchConfig", "oracle", "random \\| bayesian \\| hyperband (keras-tuner's oracles)"),
])  # fmt: skip
def test_descriptions_come_from_the_comments_of_the_source(reference, schema, key, description):
    assert reference[schema][key][3] == description


def test_every_shipped_config_is_listed_with_its_first_comment(reference, hook):
    shipped = reference[None]
    for tool in hook.TOOLS:
        names = [name for name, _ in shipped[tool.title]]
        assert names == sorted(path.stem for path in tool.shipped_folder().glob("*.yaml")), tool.title
    calcium = dict(shipped["CalciumGAN experiment"])
    assert calcium["demo"].startswith("built-in DG surrogate, short windows and a narrow network: CPU")
    assert dict(shipped["Latent tools"])["dcgan"].startswith("The demo trained as DCGAN was (Radford et al. 2016)")


def test_the_hook_fills_the_configuration_page_only(hook):
    page = (ROOT / "docs" / "reference" / "configuration.md").read_text(encoding="utf-8")
    assert page.count(hook.MARKER) == 1

    def at(uri):
        return types.SimpleNamespace(file=types.SimpleNamespace(src_uri=uri))

    filled = hook.on_page_markdown(page, at(hook.PAGE), None, None)
    assert hook.MARKER not in filled and "| `train.n_critic` | int | `5` | ≥ 1 |" in filled
    assert hook.on_page_markdown(page, at("index.md"), None, None) == page
    with pytest.raises(ValueError, match="missing"):
        hook.on_page_markdown("# no marker", at(hook.PAGE), None, None)


def test_readme_is_short_and_links_only_to_files_that_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    assert "docs/guide/calciumgan.md" in targets
    for target in targets:
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        assert (ROOT / target.split("#")[0]).exists(), target
    for phrase in ("was not run here", "on this machine", "H100", "commit"):
        assert phrase not in text, phrase


def test_readme_keeps_the_quick_start_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ("make demo   # creates .venv, installs, trains the CPU demo on the built-in surrogate, writes samples, "
            "evaluates them\nmake test   # installs the test extras and runs the whole suite under TensorFlow, then "
            "the backend lane under JAX\n") in text  # fmt: skip


def test_every_page_is_in_the_navigation_and_every_entry_exists():
    def entries(nav):
        for item in nav:
            values = item.values() if isinstance(item, dict) else [item]
            for value in values:
                yield from (entries(value) if isinstance(value, list) else [value])

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = list(entries(config["nav"]))
    docs = ROOT / "docs"
    pages = sorted(path.relative_to(docs).as_posix() for path in docs.rglob("*.md") if "_hooks" not in path.parts)
    assert sorted(listed) == pages
    assert config["hooks"] == ["docs/_hooks/config_reference.py"]
