"""How realistic each variant gets for the same CPU budget, on both built-in surrogates.

    python benchmarks/realism.py --minutes 5                                 # every variant, both surrogates
    python benchmarks/realism.py --variants table3.1 calcium --datasets dff --minutes 2
    python benchmarks/realism.py --variants calcium-margin calcium-margin-stats --datasets dff --seeds 1 2 3
    python benchmarks/realism.py --cheaters                                  # can the evaluation be fooled?
    python benchmarks/realism.py --truth --datasets dff --seeds 1 2 3        # what would a perfect generator score?

``--seeds`` trains each variant once per training seed (``train.seed``), then also prints every
headline check's mean and spread over the seeds and, per seed, on how many checks the variant
beats, ties and loses against each baseline (``calciumgan.evaluation.headline``).

``--truth`` adds, per seed, a row that no training made: windows of a fresh recording of the
surrogate itself (another ``data.surrogate_seed``), scored as a variant is. It is what a perfect
generator would score, with the sampling noise of one set of windows, and so says which headline
checks any generator could win against each baseline in 3 of 3 seeds.

``--cheaters`` trains nothing: it scores hand-made cheats (``calciumgan.evaluation.cheats``: copies
of training windows, one window repeated, typical windows only, permuted neurons, shuffled frames,
time reversal, independently shifted neurons, moment-matched noise, doubled transients) and a
held-out control block against the last fifth of each surrogate, and prints which headline checks
rate each one worse than the real-versus-real floor and whether it was flagged as memorised.

Every variant is the shipped ``demo`` config (windows of 256 frames, a narrow network) with a
few overrides. It trains in its own run folder under ``--out`` for about ``--minutes`` of
wall-clock time (one epoch first, to measure its pace, then as many more as fit) and is
evaluated by ``evaluate_run`` exactly as ``python -m calciumgan.evaluate --run`` does, in
``calibrated`` spike inference for every dataset, so rows compare. Printed, per surrogate: the
mean KL of each statistic for the floor (real vs real), the dichotomized-Gaussian and Poisson
baselines and every variant, each also as a ratio to the floor; the firing-rate RMSE against
the surrogate's true rates (Hz); the noise-level ratio (median calibrated noise of the
synthetic traces over that of the held-out real traces); and the spike recovery of the
inference on the held-out real windows (recall / precision; the same for every row of a
surrogate); and the edges: the mean frame-to-frame change of the synthetic traces at a window's
first and last frame over that in its middle half (``calciumgan.evaluation.edges``; 1.0 is an
edge like the middle). A variant already trained in its folder is evaluated again, not retrained;
one stopped part-way is resumed up to ``--epochs``.
"""

import argparse
import dataclasses
import os
import pathlib
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from calciumgan.config import EvaluateConfig, ExperimentConfig, config_from_dict, load_config  # noqa: E402
from calciumgan.data.prepare import load_data, prepare_data  # noqa: E402
from calciumgan.evaluation.cheats import HELD_OUT, caught, cheater_evaluation  # noqa: E402
from calciumgan.evaluation.headline import CHECKS, beats_on, winnable_won  # noqa: E402
from calciumgan.evaluation.inference import calibrate  # noqa: E402
from calciumgan.evaluation.pipeline import evaluate_generator  # noqa: E402
from calciumgan.evaluation.scoring import STATISTICS  # noqa: E402
from calciumgan.experiment import train_experiment  # noqa: E402
from calciumgan.run import CalciumRun  # noqa: E402
from calciumgan.run_evaluation import evaluate_run  # noqa: E402
from calciumgan.training.checkpoints import list_checkpoints  # noqa: E402

DATASETS = {"dg": {"data.preset": "day4"}, "dff": {"data.preset": "dff_day4"}}
# the demo config as dff_demo trains it: calcium head, edge margin, head started from the data, feature matching
RECIPE = {"model.output": "calcium", "model.edge_margin": 1, "model.head_from_data": True,
          "train.moment_matching": 10.0}  # fmt: skip
# the best trial of tuning/configs/realistic_cpu.yaml (10 trials of 400 iterations on dff_day4)
SEARCHED = {**RECIPE, "model.phase_shuffle": 0, "train.n_critic": 3, "train.learning_rate": 5.517e-4,
            "train.generator_ema": 0.999, "train.moment_matching": 30.0}  # fmt: skip
