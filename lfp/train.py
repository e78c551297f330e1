"""Train the LFP GAN, from the pre-trained autoencoders or from scratch.

    python -m lfp.train --config demo --out runs/lfp/demo                  # train.init of the config
    python -m lfp.train --config demo --out runs/lfp/demo --init scratch   # Table 5.1's other row

The GAN's run folder is ``gan-<init>`` inside the experiment folder ``--out``; re-running the
same command resumes from its newest readable checkpoint. A pre-trained run needs
``python -m lfp.pretrain`` to have finished in the same folder.
"""

import sys

from calciumgan.core.cli import CommandParser, output_folder, run_command
from calciumgan.core.folders import LFP


def main(argv=None) -> int:
    parser = CommandParser(prog="python -m lfp.train", description=__doc__.split("\n")[0])
    parser.add_config("demo, thesis, thesis_no_images")
    parser.add_out("experiment folder", LFP.name)
    parser.add_argument("--init", choices=("pretrained", "scratch"), help="override the config's train.init")
    args = parser.parse_args(argv)

    def action():
        from lfp.adversarial import train_lfp_gan
        from lfp.config import load_config

        config = load_config(args.config)
        out = output_folder(args, LFP.name)
        train_lfp_gan(config, out, init=args.init)
        return out

    return run_command(action)


if __name__ == "__main__":
    sys.exit(main())
