"""Evaluation and training as the recording grows from 102 to 1,000 and 5,000 neurons.

    python benchmarks/scaling.py                                  # 102, 1,000, 5,000 neurons; 1,000 samples
    python benchmarks/scaling.py --neurons 102 1000 --samples 200 # smaller
    python benchmarks/scaling.py --skip-training

Data: AR(1) calcium (g = 0.95, a spike adds 1, noise sd 0.3) of independent 1 Hz Poisson
spikes at 24 Hz, the kind of recording a Suite2p session of that many cells gives: a training
recording of 36,000 frames (25 minutes), a held-out real one and a synthetic one of ``--samples``
windows of 256 frames, each drawn with its own seed. ``calciumgan.evaluate_arrays`` scores the
synthetic set against the held-out one with the training recording given (floor, baselines,
memorisation), every headline check included, and prints its seconds per stage. One training
iteration is the demo's (batch 32, n_critic 5, window 256) at that many neurons, timed after
warm-up as in ``benchmarks/train_step.py``; from 1,000 neurons up, also with
``model.output_features: 128`` (the generator's last block 128 channels wide, not one per
neuron). Each case runs in a fresh process, so its peak
resident memory is its own. Rows are printed against the first (102-neuron) row.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SAMPLING_RATE = 24.0
WINDOW = 256
RATE_HZ = 1.0
TRAINING_FRAMES = 36_000


def simulated_traces(frames: int, neurons: int, seed: int):
    """(frames, neurons) float32 AR(1) calcium of independent Poisson spikes at ``RATE_HZ``."""
    import numpy as np

    from calciumgan.data.surrogate import calcium_from_spikes

    rng = np.random.default_rng(seed)
    spikes = rng.poisson(RATE_HZ / SAMPLING_RATE, size=(frames, neurons))
    return calcium_from_spikes(spikes, rng)


def evaluation_case(neurons: int, samples: int) -> dict:
    """Seconds per stage and peak memory of one whole evaluation, in this process."""
    from calciumgan.api import evaluate_arrays
    from calciumgan.config import EvaluateConfig

    train = simulated_traces(TRAINING_FRAMES, neurons, seed=0)
    real = simulated_traces(samples * WINDOW, neurons, seed=1).reshape(samples, WINDOW, neurons)
    synthetic = simulated_traces(samples * WINDOW, neurons, seed=2).reshape(samples, WINDOW, neurons)
    start = time.perf_counter()
    evaluation = evaluate_arrays(real, synthetic, SAMPLING_RATE, EvaluateConfig(num_samples=samples, progress=False),
                                 train=train)  # fmt: skip
    return {"seconds": time.perf_counter() - start, "stages": evaluation.extras["timings"],
            "pairs": evaluation.extras.get("pairs"), "peak_rss_mb": _peak_mb()}  # fmt: skip


def training_case(neurons: int, iterations: int, output_features: int | None) -> dict:
    """Seconds per demo-shaped training iteration at ``neurons`` (``model.output_features`` as given) and peak
    memory, in this process."""
    sys.path.insert(0, os.path.dirname(__file__))
    from train_step import run_case

    result = run_case("demo", 32, "fast", False, "float32", iterations, neurons=neurons,
                      output_features=output_features)  # fmt: skip
    return {"seconds": result["seconds"], "parameters": result["parameters"], "peak_rss_mb": _peak_mb()}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_fresh_process(case: str, neurons: int, amount: int, output_features: int = 0) -> dict:
    command = [sys.executable, __file__, "--case", case, str(neurons), str(amount), str(output_features)]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        return {"error": (finished.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(finished.stdout.strip().splitlines()[-1])


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.1f}x" if reference else "-"


def print_evaluations(results: dict) -> None:
    stages = list(dict.fromkeys(stage for result in results.values() for stage in result.get("stages", {})))
    print("| neurons | pairs | whole (s) | " + " | ".join(stages) + " | peak memory (MB) |")
    print("| --- " * (len(stages) + 4) + "|")
    reference = next(iter(results.values()))
    for neurons, result in results.items():
        if "error" in result:
            print(f"| {neurons} | failed: {result['error']} |")
            continue
        seconds = {stage: result["stages"].get(stage, 0.0) for stage in stages}
        cells = [f"{seconds[stage]:.1f} ({_ratio(seconds[stage], reference['stages'].get(stage, 0.0))})"
                 for stage in stages]  # fmt: skip
        whole = f"{result['seconds']:.1f} ({_ratio(result['seconds'], reference['seconds'])})"
        pairs = f"{result['pairs']['compared']:,} of {result['pairs']['of']:,}"
        print(f"| {neurons:,} | {pairs} | {whole} | "
              + " | ".join(cells) + f" | {result['peak_rss_mb']:.0f} ({_ratio(result['peak_rss_mb'], reference['peak_rss_mb'])}) |")


def print_training(results: dict) -> None:
    print("| neurons | model.output_features | seconds per iteration | generator / critic parameters | "
          "peak memory (MB) |")  # fmt: skip
    print("| --- | --- | --- | --- | --- |")
    reference = next(iter(results.values()))
    for (neurons, features), result in results.items():
        if "error" in result:
            print(f"| {neurons:,} | {features or 'one per neuron'} | failed: {result['error']} | | |")
            continue
        generator, critic = result["parameters"]
        print(f"| {neurons:,} | {features or 'one per neuron'} | {result['seconds']:.2f} ({_ratio(result['seconds'], reference['seconds'])}) | "
              f"{generator:,} / {critic:,} | {result['peak_rss_mb']:.0f} "
              f"({_ratio(result['peak_rss_mb'], reference['peak_rss_mb'])}) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--neurons", type=int, nargs="+", default=[102, 1000, 5000])
    parser.add_argument("--samples", type=int, default=1000, help="held-out and synthetic windows of 256 frames")
    parser.add_argument("--iterations", type=int, default=5, help="timed training iterations per case")
    parser.add_argument("--output-features", type=int, default=128,
                        help="also train with this model.output_features from 1,000 neurons up (0: never)")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--case", nargs=4, help=argparse.SUPPRESS)  # one case here: NAME NEURONS AMOUNT FEATURES
    args = parser.parse_args()
    if args.case:
        name, neurons, amount, features = args.case[0], int(args.case[1]), int(args.case[2]), int(args.case[3])
        result = evaluation_case(neurons, amount) if name == "evaluation" else training_case(neurons, amount,
                                                                                             features or None)
        print(json.dumps(result))
        return
    print(f"## Evaluation of {args.samples:,} held-out and {args.samples:,} synthetic windows of {WINDOW} frames "
          f"(seconds per stage, and against the first row)")  # fmt: skip
    print_evaluations({n: _in_fresh_process("evaluation", n, args.samples) for n in args.neurons})
    if not args.skip_training:
        print(f"\n## One training iteration at the demo's shape (batch 32, n_critic 5, {WINDOW} frames), "
              f"median of {args.iterations}")  # fmt: skip
        cases = [(n, None) for n in args.neurons]
        if args.output_features:
            cases += [(n, args.output_features) for n in args.neurons if n >= 1000]
        print_training({(n, features): _in_fresh_process("training", n, args.iterations, features or 0)
                        for n, features in cases})  # fmt: skip


if __name__ == "__main__":
    main()
