"""Speed and memory of one WGAN-GP training iteration (n_critic critic updates + 1 generator update).

    python benchmarks/train_step.py            # all cases (about 25 minutes on 2 cores)
    python benchmarks/train_step.py --quick    # thesis shape at batch 8 without XLA, demo shape, layers, memory

Each case runs in a fresh process: build the models, run one iteration (reported
as compile time: tracing, plus XLA compilation with ``--xla``), two warm-up
iterations, then ``--iterations`` timed ones. Reported: median seconds per
iteration, real windows per second (n_critic x batch per iteration), peak
resident memory of the process, and achieved GFLOP/s from the model's
arithmetic per iteration, counted analytically (see ``iteration_flops``) so
that every implementation is credited with the same work.

Implementations compared on the same inputs, side by side:

- ``port``: a plain Keras 3 port of the thesis model and train step (``thesis_port.py``)
- ``keras``: ``calciumgan`` with stock Keras convolution layers
- ``fast``: ``calciumgan`` as shipped (sub-pixel / space-to-depth convolutions)
"""

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SHAPES = {"thesis": "dg", "demo": "demo"}  # shape name -> shipped config it comes from
ISSUE_REFERENCE = """Reference from the issue (a plain Keras 3 port on another 2-core machine, float32):
  thesis batch 8: 8.4 s/iteration, ~801 GFLOP (gradient penalty 40%), ~95 GFLOP/s = 60% of its ~160 GFLOP/s matmul peak
  thesis batch 32: 33 s/iteration; XLA: -5% at batch 8, +12% at batch 32, 40-100 s to compile
  mixed_float16: ~35 s without XLA, ~8.7 s with XLA"""


def _config(shape: str, batch: int, convolutions: str, xla: bool, mixed: bool):
    from calciumgan.config import load_config

    config = load_config(SHAPES[shape])
    return dataclasses.replace(
        config,
        model=dataclasses.replace(config.model, convolutions=convolutions),
        train=dataclasses.replace(config.train, batch_size=batch, jit_compile=xla, mixed_precision=mixed),
    )


def forward_flops(model) -> int:
    """Multiply-adds x 2 of one example's forward pass through the model's dense and convolution layers."""
    import keras

    from calciumgan.models.layers import SpaceToDepthConv1D, SubPixelConv1DTranspose

    total = 0
    for layer in model.layers:
        taps = getattr(layer, "kernel_size", None)
        taps = taps[0] if isinstance(taps, tuple) else taps
        if isinstance(layer, (keras.layers.Conv1DTranspose, SubPixelConv1DTranspose)):
            # every input frame meets every tap once
            total += layer.input.shape[1] * taps * layer.input.shape[2] * layer.filters
        elif isinstance(layer, (keras.layers.Conv1D, SpaceToDepthConv1D)):
            total += layer.output.shape[1] * taps * layer.input.shape[2] * layer.filters
        elif isinstance(layer, keras.layers.Dense):
            positions = 1 if len(layer.input.shape) == 2 else layer.input.shape[1]
            total += positions * layer.input.shape[-1] * layer.units
    return 2 * total


def iteration_flops(generator_flops: int, critic_flops: int, batch: int, n_critic: int) -> int:
    """Arithmetic of one iteration; a backward pass costs twice its forward pass.

    Critic update: G forward (B), D forward on real and fake (2B) and its backward
    (2 x 2B), and the penalty: D forward (B), the input gradient (B) and its
    derivative with respect to the weights (2B), i.e. ``B f_G + 10 B f_D``.
    Generator update: G forward and backward (3B), D forward and input gradient (2B).
    """
    critic_update = batch * generator_flops + 10 * batch * critic_flops
    generator_update = 3 * batch * generator_flops + 2 * batch * critic_flops
    return n_critic * critic_update + generator_update


