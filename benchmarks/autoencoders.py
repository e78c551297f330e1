"""The denoising autoencoder and the VAE over several training seeds, mean and range.

    python benchmarks/autoencoders.py --tool denoise   # config denoise_demo, seeds 1 2 3
    python benchmarks/autoencoders.py --tool vae       # config vae_demo

Each seed trains the tool's run with ``train.seed`` in a temporary folder (the data are the same
for every seed). Denoiser: the mean squared error to the clean calcium, Erdmann et al.'s peak
accuracy (value and place) and OASIS's spike-recovery F1 (fixed and estimated rules), of the noisy
and the denoised held-out traces. VAE: the four mean KL divergences of Table 4.3 of its samples and
of the real-versus-real floor.
"""

import argparse
import dataclasses
import pathlib
import sys

from seeded_runs import over_seeds, print_quantities

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))


def denoiser_seed(config, seed: int, folder: pathlib.Path) -> dict:
    from calciumgan.autoencoders.denoising import run_denoiser

    report = run_denoiser(dataclasses.replace(config, train=dataclasses.replace(config.train, seed=seed)), folder)
    values = {}
    for name in ("noisy", "denoised"):
        values[f"MSE to clean, {name}"] = report["mse"][name]
        for part in ("value", "location"):
            values[f"peak accuracy ({part}), {name}"] = report["peak_accuracy"][name][part]
        for mode, recovery in report["spike_recovery"].items():
            values[f"spike F1 ({mode}), {name}"] = recovery[name]["f1"]
    return values


def vae_seed(config, seed: int, folder: pathlib.Path) -> dict:
    from calciumgan.autoencoders.vae_baseline import run_vae

    table = run_vae(dataclasses.replace(config, train=dataclasses.replace(config.train, seed=seed)), folder).table()
    return {f"{row} KL, {statistic}": float(value) for row in ("model", "floor")
            for statistic, value in table[row].items()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tool", choices=("denoise", "vae"), required=True)
    parser.add_argument("--config", help="a shipped config of the tool or a YAML path (default: its demo)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    from calciumgan.autoencoders.config import load_denoiser_config, load_vae_config

    load, run_seed, default = {"denoise": (load_denoiser_config, denoiser_seed, "denoise_demo"),
                               "vae": (load_vae_config, vae_seed, "vae_demo")}[args.tool]  # fmt: skip
    name = args.config or default
    results, seconds = over_seeds(run_seed, load(name), args.seeds,
                                  lambda result: ", ".join(f"{k} {v:.3f}" for k, v in list(result.items())[:4]))
    print_quantities(f"`{args.tool}` with `{name}`, seeds {' '.join(map(str, args.seeds))} ({seconds:.0f} s per seed)",
                     results)


if __name__ == "__main__":
    main()