BINARY_FACTORS8 = {"model.events": "binary", "model.event_factors": 8}  # correlated binary events
VARIANTS = {
    "table3.1": {},
    "table3.1-margin": {"model.edge_margin": 1},
    "no-phase-shuffle": {"model.phase_shuffle": 0},
    "nearest": {"model.upsampling": "nearest"},
    "calcium": {"model.output": "calcium"},
    "calcium-ema": {"model.output": "calcium", "train.generator_ema": 0.999},
    "calcium-margin": {"model.output": "calcium", "model.edge_margin": 1},
    "calcium-margin-stats": {"model.output": "calcium", "model.edge_margin": 1, "model.critic_neuron_statistics": True},
    "calcium-margin-head": {"model.output": "calcium", "model.edge_margin": 1, "model.head_from_data": True},
    "calcium-margin-head-stats": {"model.output": "calcium", "model.edge_margin": 1, "model.head_from_data": True,
                                  "model.critic_neuron_statistics": True},
    "calcium-margin-moments10": {"model.output": "calcium", "model.edge_margin": 1, "train.moment_matching": 10.0},
    "calcium-margin-head-moments10": RECIPE,
    # issue 21's further levers, each alone on top of the recipe above
    "recipe-ttur": {**RECIPE, "train.critic_learning_rate": 1.2e-3},  # the critic at 4x the demo's 3e-4
    "recipe-spectral": {**RECIPE, "model.critic_spectral_norm": True},  # beside the gradient penalty
    "recipe-batch64": {**RECIPE, "train.batch_size": 64},
    "recipe-window512": {**RECIPE, "data.window": 512},
    "recipe-events1": {**RECIPE, "model.event_noise": 1.0},  # white noise inside the events' softplus
    "recipe-events2": {**RECIPE, "model.event_noise": 2.0},
    "recipe-binary": {**RECIPE, "model.events": "binary"},  # relaxed-Bernoulli single-frame events of one size
    "recipe-binary-factors8": {**RECIPE, **BINARY_FACTORS8},
    "searched": SEARCHED,
    "searched-binary": {**SEARCHED, "model.events": "binary"},
    "searched-binary-factors8": {**SEARCHED, **BINARY_FACTORS8},
    # ... with four slow shared factors of the event rates, started from the recording
    "searched-binary-factors8-slow4": {**SEARCHED, **BINARY_FACTORS8, "model.slow_factors": 4},
    # ... with each event's calcium rising over two frames, started from the recording
    "searched-binary-factors8-slow4-rise": {**SEARCHED, **BINARY_FACTORS8, "model.slow_factors": 4,
                                            "model.calcium_rise": True},
    # the best trial of tuning/configs/factors_cpu.yaml (8 trials of 400 iterations on dff_day4 and day4), with the rise
    "factors-searched-rise": {**SEARCHED, **BINARY_FACTORS8, "model.phase_shuffle": 2, "train.n_critic": 5,
                              "train.learning_rate": 8.702e-4, "train.generator_ema": None, "model.slow_factors": 2,
                              "model.calcium_rise": True},
}
# ... with each event's size log-normal around its neuron's mean (spread 0.6, learned per neuron)
VARIANTS["factors-searched-rise-spread"] = {**VARIANTS["factors-searched-rise"], "model.event_size_spread": 0.6}
# ... with spread 0.3: dff_factors_cpu
VARIANTS["factors-searched-rise-spread03"] = {**VARIANTS["factors-searched-rise"], "model.event_size_spread": 0.3}
# ... spread 0.3 with the factors' strength drifting a little (0.2)
VARIANTS["factors-searched-rise-spread03-synchrony02"] = {**VARIANTS["factors-searched-rise-spread03"],
                                                          "model.synchrony_spread": 0.2}
# the best trial of tuning/configs/events_cpu.yaml (8 trials of 400 iterations on both surrogates)
VARIANTS["events-searched"] = {**VARIANTS["factors-searched-rise-spread03"], "model.slow_factors": 4,
                               "train.n_critic": 3, "train.learning_rate": 8.08e-4, "train.moment_matching": 10.0}
