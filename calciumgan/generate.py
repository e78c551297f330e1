"""Write synthetic traces from a trained run.

    python -m calciumgan.generate --run runs/demo --num-samples 256 --out runs/demo/samples.h5

The HDF5 file holds dataset ``signals`` (K, window, N) float32 in the recording's original
units, and root attributes ``sampling_rate`` (Hz), ``neuron_ids`` (N,), ``seed`` and ``run``.
It is written under a temporary name and renamed when complete.
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
from calciumgan.training.sampling import BATCH_SIZE

logger = logging.getLogger("calciumgan.generate")


def generate(run_dir, num_samples: int, out, seed: int = 0, batch_size: int = BATCH_SIZE) -> pathlib.Path:
    """Write ``num_samples`` synthetic windows of the run in ``run_dir`` to HDF5 ``out``."""
    from calciumgan.run import CalciumRun

    if num_samples <= 0:
        raise RunError(f"--num-samples must be positive, got {num_samples}")
    run = CalciumRun(run_dir)
    info = run.recording_info()
    window, num_neurons = run.config().data.window, len(info["neuron_ids"])
    out = pathlib.Path(out)
    with atomic_path(out) as temporary, h5py.File(temporary, "w") as file:
        signals = file.create_dataset("signals", (num_samples, window, num_neurons), dtype="float32")
        file.attrs.update(
            sampling_rate=info["sampling_rate"], neuron_ids=np.asarray(info["neuron_ids"]), seed=seed, run=str(run.root)
        )
        written = 0
        for batch in run.sample_batches(num_samples, seed, batch_size):
            signals[written : written + len(batch)] = batch
            written += len(batch)
    logger.info("wrote %d samples of %d frames x %d neurons to %s", num_samples, window, num_neurons, out)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m calciumgan.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--run", required=True, help="run folder written by calciumgan.train")
    parser.add_argument("--num-samples", type=int, required=True, help="number of windows to generate")
    parser.add_argument("--out", required=True, help="output HDF5 file")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generator's input noise")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="samples per generator call")
    args = parser.parse_args(argv)
    return run_command(lambda: generate(args.run, args.num_samples, args.out, args.seed, args.batch_size))


if __name__ == "__main__":
    sys.exit(main())
