"""MEIs of an MEI config over several seeds: how well they match the true optimal stimuli.

    python benchmarks/mei.py                                 # config demo, seeds 1 2 3
    python benchmarks/mei.py --config demo --seeds 1 2 3 4 5

Each seed simulates its own population and images (``simulation.seed``), fits the response model
on them (``fit.seed``) and starts the ascent from its own noise (``mei.seed``), in a temporary
folder, by the stages ``exciting_inputs.simulate``, ``fit`` and ``optimise`` run. Printed per start
(noise, blank): the mean over the optimised neurons of Pearson's r of the MEI with the true optimal
stimulus inside the mask and over the whole image, the true neuron's response to the MEI over its
best response to a shown image, and the model's response, each as the mean over seeds and its range;
then the response model's own held-out scores (``exciting_inputs.fit``'s report means).
"""

import dataclasses
import pathlib
import sys

from seeded_runs import over_seeds, seed_arguments, spread

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

FIT_COLUMNS = {"test_single_trial": "test r (single trials)", "oracle": "oracle r",
               "test_true_rate": "test r (true rates)"}  # fmt: skip
COLUMNS = {"truth_correlation_in_mask": "r in mask", "truth_correlation": "r, whole image",
           "relative_true_response": "relative true response", "model_response": "model response"}  # fmt: skip


def seeded(config, seed: int):
    """``config`` with ``seed`` for the simulation, the fit and the noise start."""
    return dataclasses.replace(config, simulation=dataclasses.replace(config.simulation, seed=seed),
                               fit=dataclasses.replace(config.fit, seed=seed),
                               mei=dataclasses.replace(config.mei, seed=seed))  # fmt: skip


def run_seed(config, seed: int, folder: pathlib.Path) -> dict:
    """``{"fit": the fit report's means, "meis": start -> summarised column -> mean over neurons}`` of one seed's
    simulate, fit and optimise."""
    from exciting_inputs.experiment import Experiment
    from exciting_inputs.fitting import fit_experiment
    from exciting_inputs.optimisation.stage import optimise_experiment
    from exciting_inputs.simulating import simulate_stage

    config = seeded(config, seed)
    simulate_stage(config, folder)
    fit = fit_experiment(config, Experiment(folder), progress=False)["summary"]["means"]
    return {"fit": fit, "meis": optimise_experiment(config, Experiment(folder), None)["means"]}


def main() -> None:
    args = seed_arguments(__doc__.split("\n\n")[0])
    from exciting_inputs.config import load_config

    def summary(result: dict) -> str:
        return "; ".join(f"{start} start: r in mask {values['truth_correlation_in_mask']:.3f}"
                         for start, values in result["meis"].items())  # fmt: skip

    results, seconds = over_seeds(run_seed, load_config(args.config), args.seeds, summary)
    print(f"\n## MEIs of `{args.config}`, seeds {' '.join(map(str, args.seeds))} ({seconds:.0f} s per seed): "
          "mean over seeds [range]\n")
    print("| start | " + " | ".join(COLUMNS.values()) + " |")
    print("|---|" + "---:|" * len(COLUMNS))
    for start in results[0]["meis"]:
        print(f"| {start} | " + " | ".join(spread([result["meis"][start][key] for result in results])
                                           for key in COLUMNS) + " |")  # fmt: skip
    print("\n| response model | " + " | ".join(FIT_COLUMNS.values()) + " |")
    print("|---|" + "---:|" * len(FIT_COLUMNS))
    print("| fitted neurons, mean | " + " | ".join(spread([result["fit"][key] for result in results])
                                                  for key in FIT_COLUMNS) + " |")  # fmt: skip


if __name__ == "__main__":
    main()