# ... with the event factors' strength drifting over seconds (spread 0.4, learned per factor)
VARIANTS["factors-searched-rise-spread-synchrony"] = {**VARIANTS["factors-searched-rise-spread"],
                                                      "model.synchrony_spread": 0.4}
BASELINE_ROWS = ("floor", "dichotomized_gaussian", "poisson")


def variant_config(dataset: str, variant: str, seed: int = 42) -> ExperimentConfig:
    """The demo config with the dataset's and the variant's overrides and training seed ``seed``, evaluated in
    calibrated mode."""
    raw = dataclasses.asdict(load_config("demo"))
    overrides = {**DATASETS[dataset], **VARIANTS[variant], "evaluate.spike_inference": "calibrated",
                 "evaluate.num_samples": 256, "train.seed": seed}  # fmt: skip
    for dotted, value in overrides.items():
        section, key = dotted.split(".")
        raw[section][key] = value
    return config_from_dict(raw, f"{dataset}/{variant}")


def train_for(config: ExperimentConfig, folder: pathlib.Path, minutes: float, epochs: int | None = None) -> dict:
    """Train one epoch, then as many as the budget allows (or exactly ``epochs``); the iterations and seconds
    spent."""
    run = CalciumRun(folder)
    completed = int(list_checkpoints(run.checkpoints)[-1].stem.split("-")[1]) if run.has_trained() else 0
    if completed and (epochs is None or completed >= epochs):
        return {"iterations": completed * config.train.steps_per_epoch, "seconds": float("nan")}
    start = time.perf_counter()
    if not completed:
        train_experiment(dataclasses.replace(config, train=dataclasses.replace(config.train, epochs=1)), folder,
                         progress=False)  # fmt: skip
    first = time.perf_counter() - start  # includes building and compiling: a pessimistic pace
    epochs = epochs or max(1, int(minutes * 60 / first))
    train_experiment(dataclasses.replace(config, train=dataclasses.replace(config.train, epochs=epochs)), folder,
                     progress=False)  # fmt: skip
    return {"iterations": epochs * config.train.steps_per_epoch, "seconds": time.perf_counter() - start}


def noise_ratio(real: np.ndarray, evaluation) -> float:
    """Median calibrated noise of the synthetic traces over that of the (T, N) held-out real traces."""
    synthetic = evaluation.traces["model"].reshape(-1, real.shape[1])
    return float(np.median(calibrate(synthetic).noise) / np.median(calibrate(real).noise))


def truth_evaluation(dataset: str, seed: int):
    """The surrogate as its own generator: windows at random starts in a fresh recording of the preset
    (``data.surrogate_seed`` 1000 + ``seed``; the untrained row another), scored against the held-out block
    exactly as a trained variant is. What a perfect generator would score, sampling noise included."""
    config = variant_config(dataset, "table3.1", seed)
    data, window = prepare_data(config.data), config.data.window

    def sample(count, sample_seed, untrained, truncation):
        fresh = dataclasses.replace(config.data, surrogate_seed=1000 + seed + 1000 * untrained)
        signals = load_data(fresh).signals
        starts = np.random.default_rng(sample_seed).integers(0, len(signals) - window + 1, count)
        return np.stack([signals[start:start + window] for start in starts])

    evaluation = evaluate_generator(data, sample, config.evaluate.resolved(f"surrogate:{config.data.preset}"),
                                    window, {"run": "fresh surrogate recordings", "window": window})  # fmt: skip
    return {"iterations": 0, "seconds": float("nan"), "evaluation": evaluation,
            "noise_ratio": noise_ratio(data.validation.signals, evaluation)}  # fmt: skip


def row_text(name: str, means: dict, floor: dict, extra: str) -> str:
    cells = [f"{means[s]:.3f} ({means[s] / floor[s]:.1f}x)" if floor[s] > 0 else f"{means[s]:.3f}" for s in STATISTICS]
    return f"| {name} | " + " | ".join(cells) + f" | {extra} |"


