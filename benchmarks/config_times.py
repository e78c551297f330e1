"""How long each shipped calcium config takes to train on this machine, projected from two short runs.

    python benchmarks/config_times.py                          # every shipped config
    python benchmarks/config_times.py --configs demo dff_demo dg

Each config is trained twice by ``train_experiment``, exactly as ``calciumgan.train`` trains it, for one epoch
of ``k`` and of ``2k`` iterations (``--iterations``; a tenth for the thesis-size configs, whose windows are
2,048 frames), each in a new folder. The difference of the two wall-clock times is the pace of ``k``
iterations; what is left of the shorter run is the fixed cost (data, building, compiling, validation,
checkpoint, saving). The projection is that fixed cost plus the config's iterations (epochs x steps per epoch)
at that pace; later epochs' validation and checkpoints add a little. A config that reads a recording file (day1,
day4) is timed on the built-in day-4 surrogate, whose windows and network are the same. Half precision is timed
in float32 on a machine without a GPU, the setting the training warning asks for there.

The reference is a whole run of dff_cpu timed on 2 cores (docs/results/speed.md: 20.9 minutes).
"""

import argparse
import dataclasses
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

REFERENCE_MINUTES = {"dff_cpu": 20.9}  # a whole run on 2 cores (docs/results/speed.md)


def timed_run(config, iterations: int, folder: pathlib.Path) -> float:
    """Seconds for ``train_experiment`` to run one epoch of ``iterations`` iterations of ``config`` in ``folder``."""
    from calciumgan.experiment import train_experiment

    train = dataclasses.replace(config.train, epochs=1, steps_per_epoch=iterations)
    start = time.perf_counter()
    train_experiment(dataclasses.replace(config, train=train), folder, progress=False)
    return time.perf_counter() - start


def as_timed(config):
    """``config`` as timed here: on the built-in DG surrogate if it reads a file, in float32 without a GPU."""
    from calciumgan.training.steps import accelerators

    if config.data.source == "file":
        config = dataclasses.replace(config, data=dataclasses.replace(config.data, source="surrogate", preset="day4"))
    if config.train.precision != "float32" and not accelerators():
        config = dataclasses.replace(config, train=dataclasses.replace(config.train, precision="float32"))
    return config


def total_iterations(config, run_folder: pathlib.Path) -> int:
    """Epochs x iterations per epoch, the latter from the training block of the timed run in ``run_folder`` where
    the config leaves it."""
    from calciumgan.experiment import steps_per_epoch
    from calciumgan.run import CalciumRun

    if config.train.steps_per_epoch:
        return config.train.epochs * config.train.steps_per_epoch
    start, end = CalciumRun(run_folder).recording_info()["train_frames"]
    return config.train.epochs * steps_per_epoch(config, end - start)


def project(name: str, iterations: int) -> dict:
    from calciumgan.config import load_config

    config = as_timed(load_config(name))
    thesis_size = config.data.window >= 2048
    k = max(1, iterations // 10) if thesis_size else iterations
    with tempfile.TemporaryDirectory() as folder:
        short = timed_run(config, k, pathlib.Path(folder) / "short")
        long = timed_run(config, 2 * k, pathlib.Path(folder) / "long")
        total = total_iterations(config, pathlib.Path(folder) / "short")
    per_iteration = max(long - short, 0.0) / k
    fixed = max(short - k * per_iteration, 0.0)
    return {"iterations": total, "per_iteration": per_iteration, "fixed": fixed,
            "minutes": (fixed + total * per_iteration) / 60}  # fmt: skip


def duration(minutes: float) -> str:
    if minutes < 90:
        return f"{minutes:.1f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 60 / 24:.1f} days"


def main(argv=None) -> None:
    from calciumgan.config import SHIPPED_CONFIGS

    shipped = sorted(path.stem for path in SHIPPED_CONFIGS.glob("*.yaml"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", nargs="+", default=shipped, choices=shipped)
    parser.add_argument("--iterations", type=int, default=20, help="k: iterations of the shorter timed run")
    args = parser.parse_args(argv)
    print("| config | iterations | s per iteration | fixed s | projected | reference (whole run) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in args.configs:
        row = project(name, args.iterations)
        reference = f"{REFERENCE_MINUTES[name]:.1f} min" if name in REFERENCE_MINUTES else ""
        print(f"| {name} | {row['iterations']:,} | {row['per_iteration']:.2f} | {row['fixed']:.0f} | "
              f"{duration(row['minutes'])} | {reference} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
