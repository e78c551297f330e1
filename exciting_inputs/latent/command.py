"""What the latent-code experiment's three commands share: ``--config`` and ``--out``, then one stage.

    python -m exciting_inputs.latent.train --config demo    # dataset.h5, generator.keras, generator.json
    python -m exciting_inputs.latent.decode --config demo   # decoding/
    python -m exciting_inputs.latent.evolve --config demo   # search/

All three work in the same experiment folder (default ``runs/exciting_inputs.latent/<config name>``;
the stages are in ``exciting_inputs.latent.experiment``).
"""

from calciumgan.core.cli import config_and_output_command
from calciumgan.core.folders import LATENT


def _load(path):
    from exciting_inputs.latent.config import load_config

    return load_config(path)


def stage_command(argv, command: str, description: str, stage: str) -> int:
    """Run ``python -m exciting_inputs.latent.<command>``: the stage function ``stage`` of
    ``exciting_inputs.latent.experiment`` on the config and folder given."""

    def run(config, out):
        from exciting_inputs.latent import experiment

        getattr(experiment, stage)(config, out)

    return config_and_output_command(argv, f"python -m exciting_inputs.latent.{command}", description, "demo",
                                     _load, run, LATENT.name, out_name="experiment folder")  # fmt: skip