def report(dataset: str, results: dict) -> None:
    first = next(iter(results.values()))["evaluation"]
    table = first.table()
    floor = table["floor"]
    recovery = first.extras["spike_recovery"]  # both surrogates keep their true spikes
    print(f"\n## {dataset}: spike recovery on held-out real windows: recall {recovery['recall']:.2f}, "
          f"precision {recovery['precision']:.2f}")  # fmt: skip
    first_step, last_step = first.extras["edges"]["real"]["frame_difference"]
    print(f"Real held-out windows' edges: |Δ| first {first_step:.2f}, last {last_step:.2f} of the middle's")
    print("| row | " + " | ".join(STATISTICS) + " | rate RMSE (Hz), noise ratio, edges, iterations, minutes |")
    print("| --- " * (len(STATISTICS) + 2) + "|")
    truth = first.extras.get("ground_truth", {})
    for name in BASELINE_ROWS:
        rmse = truth.get(name, {}).get("firing_rate_rmse_hz", float("nan"))
        print(row_text(name, table[name], floor, f"{rmse:.3f}" if name != "floor" else ""))
    for variant, result in results.items():
        evaluation = result["evaluation"]
        rmse = evaluation.extras["ground_truth"]["model"]["firing_rate_rmse_hz"]
        first_step, last_step = evaluation.extras["edges"]["model"]["frame_difference"]
        extra = (f"{rmse:.3f}, {result['noise_ratio']:.2f}, {first_step:.2f}/{last_step:.2f}, "
                 f"{result['iterations']}, {result['seconds'] / 60:.1f}")  # fmt: skip
        print(row_text(variant, evaluation.table()["model"], floor, extra))


def cheaters(dataset: str, count: int, window: int) -> bool:
    """Print the cheats x headline checks table of one surrogate; whether every cheat was caught and the
    held-out control was not."""
    config = variant_config(dataset, "table3.1")
    recording = load_data(config.data)
    evaluate = EvaluateConfig(num_samples=count, spike_inference="calibrated", progress=False)
    start = time.perf_counter()
    evaluation = cheater_evaluation(recording.signals, recording.sampling_rate, count, window, evaluate)
    headline, verdicts = evaluation.extras["headline"], evaluation.extras["verdicts"]
    print(f"\n## {dataset} ({config.data.preset}): {count} windows of {window} frames per set, "
          f"{(time.perf_counter() - start) / 60:.1f} min")  # fmt: skip
    print("| row | " + " | ".join(CHECKS) + " | memorised | caught |")
    print("| --- " * (len(CHECKS) + 3) + "|")
    for row, scores in headline.items():
        worse = set(verdicts.get(row, {}).get("worse_than_floor", []))
        cells = [f"**{scores[name]['value']:.3f}**" if name in worse else f"{scores[name]['value']:.3f}"
                 if name in scores else "–" for name in CHECKS]  # fmt: skip
        flags = ["", ""] if row == "floor" else ["yes" if verdicts[row]["memorised"] else "no",
                                                 "yes" if caught(verdicts[row]) else "no"]  # fmt: skip
        print(f"| {row} | " + " | ".join(cells + flags) + " |")
    cheats = [row for row in verdicts if row not in (HELD_OUT, "dichotomized_gaussian", "poisson")]
    passed = all(caught(verdicts[row]) for row in cheats) and not caught(verdicts[HELD_OUT])
    print(f"\nBold: worse than the floor beyond both intervals. Every cheat caught and the held-out block passed: "
          f"{'yes' if passed else 'NO'}")  # fmt: skip
    return passed


