"""Write generated LFP windows of a trained LFP GAN, one per showing of the chosen images.

    python -m lfp.generate --run runs/lfp-demo --init pretrained --images test --out runs/lfp-demo/test.h5

The HDF5 samples file (``calciumgan.core.samples``) holds ``signals`` (n, window, channels) float32
in the standardised units the GAN learned (each window z-scored), ``image_ids`` (n,) and
``showings`` (n,) (the showings of the recording they stand for), and root attributes
``sampling_rate`` (Hz), ``channel_ids``, ``seed``, ``run`` and ``init``. Everything is checked before the file is written (under a
temporary name, renamed when complete); an existing file is kept unless ``--overwrite``.
"""

import logging
import sys

import numpy as np

from calciumgan.core.cli import CommandParser, run_command
from calciumgan.core.files import check_output_file
from calciumgan.core.samples import write_samples_hdf5

logger = logging.getLogger("lfp.generate")
IMAGE_SETS = ("train", "test", "all")


def generate(experiment_dir, out, init: str = "pretrained", images: str = "test", seed: int = 0,
             overwrite: bool = False) -> None:  # fmt: skip
    """Write one generated window per showing of the ``images`` set of the experiment's split."""
    from lfp.data.recording import showings_of
    from lfp.experiment import Experiment
    from lfp.sampling import generate_windows

    out = check_output_file(out, (".h5", ".hdf5"), overwrite)
    experiment = Experiment(experiment_dir)
    run = experiment.gan_run(init)
    run.check_finished()
    recording, train_ids, test_ids = experiment.load_data()
    chosen = {"train": train_ids, "test": test_ids, "all": [*train_ids, *test_ids]}[images]
    showings = showings_of(recording, chosen)
    generator = run.load_model(run.generator_path)
    windows = generate_windows(generator, recording.images, recording.image_ids[showings], seed)
    write_samples_hdf5(out, [windows], windows.shape, recording.sampling_rate, recording.channel_ids,
                       {"seed": seed, "run": str(run.root), "init": init}, ids_name="channel_ids",
                       per_sample={"image_ids": np.asarray(recording.image_ids[showings], np.int64),
                                   "showings": np.asarray(showings, np.int64)})  # fmt: skip
    logger.info("wrote %d windows of %d samples x %d channels (%s images) to %s", *windows.shape, images, out)


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m lfp.generate", description=__doc__.split("\n")[0])
    parser.add_run("experiment folder written by lfp.pretrain / lfp.train")
    parser.add_argument("--init", choices=("pretrained", "scratch"), default="pretrained", help="which GAN run")
    parser.add_argument("--images", choices=IMAGE_SETS, default="test", help="showings of which images")
    parser.add_out("output HDF5 file (.h5 or .hdf5)", required=True)
    parser.add_seed("the generator's input noise")
    parser.add_overwrite()
    args = parser.parse_args(argv)
    def action():
        generate(args.run, args.out, args.init, args.images, args.seed, args.overwrite)
        return args.out

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
