"""A tiny LFP experiment config: 4 channels, 6 images x 4 showings, the demo's 48 x 64 image tables."""

import pytest
from config_files import write_config

TINY_LFP = {
    "data": {"num_channels": 4, "num_images": 6, "test_images": 2, "showings": 4, "image_height": 48,
             "image_width": 64, "spontaneous_seconds": 2.0, "seed": 3},
    "model": {"image_encoder": "demo"},
    "pretrain": {"signal_epochs": 1, "signal_windows_per_epoch": 16, "image_epochs": 2, "batch_size": 8},
    "train": {"epochs": 1, "steps_per_epoch": 2, "batch_size": 4, "n_critic": 1, "validation_batches": 1},
    "evaluate": {"classifier_epochs": 2, "classifier_batch_size": 8, "example_images": 1},
}  # fmt: skip


@pytest.fixture(scope="session")
def write_lfp_config():
    """Factory: TINY_LFP with ``{"section.key": value}`` overrides written as YAML to ``path``."""

    return lambda path, overrides={}: write_config(path, TINY_LFP, overrides)
