"""Speed and memory of one GAN training iteration (n_critic critic updates + 1 generator update).

    python benchmarks/train_step.py                      # TensorFlow, all cases (about 30 minutes on 2 cores)
    python benchmarks/train_step.py --backend jax --quick
    python benchmarks/train_step.py --backend jax --cases thesis:128 --precisions float32 mixed_bfloat16  # a GPU

Each case runs in a fresh process with ``KERAS_BACKEND`` set: build the models, run one
iteration (reported as compile time: tracing and XLA compilation), two warm-up iterations,
then ``--iterations`` timed ones. Reported: median seconds per iteration, real windows per
second (n_critic x batch per iteration), peak resident memory of the process, and achieved
GFLOP/s from the models' arithmetic per iteration, counted from the layer shapes (see
``iteration_flops``) so that every implementation is credited with the same work, and its
share of the backend's own float32 matrix-product speed on this machine.

Implementations compared on the same inputs, side by side:

- ``port``: a plain Keras 3 port of the thesis model and train step (``thesis_port.py``)
- ``keras``: ``calciumgan`` with stock Keras convolution layers
- ``fast``: ``calciumgan`` as shipped (sub-pixel / space-to-depth convolutions)

Batches are device arrays made once, so the numbers are the steps' own; in training, the
host sends each step only its windows' start frames (``calciumgan.training.data``).
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

SHAPES = {"thesis": "dg", "demo": "demo"}  # shape name -> shipped config it comes from
NEURONS = 102
REFERENCES = """References (issue "One GAN engine"; ../shared/device.md), a plain Keras 3 + JAX port of Table 3.1
on one H100: batch 8 float32 15.9 ms; batch 32 float32 38 ms, mixed_bfloat16 19.8 ms;
batch 128 float32 132 ms, mixed_bfloat16 60 ms. An earlier TensorFlow port on a slower
2-core CPU: batch 8 8.4 s, batch 32 33 s."""


def _config(shape: str, batch: int, convolutions: str, xla: bool, precision: str, output_features=None):
    from calciumgan.config import load_config

    config = load_config(SHAPES[shape])
    return dataclasses.replace(
        config,
        model=dataclasses.replace(config.model, convolutions=convolutions, output_features=output_features),
        train=dataclasses.replace(config.train, batch_size=batch, jit_compile=xla, precision=precision),
    )


def forward_flops(model) -> int:
    """Multiply-adds x 2 of one example's forward pass through the model's dense and convolution layers."""
    import keras

    from calciumgan.models.convolution import SpaceToDepthConv1D, SubPixelConv1DTranspose

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


def _wait(result):
    """Block until ``result`` (a tensor or any nesting of dicts, lists and tuples of them) is computed."""
    import keras

    for value in keras.tree.flatten(result):
        keras.ops.convert_to_numpy(value)


def run_case(shape, batch, implementation, xla, precision, iterations, neurons: int = NEURONS,
             output_features=None) -> dict:  # fmt: skip
    """Build, compile and time one case in this process, at ``neurons`` neurons (``model.output_features``
    as given)."""
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    config = _config(shape, batch, "keras" if implementation == "port" else implementation, xla, precision,
                     output_features)  # fmt: skip
    window, n_critic = config.data.window, config.train.n_critic
    if implementation == "port":
        from thesis_port import JaxPort, TensorFlowPort, port_critic, port_generator

        if precision != "float32":
            keras.config.set_dtype_policy(precision)
        generator, critic = port_generator(config.model, window, neurons), port_critic(config.model, window, neurons)
        if keras.backend.backend() == "jax":
            steps = JaxPort(generator, critic, n_critic=n_critic)
        else:
            steps = TensorFlowPort(generator, critic, n_critic=n_critic, jit_compile=xla)
        windows_per_call = batch
    else:
        from calciumgan.experiment import build_gan
        from calciumgan.training.steps import make_steps

        gan = build_gan(config, neurons)
        generator, critic = gan.generator, gan.critic
        steps = make_steps(gan, jit_compile=xla)
        windows_per_call = n_critic * batch
    data = keras.ops.convert_to_tensor(np.random.default_rng(0).random((windows_per_call, window, neurons), np.float32))
    start = time.perf_counter()
    _wait(steps.train_step(data))
    compile_seconds = time.perf_counter() - start
    for _ in range(2):
        _wait(steps.train_step(data))
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        _wait(steps.train_step(data))
        times.append(time.perf_counter() - start)
    flops = iteration_flops(forward_flops(generator), forward_flops(critic), batch, n_critic)
    seconds = statistics.median(times)
    return {
        "compile_s": compile_seconds,
        "seconds": seconds,
        "spread": [min(times), max(times)],
        "windows_per_s": n_critic * batch / seconds,
        "gflop": flops / 1e9,
        "gflops": flops / seconds / 1e9,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "parameters": [generator.count_params(), critic.count_params()],
        "device": _device(),
    }


def _device() -> str:
    import keras

    if keras.backend.backend() == "jax":
        import jax

        return str(jax.devices()[0].device_kind)
    import tensorflow as tf

    return "GPU" if tf.config.list_physical_devices("GPU") else "CPU"


def matmul_peak() -> float:
    """GFLOP/s of a large float32 matrix product, compiled by the backend: its practical peak here."""
    import keras
    import numpy as np

    size = 4096
    a = keras.ops.convert_to_tensor(np.random.default_rng(0).random((size, size), np.float32))
    if keras.backend.backend() == "jax":
        import jax

        product = jax.jit(keras.ops.matmul)
    else:
        import tensorflow as tf

        product = tf.function(keras.ops.matmul)
    _wait(product(a, a))
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        _wait(product(a, a))
        best = max(best, 2 * size**3 / (time.perf_counter() - start) / 1e9)
    return best


def layer_speeds(batch=8) -> list:
    """GFLOP/s of each thesis-shape generator and critic layer, stock Keras against calciumgan's."""
    import keras
    import numpy as np

    from calciumgan.models.convolution import SpaceToDepthConv1D, SubPixelConv1DTranspose

    def forward_and_backward(layer):
        """Forward, and the gradients with respect to the input and the weights, compiled."""

        def total(weights, inputs):
            return keras.ops.sum(layer.stateless_call(weights, [], inputs)[0])

        if keras.backend.backend() == "jax":
            import jax

            return jax.jit(lambda w, x: layer.stateless_call(w, [], x)[0]), jax.jit(jax.grad(total, argnums=(0, 1)))
        import tensorflow as tf

        def both(weights, inputs):
            with tf.GradientTape() as tape:
                tape.watch([inputs, *weights])
                value = total(weights, inputs)
            return tape.gradient(value, [inputs, *weights])

        return tf.function(lambda w, x: layer.stateless_call(w, [], x)[0]), tf.function(both)

    def timed(function, *args):
        _wait(function(*args))
        start = time.perf_counter()
        for _ in range(5):
            result = function(*args)
        _wait(result)
        return (time.perf_counter() - start) / 5

    rows = []
    generator_layers = [(64, 32, 320), (128, 320, 256), (256, 256, 192), (512, 192, 128), (1024, 128, 102)]
    critic_layers = [(2048, 102, 64), (1024, 64, 128), (512, 128, 192), (256, 192, 256), (128, 256, 320)]
    for kind, shapes, stock, fast in [
        ("Conv1DTranspose", generator_layers, keras.layers.Conv1DTranspose, SubPixelConv1DTranspose),
        ("Conv1D", critic_layers, keras.layers.Conv1D, SpaceToDepthConv1D),
    ]:
        for length, input_channels, filters in shapes:
            inputs = keras.ops.convert_to_tensor(np.random.default_rng(0).random((batch, length, input_channels), np.float32))
            layers = {"keras": stock(filters, 24, 2, padding="same"), "fast": fast(filters, 24, 2)}
            output_length = length * 2 if kind == "Conv1DTranspose" else length // 2
            flops = 2 * batch * min(length, output_length) * 24 * input_channels * filters
            row = {"layer": f"{kind} {length}x{input_channels}->{filters}"}
            for name, layer in layers.items():
                layer.build(inputs.shape)
                forward, both = forward_and_backward(layer)
                weights = [variable.value for variable in layer.trainable_variables]
                row[f"{name}_forward"] = flops / timed(forward, weights, inputs) / 1e9
                row[f"{name}_both"] = 3 * flops / timed(both, weights, inputs) / 1e9
            rows.append(row)
    return rows