def run_case(shape, batch, implementation, xla, mixed, iterations) -> dict:
    """Build, compile and time one case in this process."""
    import keras
    import numpy as np
    import tensorflow as tf

    from calciumgan.train import build_gan

    keras.utils.set_random_seed(0)
    config = _config(shape, batch, "keras" if implementation == "port" else implementation, xla, mixed)
    window, neurons, n_critic = config.data.window, 102, config.train.n_critic
    if implementation == "port":
        from thesis_port import ThesisPortGAN, port_critic, port_generator

        gan = ThesisPortGAN(port_generator(config.model, window, neurons), port_critic(config.model, window, neurons))
        gan.compile(keras.optimizers.Adam(1e-4, 0.5, 0.9), keras.optimizers.Adam(1e-4, 0.5, 0.9), jit_compile=xla)
        windows_per_call = batch
    else:
        gan = build_gan(config, neurons)
        windows_per_call = n_critic * batch
    data = tf.constant(np.random.default_rng(0).random((windows_per_call, window, neurons), np.float32))
    start = time.perf_counter()
    gan.train_on_batch(data)
    compile_seconds = time.perf_counter() - start
    for _ in range(2):
        gan.train_on_batch(data)
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        gan.train_on_batch(data)
        times.append(time.perf_counter() - start)
    flops = iteration_flops(forward_flops(gan.generator), forward_flops(gan.critic), batch, n_critic)
    seconds = statistics.median(times)
    return {
        "compile_s": compile_seconds,
        "seconds": seconds,
        "spread": [min(times), max(times)],
        "windows_per_s": n_critic * batch / seconds,
        "gflop": flops / 1e9,
        "gflops": flops / seconds / 1e9,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def matmul_peak() -> float:
    """GFLOP/s of a large float32 matrix product: the machine's practical peak."""
    import tensorflow as tf

    a, b = tf.random.normal((4096, 4096)), tf.random.normal((4096, 4096))
    product = tf.function(tf.matmul)
    product(a, b).numpy()
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        product(a, b).numpy()
        best = max(best, 2 * 4096**3 / (time.perf_counter() - start) / 1e9)
    return best


def layer_speeds(batch=8) -> list:
    """GFLOP/s of each thesis-shape generator and critic layer, stock Keras against calciumgan's."""
    import keras
    import numpy as np
    import tensorflow as tf

    from calciumgan.models.layers import SpaceToDepthConv1D, SubPixelConv1DTranspose

    def timed(function, *args):
        function = tf.function(function)
        function(*args)
        start = time.perf_counter()
        for _ in range(5):
            result = function(*args)
        tf.nest.map_structure(lambda tensor: tensor.numpy(), result)
        return (time.perf_counter() - start) / 5

    def forward_and_backward(layer):
        def run(inputs):
            with tf.GradientTape() as tape:
                tape.watch(inputs)
                total = tf.reduce_sum(layer(inputs))
            return tape.gradient(total, [inputs, *layer.trainable_variables])

        return run

    rows = []
    generator_layers = [(64, 32, 320), (128, 320, 256), (256, 256, 192), (512, 192, 128), (1024, 128, 102)]
    critic_layers = [(2048, 102, 64), (1024, 64, 128), (512, 128, 192), (256, 192, 256), (128, 256, 320)]
    for kind, shapes, stock, fast in [
        ("Conv1DTranspose", generator_layers, keras.layers.Conv1DTranspose, SubPixelConv1DTranspose),
        ("Conv1D", critic_layers, keras.layers.Conv1D, SpaceToDepthConv1D),
    ]:
        for length, inputs_channels, filters in shapes:
            inputs = tf.constant(np.random.default_rng(0).random((batch, length, inputs_channels), np.float32))
            layers = {"keras": stock(filters, 24, 2, padding="same"), "fast": fast(filters, 24, 2)}
            output_length = length * 2 if kind == "Conv1DTranspose" else length // 2
            flops = 2 * batch * min(length, output_length) * 24 * inputs_channels * filters
            row = {"layer": f"{kind} {length}x{inputs_channels}->{filters}"}
            for name, layer in layers.items():
                row[f"{name}_forward"] = flops / timed(layer, inputs) / 1e9
                row[f"{name}_both"] = 3 * flops / timed(forward_and_backward(layer), inputs) / 1e9
            rows.append(row)
    return rows


def pipeline_memory() -> dict:
    """Resident memory the input pipeline adds for a day-4-sized recording (21,556 x 102).

    Growth is measured after TensorFlow and tf.data are warmed up, while 30 steps
    are drawn, for several batch sizes. At batch 1 (4 MB of windows per step) it is
    the pipeline's own memory: the array, its window starts and a few tiny batches.
    Larger batches add the step batches in flight (being gathered, prefetched, and
    held by the consumer).
    """
    from calciumgan.data.split import window_starts
    from calciumgan.data.surrogate import surrogate_recording
    from calciumgan.data.windows import training_windows

    def rss_mb():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    signals = surrogate_recording("day4").signals
    for _ in training_windows(signals[:4096], 2048, 2, batch_size=1, seed=0).take(3):
        pass  # start tf.data's runtime before measuring
    result = {"array_mb": signals.nbytes / 2**20, "growth_mb": {}, "step_mb": {}}
    result["materialised_stride2_gb"] = len(window_starts(len(signals), 2048, 2)) * 2048 * 102 * 4 / 2**30
    for batch in (1, 8, 32, 128):
        before = rss_mb()
        for element in training_windows(signals, 2048, 2, batch_size=5 * batch, seed=0).take(30):
            del element  # drop each batch as training would
        result["growth_mb"][batch] = rss_mb() - before
        result["step_mb"][batch] = 5 * batch * 2048 * 102 * 4 / 2**20
    return result


def _in_subprocess(task: dict) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(task)], capture_output=True, text=True, check=False
    )
    if completed.returncode:
        return {"error": completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "failed"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _worker(task: dict) -> dict:
    kind = task.pop("kind")
    if kind == "case":
        return run_case(**task)
    if kind == "peak":
        return {"gflops": matmul_peak()}
    if kind == "layers":
        return {"rows": layer_speeds()}
    return pipeline_memory()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="thesis batch 8 without XLA, demo, layers, memory")
    parser.add_argument("--iterations", type=int, default=5, help="timed iterations per case")
    parser.add_argument("--mixed", action="store_true", help="also time mixed_float16 at thesis batch 8")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(json.loads(args.worker))))
        return

    peak = _in_subprocess({"kind": "peak"})["gflops"]
    print(f"float32 matmul peak on this machine: {peak:.0f} GFLOP/s\n")
    grid = [("thesis", 8), ("demo", 32)] if args.quick else [("thesis", 8), ("thesis", 32), ("demo", 32)]
    xla_settings = [False] if args.quick else [False, True]
    header = f"{'shape':<7}{'batch':>6}{'XLA':>5}  {'implementation':<8}{'s/iter':>8}{'range':>14}{'vs port':>9}"
    header += f"{'windows/s':>11}{'GFLOP':>8}{'GFLOP/s':>9}{'% peak':>8}{'peak MB':>9}{'compile s':>11}"
    print(header)
    for shape, batch in grid:
        for xla in xla_settings:
            results = {}
            for implementation in ("port", "keras", "fast"):
                task = {"kind": "case", "shape": shape, "batch": batch, "implementation": implementation,
                        "xla": xla, "mixed": False, "iterations": args.iterations}  # fmt: skip
                result = results[implementation] = _in_subprocess(task)
                if "error" in result:
                    print(f"{shape:<7}{batch:>6}{'yes' if xla else 'no':>5}  {implementation:<8} failed: {result['error']}")
                    continue
                speedup = results["port"]["seconds"] / result["seconds"] if "seconds" in results["port"] else float("nan")
                print(
                    f"{shape:<7}{batch:>6}{'yes' if xla else 'no':>5}  {implementation:<8}{result['seconds']:>8.2f}"
                    f"{result['spread'][0]:>7.2f}-{result['spread'][1]:<6.2f}{speedup:>8.2f}x"
                    f"{result['windows_per_s']:>11.1f}{result['gflop']:>8.1f}{result['gflops']:>9.0f}"
                    f"{100 * result['gflops'] / peak:>7.0f}%{result['peak_rss_mb']:>9.0f}{result['compile_s']:>11.1f}",
                    flush=True,
                )
    if args.mixed:
        for xla in (False, True):
            task = {"kind": "case", "shape": "thesis", "batch": 8, "implementation": "fast", "xla": xla,
                    "mixed": True, "iterations": 2}  # fmt: skip
            result = _in_subprocess(task)
            print(f"thesis batch 8, mixed_float16, XLA {'on' if xla else 'off'}: {result.get('seconds', float('nan')):.2f} s/iteration")

    print("\nLayer speed at thesis shapes, batch 8, GFLOP/s (forward; forward + backward):")
    for row in _in_subprocess({"kind": "layers"})["rows"]:
        print(f"  {row['layer']:<30} keras {row['keras_forward']:>4.0f}; {row['keras_both']:>4.0f}"
              f"    calciumgan {row['fast_forward']:>4.0f}; {row['fast_both']:>4.0f}")  # fmt: skip

    memory = _in_subprocess({"kind": "memory"})
    own = memory["growth_mb"]["1"]
    print(f"\nInput pipeline on a day-4-sized recording (array {memory['array_mb']:.1f} MB; the thesis's "
          f"materialised stride-2 windows would take {memory['materialised_stride2_gb']:.1f} GB):")  # fmt: skip
    print(f"  its own memory (batch 1, 4 MB of windows per step): +{own:.0f} MB = "
          f"{own / memory['array_mb']:.1f}x the array")  # fmt: skip
    for batch, growth in memory["growth_mb"].items():
        if batch != "1":
            in_flight = (growth - own) / (memory["step_mb"][batch] - memory["step_mb"]["1"])
            print(f"  batch {batch:>3} ({memory['step_mb'][batch]:>4.0f} MB of windows per step): +{growth:.0f} MB, "
                  f"i.e. {in_flight:.1f} step batches in flight")  # fmt: skip
    print("\n" + ISSUE_REFERENCE)


if __name__ == "__main__":
    main()
