"""Write synthetic traces from a trained run.

    python -m calciumgan.generate --run runs/demo --num-samples 256 --out runs/demo/samples.h5

The HDF5 file holds dataset ``signals`` (K, window, N) float32 in the recording's original
units, and root attributes ``sampling_rate`` (Hz), ``neuron_ids`` (N,), ``seed``, ``run``,
``generator`` (the model file sampled: ``generator_ema.keras``, the moving average of the
weights, where training kept one, unless ``--no-average``) and, with ``--truncation T``,
``truncation`` (noise components beyond +-T are redrawn: BigGAN's truncation trick).
The run is checked and the generator loaded before anything is written; the file is written
under a temporary name and renamed when complete. An existing file is kept unless ``--overwrite``.
"""

import logging
import pathlib
import sys

import h5py
import numpy as np

from calciumgan.core.cli import CommandParser, non_negative_int, positive_float, positive_int, run_command
from calciumgan.core.files import atomic_path, check_output_file
from calciumgan.data.recording import HDF5_SUFFIXES
from calciumgan.training.sampling import BATCH_SIZE

logger = logging.getLogger("calciumgan.generate")


def generate(run_dir, num_samples: int, out, seed: int = 0, batch_size: int = BATCH_SIZE, overwrite: bool = False,
             average: bool = True, truncation: float | None = None) -> pathlib.Path:  # fmt: skip
    """Write ``num_samples`` synthetic windows of the run in ``run_dir`` to HDF5 ``out``.

    ``average`` and ``truncation`` are those of ``CalciumRun.sample_batches``.
    """
    from calciumgan.run import CalciumRun

    out = check_output_file(out, HDF5_SUFFIXES, overwrite)
    run = CalciumRun(run_dir)
    run.check_finished()
    info = run.recording_info()
    batches = run.sample_batches(num_samples, seed, batch_size, average=average, truncation=truncation)
    shape = (num_samples, run.config().data.window, len(info["neuron_ids"]))
    with atomic_path(out) as temporary, h5py.File(temporary, "w") as file:
        signals = file.create_dataset("signals", shape, dtype="float32")
        file.attrs.update(sampling_rate=info["sampling_rate"], neuron_ids=np.asarray(info["neuron_ids"]), seed=seed,
                          run=str(run.root), generator=run.generator_file(average=average).name)  # fmt: skip
        if truncation is not None:
            file.attrs["truncation"] = truncation
        written = 0
        for batch in batches:
            signals[written : written + len(batch)] = batch
            written += len(batch)
    logger.info("wrote %d samples of %d frames x %d neurons to %s", *shape, out)
    return out


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m calciumgan.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--run", required=True, help="run folder written by calciumgan.train")
    parser.add_argument("--num-samples", type=positive_int, required=True, help="number of windows to generate")
    parser.add_argument("--out", required=True, help="output HDF5 file (.h5 or .hdf5)")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="seed of the generator's input noise")
    parser.add_argument("--batch-size", type=positive_int, default=BATCH_SIZE, help="samples per generator call")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    parser.add_argument("--truncation", type=positive_float, metavar="T",
                        help="redraw noise components beyond +-T (BigGAN's truncation trick)")  # fmt: skip
    parser.add_argument("--no-average", dest="average", action="store_false",
                        help="sample the generator's last weights, not their moving average")  # fmt: skip
    args = parser.parse_args(argv)
    return run_command(lambda: generate(args.run, args.num_samples, args.out, args.seed, args.batch_size,
                                        args.overwrite, args.average, args.truncation))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