def _in_subprocess(task: dict, backend: str) -> dict:
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    completed = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(task)], capture_output=True, text=True, check=False, env=env
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
    return {"rows": layer_speeds()}


def _cases(argument: list | None, quick: bool) -> list:
    if argument:
        return [(shape, int(batch)) for shape, batch in (case.split(":") for case in argument)]
    return [("thesis", 8), ("demo", 32)] if quick else [("thesis", 8), ("thesis", 32), ("demo", 32)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("tensorflow", "jax"), default="tensorflow")
    parser.add_argument("--quick", action="store_true", help="thesis batch 8 and demo batch 32, no XLA")
    parser.add_argument("--cases", nargs="+", help="shape:batch pairs, e.g. thesis:128 (shapes: thesis, demo)")
    parser.add_argument("--precisions", nargs="+", default=["float32"],
                        choices=("float32", "mixed_float16", "mixed_bfloat16"))  # fmt: skip
    parser.add_argument("--implementations", nargs="+", default=["port", "keras", "fast"],
                        choices=("port", "keras", "fast"))  # fmt: skip
    parser.add_argument("--iterations", type=int, default=5, help="timed iterations per case")
    parser.add_argument("--no-layers", action="store_true", help="skip the per-layer table")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(json.loads(args.worker))))
        return

    peak = _in_subprocess({"kind": "peak"}, args.backend)["gflops"]
    print(f"backend {args.backend}; its float32 matmul peak on this machine: {peak:.0f} GFLOP/s\n")
    # TensorFlow compiles with XLA only on request; JAX always does.
    xla_settings = [False] if args.quick or args.backend == "jax" else [False, True]
    header = f"{'shape':<7}{'batch':>6}{'XLA':>5}  {'precision':<15}{'implementation':<15}{'s/iter':>8}{'range':>14}"
    header += f"{'vs port':>9}{'windows/s':>11}{'GFLOP':>8}{'GFLOP/s':>9}{'% peak':>8}{'peak MB':>9}{'compile s':>11}"
    print(header)
    for shape, batch in _cases(args.cases, args.quick):
        for xla in xla_settings:
            for precision in args.precisions:
                results = {}
                for implementation in args.implementations:
                    task = {"kind": "case", "shape": shape, "batch": batch, "implementation": implementation,
                            "xla": xla, "precision": precision, "iterations": args.iterations}  # fmt: skip
                    result = results[implementation] = _in_subprocess(task, args.backend)
                    compiled = "yes" if xla or args.backend == "jax" else "no"
                    label = f"{shape:<7}{batch:>6}{compiled:>5}  {precision:<15}{implementation:<15}"
                    if "error" in result:
                        print(f"{label}failed: {result['error']}", flush=True)
                        continue
                    port = results.get("port", {})
                    speedup = port["seconds"] / result["seconds"] if "seconds" in port else float("nan")
                    print(
                        f"{label}{result['seconds']:>8.3f}{result['spread'][0]:>7.3f}-{result['spread'][1]:<6.3f}"
                        f"{speedup:>8.2f}x{result['windows_per_s']:>11.1f}{result['gflop']:>8.1f}{result['gflops']:>9.0f}"
                        f"{100 * result['gflops'] / peak:>7.0f}%{result['peak_rss_mb']:>9.0f}{result['compile_s']:>11.1f}"
                        f"   params {result['parameters'][0]:,} + {result['parameters'][1]:,} on {result['device']}",
                        flush=True,
                    )  # fmt: skip
    if not args.no_layers:
        print(f"\nLayer speed at thesis shapes, batch 8, GFLOP/s (forward; forward + backward), {args.backend}:")
        for row in _in_subprocess({"kind": "layers"}, args.backend)["rows"]:
            print(f"  {row['layer']:<30} keras {row['keras_forward']:>4.0f}; {row['keras_both']:>4.0f}"
                  f"    calciumgan {row['fast_forward']:>4.0f}; {row['fast_both']:>4.0f}")  # fmt: skip
    print("\n" + REFERENCES)


if __name__ == "__main__":
    main()
