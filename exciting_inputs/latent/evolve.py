"""Search the generator's latent codes for each neuron's most exciting image (genetic search).

    python -m exciting_inputs.latent.evolve --config demo [--out FOLDER]

(``exciting_inputs.latent.command`` lists the three commands and what each writes.)
"""

import sys

from exciting_inputs.latent.command import stage_command


def main(argv=None) -> int:
    return stage_command(argv, "evolve", __doc__.split("\n")[0], "search_stage")


if __name__ == "__main__":
    sys.exit(main())
