"""The AC-GAN of a config over several training seeds: label accuracy and how the label steers the samples.

    python benchmarks/acgan.py                         # config acgan_demo (WGAN-GP), seeds 1 2 3
    python benchmarks/acgan.py --config acgan_odena    # trained as Odena et al. trained it

Each seed trains ``calciumgan.conditional.train``'s run with ``train.seed`` in a temporary folder
(the presets' data are the same for every seed). Printed, mean over seeds [range]: the critic's
accuracy on held-out real windows' labels, and the correlation over neurons of each label's
samples' per-neuron means with the held-out real windows of the same label and of the other label.
"""

import dataclasses
import json
import pathlib
import sys

import numpy as np
from seeded_runs import over_seeds, print_quantities, seed_arguments

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))


def run_seed(config, seed: int, folder: pathlib.Path) -> dict:
    from calciumgan.conditional.acgan import train_acgan

    config = dataclasses.replace(config, train=dataclasses.replace(config.train, seed=seed))
    train_acgan(config, folder, progress=False)
    metrics = json.loads((folder / "metrics.json").read_text())
    correlations = np.asarray(json.loads((folder / "conditioning.json").read_text())["mean_correlation"])
    other = correlations[~np.eye(len(correlations), dtype=bool)]
    return {"held-out real-label accuracy": metrics["val_real_accuracy"],
            "r with the same label's real windows": float(np.diag(correlations).mean()),
            "r with the other labels' real windows": float(other.mean())}  # fmt: skip


def main() -> None:
    args = seed_arguments(__doc__.split("\n\n")[0])
    from calciumgan.conditional.config import load_conditional_config

    def summary(result: dict) -> str:
        return ", ".join(f"{key} {value:.3f}" for key, value in result.items())

    config = load_conditional_config("acgan_demo" if args.config == "demo" else args.config)
    results, seconds = over_seeds(run_seed, config, args.seeds, summary)
    print_quantities(f"AC-GAN `{args.config}`, seeds {' '.join(map(str, args.seeds))} ({seconds:.0f} s per seed)",
                     results)


if __name__ == "__main__":
    main()
