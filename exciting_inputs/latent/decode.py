"""Decode the simulated responses into the generator's latent codes (PCA + ridge).

    python -m exciting_inputs.latent.decode --config demo [--out FOLDER]

(``exciting_inputs.latent.command`` lists the three commands and what each writes.)
"""

import sys

from exciting_inputs.latent.command import stage_command


def main(argv=None) -> int:
    return stage_command(argv, "decode", __doc__.split("\n")[0], "decode_stage")


if __name__ == "__main__":
    sys.exit(main())
