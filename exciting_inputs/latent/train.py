"""Train the latent-code experiment's image generator, simulating the session first.

    python -m exciting_inputs.latent.train --config demo [--out FOLDER]

(``exciting_inputs.latent.command`` lists the three commands and what each writes.)
"""

import sys

from exciting_inputs.latent.command import stage_command


def main(argv=None) -> int:
    return stage_command(argv, "train", __doc__.split("\n")[0], "train_stage")


if __name__ == "__main__":
    sys.exit(main())
