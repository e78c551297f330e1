"""The latent-code experiment of a config over several seeds: decoding and the genetic search, mean and range.

    python benchmarks/latent.py                       # config demo (WGAN-GP), seeds 1 2 3
    python benchmarks/latent.py --config dcgan        # the generator trained as DCGAN was

Each seed simulates its own population and images and seeds the generator, the decoder's codes and
trials and the search (``simulation``, ``generator``, ``decoding`` and ``search.seed``), then runs
the stages ``exciting_inputs.latent.train``, ``decode`` and ``evolve`` run, in a temporary folder.
Printed: the held-out decoding scores (trial means, single trials, shuffled) and the held-out mean
count of the search's, the best random code's and the best dataset image's choice, and the search's
over each of the other two (each seed's neuron 0 is another simulated neuron, so the counts differ
more between seeds than the ratios).
"""

import dataclasses
import pathlib
import sys

from seeded_runs import over_seeds, print_quantities, seed_arguments

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

SECTIONS = ("simulation", "generator", "decoding", "search")


def run_seed(config, seed: int, folder: pathlib.Path) -> dict:
    """The decoding scores and held-out search counts of one seed."""
    from exciting_inputs.latent.experiment import decode_stage, search_stage, train_stage

    config = dataclasses.replace(config, **{name: dataclasses.replace(getattr(config, name), seed=seed)
                                            for name in SECTIONS})  # fmt: skip
    train_stage(config, folder)
    decoding, search = decode_stage(config, folder), search_stage(config, folder)
    scores = {f"{name} {key}": decoding[part][key] for part, name in (("held_out_trial_mean", "trial means"),
              ("held_out_single_trial", "single trials"), ("shuffled", "shuffled"))
              for key in ("code_correlation", "image_correlation", "identification_accuracy")}  # fmt: skip
    counts = {f"held-out count, {choice}": search["held_out"][choice]["mean"] for choice in ("search", "random",
                                                                                              "dataset")}
    ratios = {f"search / {choice}": counts["held-out count, search"] / counts[f"held-out count, {choice}"]
              for choice in ("random", "dataset")}  # fmt: skip
    return {**scores, **counts, **ratios}


def main() -> None:
    args = seed_arguments(__doc__.split("\n\n")[0])
    from exciting_inputs.latent.config import load_config

    def summary(result: dict) -> str:
        return (f"code r {result['trial means code_correlation']:.3f}, search {result['held-out count, search']:.2f}, "
                f"random {result['held-out count, random']:.2f}, dataset {result['held-out count, dataset']:.2f}")

    results, seconds = over_seeds(run_seed, load_config(args.config), args.seeds, summary)
    print_quantities(f"Latent experiment `{args.config}`, seeds {' '.join(map(str, args.seeds))} "
                     f"({seconds:.0f} s per seed)", results)


if __name__ == "__main__":
    main()
