"""The LFP GAN's Table 5.1 over several training seeds: what pre-training and the GAN achieve, with their spread.

    python benchmarks/lfp.py                                  # config demo, seeds 1 2 3
    python benchmarks/lfp.py --config demo --seeds 1 2 3 4 5

The recording and its image split are the config's (``data.seed``); each seed sets the
autoencoders' and the GANs' initial weights and batch order (``pretrain.seed``, ``train.seed``).
Per seed, in a temporary experiment folder, the stages of ``make lfp-demo`` run in this process:
pre-training, both GANs (pre-trained and from scratch), and ``lfp.evaluate``'s table. Printed:
every row and metric of the test split as the mean over seeds and its range, and in how many
seeds each GAN is closer to the held-out showings than the Gaussian-noise row, and than the
other GAN, per distance.
"""

import dataclasses
import pathlib
import sys

from seeded_runs import over_seeds, seed_arguments, spread

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

DISTANCES = ("fd", "domain_fd", "encoder_fd", "spectral", "correlation", "evoked")


def seeded(config, seed: int):
    """``config`` with ``seed`` for the pre-training and the GANs."""
    return dataclasses.replace(config, pretrain=dataclasses.replace(config.pretrain, seed=seed),
                               train=dataclasses.replace(config.train, seed=seed))  # fmt: skip


def run_seed(config, seed: int, folder: pathlib.Path) -> dict:
    """The report's table (split -> row -> metric -> value) of one seed's experiment."""
    from lfp.adversarial import train_lfp_gan
    from lfp.evaluation.report import evaluate_experiment
    from lfp.experiment import Experiment, experiment_data
    from lfp.pretraining import pretrain_autoencoders

    config = seeded(config, seed)
    experiment = Experiment(folder)
    recording, _, test_ids = experiment_data(config, experiment, "lfp.pretrain")
    pretrain_autoencoders(config, recording, test_ids, experiment.pretrain, progress_bar=False)
    for init in ("pretrained", "scratch"):
        train_lfp_gan(config, folder, init=init, progress=False)
    return evaluate_experiment(folder)


def print_summary(reports: list, split: str) -> None:
    from lfp.evaluation.report import COLUMNS
    from lfp.evaluation.table import ROW_TITLES

    tables = [report["table"][split] for report in reports]
    metrics = [name for name in COLUMNS if name in tables[0]["noise"]]
    print(f"\n### {split} images ({reports[0]['windows']} windows per set), mean [range] over seeds\n")
    print("| | " + " | ".join(COLUMNS[name] for name in metrics) + " |")
    print("|---|" + "---|" * len(metrics))
    for row in tables[0]:
        cells = [spread([table[row][name] for table in tables], 4) if name in tables[0][row] else "—"
                 for name in metrics]  # fmt: skip
        print(f"| {ROW_TITLES[row]} | " + " | ".join(cells) + " |")
    print("\nSeeds in which the first row is closer to the held-out showings than the second (lower distance):\n")
    print("| | " + " | ".join(COLUMNS[name] for name in DISTANCES) + " |")
    print("|---|" + "---|" * len(DISTANCES))
    for first, second in (("pretrained", "noise"), ("scratch", "noise"), ("pretrained", "scratch")):
        if first in tables[0] and second in tables[0]:
            wins = [sum(table[first][name] < table[second][name] for table in tables) for name in DISTANCES]
            print(f"| {first} vs {second} | " + " | ".join(f"{count} of {len(tables)}" for count in wins) + " |")


def main() -> None:
    args = seed_arguments(__doc__.split("\n\n")[0])
    from lfp.config import load_config

    def summary(report: dict) -> str:
        test = report["table"]["test"]
        return ", ".join(f"{row} {test[row]['fd']:.0f}" for row in ("pretrained", "scratch", "noise")) + " (test FD)"

    reports, seconds = over_seeds(run_seed, load_config(args.config), args.seeds, summary)
    print(f"\n## Table 5.1 of `{args.config}`, seeds {' '.join(map(str, args.seeds))} ({seconds:.0f} s per seed)")
    for split in ("test", "train"):
        print_summary(reports, split)


if __name__ == "__main__":
    main()
