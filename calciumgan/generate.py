"""Write synthetic traces from a trained run.

    python -m calciumgan.generate --run runs/demo --num-samples 256 --out runs/demo/samples.h5

The HDF5 file holds dataset ``signals`` (K, window, N) float32 in the recording's
original units, and root attributes ``sampling_rate`` (Hz), ``neuron_ids`` (N,),
``seed`` and ``run``. It is written under a temporary name and renamed when
complete.
"""

import argparse
import logging
import pathlib
import sys

import h5py
import numpy as np

from calciumgan.core.cli import run_command
from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_path
from calciumgan.training.run_folder import RunFolder

logger = logging.getLogger("calciumgan.generate")


def sample_scaled(generator, num_samples: int, seed: int, batch_size: int = 64):
    """Yield batches (<= batch_size, window, N) of generator outputs in [0, 1] for seeded noise."""
    rng = np.random.default_rng(seed)
    noise_dim = generator.input_shape[-1]
    for start in range(0, num_samples, batch_size):
        count = min(batch_size, num_samples - start)
        noise = rng.standard_normal((count, noise_dim)).astype(np.float32)
        yield np.asarray(generator(noise, training=False), dtype=np.float32)


def generate(run_dir, num_samples: int, out, seed: int = 0, batch_size: int = 64) -> pathlib.Path:
    """Write ``num_samples`` synthetic windows of the run in ``run_dir`` to HDF5 ``out``."""
    if num_samples <= 0:
        raise RunError(f"--num-samples must be positive, got {num_samples}")
    run = RunFolder(run_dir)
    info = run.recording_info()
    scaler = run.scaler()
    generator = run.load_model(run.generator_path)
    window, num_neurons = generator.output_shape[1:]
    out = pathlib.Path(out)
    with atomic_path(out) as temporary, h5py.File(temporary, "w") as file:
        signals = file.create_dataset("signals", (num_samples, window, num_neurons), dtype="float32")
        file.attrs.update(
            sampling_rate=info["sampling_rate"], neuron_ids=np.asarray(info["neuron_ids"]), seed=seed, run=str(run.root)
        )
        written = 0
        for batch in sample_scaled(generator, num_samples, seed, batch_size):
            signals[written : written + len(batch)] = scaler.inverse(batch)
            written += len(batch)
    logger.info("wrote %d samples of %d frames x %d neurons to %s", num_samples, window, num_neurons, out)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calciumgan.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--run", required=True, help="run folder written by calciumgan.train")
    parser.add_argument("--num-samples", type=int, required=True, help="number of windows to generate")
    parser.add_argument("--out", required=True, help="output HDF5 file")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generator's input noise")
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)
    return run_command(lambda: generate(args.run, args.num_samples, args.out, args.seed, args.batch_size))


if __name__ == "__main__":
    sys.exit(main())
