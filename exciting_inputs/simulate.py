"""Simulate an MEI experiment's recording: generated images, Gabor simple and complex cells, Poisson trials.

    python -m exciting_inputs.simulate --config demo --out runs/mei-demo   # then fit and optimise there

Writes ``config.yaml`` and ``dataset.h5`` into the experiment folder ``--out``
(``exciting_inputs.simulating``). A folder whose dataset was simulated with the same settings is kept
as it is; one simulated with other settings is refused.
"""

import sys

from calciumgan.core.cli import config_and_output_command
from calciumgan.core.folders import MEI


def main(argv=None) -> int:
    return config_and_output_command(argv, "python -m exciting_inputs.simulate", __doc__.split("\n")[0],
                                     "demo, allen_scale", "exciting_inputs.config:load_config",
                                     "exciting_inputs.simulating:simulate_stage", MEI.name, "experiment folder")


if __name__ == "__main__":
    sys.exit(main())