def headline_summary(dataset: str, results: dict) -> None:
    """Per variant: each headline check's mean and spread over seeds, and per seed how many checks it beats,
    ties and loses against each baseline and the correlation over neurons of its mean firing rates with the
    held-out data's (rate r)."""
    print(f"\n## {dataset}: headline checks, mean ± standard deviation over seeds (KL lower, precision/recall higher "
          "is better)")  # fmt: skip
    first = next(iter(next(iter(results.values())).values()))["evaluation"]
    rows = {name: [first.extras["headline"][name]] for name in BASELINE_ROWS}
    rows |= {variant: [run["evaluation"].extras["headline"]["model"] for run in runs.values()]
             for variant, runs in results.items()}  # fmt: skip
    print("| row | " + " | ".join(CHECKS) + " |")
    print("| --- " * (len(CHECKS) + 1) + "|")
    for name, scores in rows.items():
        cells = [f"{np.mean([s[c]['value'] for s in scores]):.3f} ± {np.std([s[c]['value'] for s in scores]):.3f}"
                 if len(scores) > 1 else f"{scores[0][c]['value']:.3f}" for c in CHECKS]  # fmt: skip
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\n| row | seed | worse than floor on | vs DG: beats/ties/loses | vs Poisson: beats/ties/loses | rate r |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in BASELINE_ROWS[1:]:  # a check on which a baseline ties the floor is one no row can beat it on
        print(f"| {name} | – | " + " | ".join(verdict_cells(first, name)) + " | – |")
    for variant, runs in results.items():
        for seed, run in runs.items():
            statistics = run["evaluation"].statistics
            rates = [statistics[name].firing_rate.mean(axis=0) for name in ("real", "model")]
            print(f"| {variant} | {seed} | " + " | ".join(verdict_cells(run["evaluation"], "model"))
                  + f" | {np.corrcoef(*rates)[0, 1]:.2f} |")


def verdict_cells(evaluation, row: str) -> list:
    """The checks on which ``row`` of ``evaluation`` is worse than the floor, and its beats/ties/losses against
    each baseline ("–" against itself) with how many of the checks the floor beats that baseline on it wins."""
    headline, verdict = evaluation.extras["headline"], evaluation.extras["verdicts"][row]
    worse = verdict["worse_than_floor"]
    cells = [f"{len(worse)}" + (f" ({', '.join(worse)})" if worse else "")]
    for baseline in BASELINE_ROWS[1:]:
        if baseline == row:
            cells.append("–")
            continue
        beats, lost = verdict["beats"][baseline], beats_on(headline, baseline, row)
        named = "; ".join(f"{word} {', '.join(checks)}" for word, checks in (("beats", beats), ("loses", lost))
                          if checks)
        ties = len(CHECKS) - len(beats) - len(lost)
        winnable, won = winnable_won(evaluation.extras["verdicts"], row, baseline)
        cells.append(f"{len(beats)}/{ties}/{len(lost)}, {len(won)} of the floor's {len(winnable)}"
                     + (f" ({named})" if named else ""))  # fmt: skip
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="training budget per variant (wall clock)")
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), help="default: every variant, or none "
                        "with --truth")
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS))
    parser.add_argument("--out", default="runs/realism", help="folder of the variants' run folders")
    parser.add_argument("--epochs", type=int, help="train exactly this many epochs of 100 iterations instead of "
                        "--minutes: the same iterations for every variant, whatever else loads the machine")
    parser.add_argument("--seeds", nargs="+", type=int, default=[42], help="training seeds (train.seed) per variant")
    parser.add_argument("--cheaters", action="store_true", help="score the cheats instead of training variants")
    parser.add_argument("--windows", type=int, default=128, help="windows per set with --cheaters")
    parser.add_argument("--truth", action="store_true", help="also score, per seed, windows of a fresh recording of "
                        "each surrogate as if a variant had made them: what a perfect generator would score")
    args = parser.parse_args()
    if args.cheaters:
        results = [cheaters(dataset, args.windows, load_config("demo").data.window) for dataset in args.datasets]
        raise SystemExit(0 if all(results) else 1)
    for dataset in args.datasets:
        results = {}
        for variant in args.variants or ([] if args.truth else list(VARIANTS)):
            results[variant] = {}
            for seed in args.seeds:
                folder = pathlib.Path(args.out) / dataset / variant / f"seed-{seed}"
                spent = train_for(variant_config(dataset, variant, seed), folder, args.minutes, args.epochs)
                evaluation = evaluate_run(folder)
                real = CalciumRun(folder).load_data().validation.signals
                results[variant][seed] = {**spent, "evaluation": evaluation,
                                          "noise_ratio": noise_ratio(real, evaluation)}  # fmt: skip
        if args.truth:
            results["truth"] = {seed: truth_evaluation(dataset, seed) for seed in args.seeds}
        report(dataset, {f"{variant} (seed {seed})": run for variant, runs in results.items()
                         for seed, run in runs.items()})  # fmt: skip
        headline_summary(dataset, results)


if __name__ == "__main__":
    main()
