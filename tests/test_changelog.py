"""CHANGELOG.md keeps the Keep a Changelog 1.1.0 form, and its newest release is the package's version."""

import configparser
import datetime
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
GROUPS = ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]
RELEASE = re.compile(r"^## \[(\d+)\.(\d+)\.(\d+)\] - (\d{4}-\d{2}-\d{2})$")


def _lines() -> list:
    return (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()


def _sections() -> list:
    """Every ``## `` section in order: (heading, [its ``### `` headings])."""
    sections = []
    fenced = False
    for line in _lines():
        if line.startswith("```"):
            fenced = not fenced
        elif fenced:
            continue
        elif line.startswith("## "):
            sections.append((line, []))
        elif line.startswith("### "):
            assert sections, f"{line!r} comes before any ## heading"
            sections[-1][1].append(line[4:].strip())
    return sections


def _releases() -> list:
    """(version tuple, date) of every release heading, top to bottom."""
    releases = []
    for heading, _ in _sections():
        if heading != "## [Unreleased]":
            match = RELEASE.match(heading)
            assert match, f"release heading {heading!r} is not '## [X.Y.Z] - YYYY-MM-DD'"
            releases.append((tuple(int(part) for part in match.groups()[:3]), match[4]))
    return releases


def test_the_first_heading_is_the_title():
    headings = [line for line in _lines() if line.startswith("#")]
    assert headings and headings[0] == "# Changelog"
    assert sum(line.startswith("# ") for line in _lines()) == 1


def test_unreleased_comes_first():
    headings = [heading for heading, _ in _sections()]
    assert headings.count("## [Unreleased]") == 1
    assert headings[0] == "## [Unreleased]"


def test_releases_are_newest_first():
    releases = _releases()
    assert releases, "no release heading"
    versions = [version for version, _ in releases]
    dates = [date for _, date in releases]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert dates == sorted(dates, reverse=True)
    for date in dates:
        datetime.date.fromisoformat(date)  # a real calendar date: raises ValueError for 2026-02-30


def test_groups_are_the_standard_ones_in_order():
    for heading, groups in _sections():
        unknown = [group for group in groups if group not in GROUPS]
        assert not unknown, f"{heading}: {unknown} are not among {GROUPS}"
        assert groups == sorted(groups, key=GROUPS.index), f"{heading}: {groups} out of order"
        assert len(set(groups)) == len(groups), f"{heading}: a group appears twice"


def test_every_release_lists_changes():
    for heading, groups in _sections():
        if heading != "## [Unreleased]":
            assert groups, f"{heading} has no group of changes"


def test_the_newest_release_is_the_package_version():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    newest = ".".join(str(part) for part in _releases()[0][0])
    assert newest == config["metadata"]["version"]


def test_lines_are_at_most_120_characters():
    long = [number for number, line in enumerate(_lines(), 1) if len(line) > 120]
    assert not long, f"lines longer than 120 characters: {long}"
