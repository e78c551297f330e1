"""Write a tiny YAML config for a test: a base dict of sections with ``{"section.key": value}`` overrides.

The tiny LFP, MEI and latent-code configs live here, beside the writer, for the tests of every folder (calciumgan's is
``TINY`` of tests/conftest.py).
"""

import yaml

# 4 channels, 6 images x 4 showings, the demo's 48 x 64 image tables
TINY_LFP = {
    "data": {"num_channels": 4, "num_images": 6, "test_images": 2, "showings": 4, "image_height": 48,
             "image_width": 64, "spontaneous_seconds": 2.0, "seed": 3},
    "model": {"image_encoder": "demo", "output_noise": True},
    "pretrain": {"signal_epochs": 1, "signal_windows_per_epoch": 16, "image_epochs": 2, "batch_size": 8},
    "train": {"epochs": 1, "steps_per_epoch": 2, "batch_size": 4, "n_critic": 1, "validation_batches": 1},
    "evaluate": {"classifier_epochs": 2, "classifier_batch_size": 8, "example_images": 1},
}  # fmt: skip

# 60 images of 16 x 24, 4 trials, 6 neurons, a 4-channel core, 2 epochs
TINY_MEI = {
    "simulation": {"seed": 2, "num_images": 60, "image_height": 16, "image_width": 24, "trials": 4, "num_neurons": 6},
    "selection": {"draws": 5},
    "model": {"hidden_channels": 4},
    "fit": {"neurons": "all", "epochs": 2, "batch_size": 16},
}  # fmt: skip

# 64 images of 16 x 24, 12 neurons, a 4-dimensional latent, 6 iterations
TINY_LATENT = {
    "simulation": {"seed": 1, "num_images": 64, "image_height": 16, "image_width": 24, "trials": 2, "num_neurons": 12},
    "generator": {"latent_dim": 4, "channels": 8, "iterations": 6, "batch_size": 8, "n_critic": 2},
    "decoding": {"train_codes": 60, "test_codes": 20, "trials": 4, "components": 6},
    "search": {"neuron": 3, "population_size": 8, "generations": 3},
}  # fmt: skip


def write_config(path, base: dict, overrides: dict):
    """``base`` ({section: {key: value}}) with ``overrides`` applied, written as YAML to ``path``; returns ``path``."""
    raw = {section: dict(values) for section, values in base.items()}
    for dotted, value in overrides.items():
        section, key = dotted.split(".")
        raw.setdefault(section, {})[key] = value
    path.write_text(yaml.safe_dump(raw))
    return path
