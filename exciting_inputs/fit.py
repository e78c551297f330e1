"""Fit the response model of an MEI experiment: oracle selection, CNN core + pyramid readout, report.

    python -m exciting_inputs.fit --config demo --out runs/mei-demo

Reads ``dataset.h5`` from the experiment folder ``--out`` (run ``exciting_inputs.simulate`` first) and writes
``selection.json``, ``split.json``, ``response_model.keras``, ``history.json`` and ``report/``
(``exciting_inputs.experiment``); a second run replaces them. A config whose simulation settings differ from
the folder's is refused.
"""

import sys

from calciumgan.core.cli import config_and_output_command
from calciumgan.core.folders import MEI


def main(argv=None) -> int:
    return config_and_output_command(argv, "python -m exciting_inputs.fit", __doc__.split("\n")[0],
                                     "demo, allen_scale", "exciting_inputs.config:load_config",
                                     "exciting_inputs.fitting:fit_stage", MEI.name, "experiment folder")


if __name__ == "__main__":
    sys.exit(main())
