"""Decode the simulated responses into the generator's latent codes (PCA + ridge).

    python -m exciting_inputs.latent.decode --config demo [--out FOLDER]

The three commands ``train``, ``decode`` and ``evolve`` work in one experiment folder
(``exciting_inputs.latent.experiment`` lists what each writes).
"""

import sys

from calciumgan.core.cli import config_and_output_command
from calciumgan.core.folders import LATENT


def main(argv=None) -> int:
    return config_and_output_command(argv, "python -m exciting_inputs.latent.decode", __doc__.split("\n")[0], "demo",
                                     "exciting_inputs.latent.config:load_config",
                                     "exciting_inputs.latent.experiment:decode_stage", LATENT.name, "experiment folder")


if __name__ == "__main__":
    sys.exit(main())
