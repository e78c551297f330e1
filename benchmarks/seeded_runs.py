"""What the seed-spread benchmarks share: their command line, the loop over seeds and the printed spreads."""

import argparse
import pathlib
import tempfile
import time


def seed_arguments(description: str) -> argparse.Namespace:
    """``--config`` (default ``demo``) and ``--seeds`` (default 1 2 3)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--config", default="demo", help="a shipped config of the tool or a YAML path")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    return parser.parse_args()


def over_seeds(run_seed, config, seeds: list, summary) -> tuple[list, float]:
    """``run_seed(config, seed, folder)`` for each seed, each in a new temporary folder, printing
    ``summary(result)`` after each; returns the results and the mean seconds per seed."""
    results, started = [], time.perf_counter()
    for seed in seeds:
        with tempfile.TemporaryDirectory() as folder:
            results.append(run_seed(config, seed, pathlib.Path(folder) / "experiment"))
        print(f"seed {seed}: {summary(results[-1])}", flush=True)
    return results, (time.perf_counter() - started) / len(seeds)


def spread(values: list, digits: int = 3) -> str:
    """``mean [min, max]``, each with ``digits`` significant digits."""
    return f"{sum(values) / len(values):.{digits}g} [{min(values):.{digits}g}, {max(values):.{digits}g}]"


def print_quantities(title: str, results: list) -> None:
    """``title`` as a heading, then a table of every quantity of ``results`` (dicts with the same keys) as its
    ``spread`` over them."""
    print(f"\n## {title}: mean over seeds [range]\n")
    print("| quantity | value |\n|---|---:|")
    for key in results[0]:
        print(f"| {key} | {spread([result[key] for result in results])} |")
