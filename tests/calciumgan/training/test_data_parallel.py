"""train.data_parallel: two devices compute what one does, each on half of every batch.

Each case runs in a subprocess whose host CPU is split into two devices (two logical devices
on TensorFlow, two XLA host devices on JAX), trains the tests' tiny config for three steps on
one device and on two with plain SGD (so that a gradient off by the replica count would show;
Adam would hide it), and prints the largest differences of weights and logs.
"""

import dataclasses
import json
import os
import subprocess
import sys

import pytest

SCRIPT = """
import json, os, sys
if os.environ["KERAS_BACKEND"] == "tensorflow":
    import tensorflow as tf
    host = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(host, [tf.config.LogicalDeviceConfiguration()] * 2)
import keras, numpy as np
from keras import ops
from calciumgan.config import config_from_dict
from calciumgan.data.prepare import prepare_data
from calciumgan.data.windows import training_data
from calciumgan.experiment import build_gan
from calciumgan.training.steps import make_steps, model_scope

config = config_from_dict(json.loads(sys.argv[1]), "tiny")
data = prepare_data(config.data)

def run(data_parallel):
    keras.utils.set_random_seed(config.train.seed)
    with model_scope(data_parallel):
        gan = build_gan(config, data.recording.num_neurons)
        gan.compile(g_optimizer=keras.optimizers.SGD(0.01), d_optimizer=keras.optimizers.SGD(0.01))
    gan_data = training_data(data, config.data, config.train)
    steps = make_steps(gan, gan_data.assemble, data_parallel=data_parallel)
    arrays = steps.place(tuple(ops.convert_to_tensor(array) for array in gan_data.train_arrays))
    stream = gan_data.train_batches(0)
    logs = [steps.train_step((arrays, next(stream))) for _ in range(3)]
    validation = steps.place(tuple(ops.convert_to_tensor(array) for array in gan_data.validation_arrays))
    logs.append(steps.test_step((validation, gan_data.validation_batches[0]), 7))
    steps.sync()
    models = [gan.generator, gan.critic, gan.generator_ema]
    weights = [np.asarray(weight) for model in models for weight in model.get_weights()]
    return steps.device_count, [{name: float(value) for name, value in entry.items()} for entry in logs], weights

one, two = run(False), run(True)
print(json.dumps({
    "device_counts": [one[0], two[0]],
    "log_differences": {name: max(abs(a[name] - b[name]) for a, b in zip(one[1], two[1])) for name in one[1][0]},
    "weight_difference": max(float(np.abs(a - b).max()) for a, b in zip(one[2], two[2])),
}))
"""
# TensorFlow replicas share the draws made inside layers and the penalty (see tensorflow_steps),
# so its case turns those off: no phase shuffle, the direct head, a penalty of weight 0.
CASES = {
    "tensorflow": {"model.phase_shuffle": 0, "train.penalty_weight": 0.0},
    "jax": {"model.output": "calcium"},
}


@pytest.mark.slow  # a training subprocess per backend
@pytest.mark.parametrize("backend", sorted(CASES))
def test_two_devices_train_as_one(make_config, backend):
    pytest.importorskip(backend)
    config = make_config({"train.generator_ema": 0.9, **CASES[backend]})
    flags = os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=2"
    environment = {**os.environ, "KERAS_BACKEND": backend, "XLA_FLAGS": flags, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(dataclasses.asdict(config))],
                            capture_output=True, text=True, env=environment, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["device_counts"] == [1, 2]
    assert measured["weight_difference"] < 1e-6
    compared = ("critic_loss", "wasserstein", "generator_loss") + (("gradient_norm",) if backend == "jax" else ())
    assert all(measured["log_differences"][name] < 1e-5 for name in compared), measured
