"""Tiny searches: the tests' tiny experiment, a few trials of one epoch."""

import pytest
import yaml


@pytest.fixture(scope="session")
def write_search(write_config):
    """Factory: a search config over the tiny experiment, written into ``folder``; returns its path."""

    def write(folder, space, name="search.yaml", experiment=None, **settings):
        base = write_config(folder / "tiny.yaml", {"evaluate.num_samples": 16, "evaluate.heatmap_samples": 2,
                                                   "evaluate.workers": 1, **(experiment or {})})  # fmt: skip
        search = {"base": str(base), "trials": 4, "seed": 3, "budget": {"epochs": 1}, "space": space, **settings}
        path = folder / name
        path.write_text(yaml.safe_dump(search))
        return path

    return write
