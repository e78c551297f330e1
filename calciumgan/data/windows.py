"""The training stream of a prepared recording: windows cut on the device, never materialised.

The (T, N) training and validation blocks go to the device once; each step sends only the
start frames of its windows, drawn in a seeded order (every stride-``s`` window once per
pass), and the step gathers the windows itself (``calciumgan.training.data``). Validation
uses evenly spaced windows of the held-out block, the same ones every epoch.
"""

from calciumgan.data.settings import DataConfig
from calciumgan.data.split import PreparedData, evenly_spaced_starts, window_starts
from calciumgan.training.data import GANData, window_data
from calciumgan.training.settings import TrainConfig


def training_data(data: PreparedData, data_config: DataConfig, train_config: TrainConfig) -> GANData:
    """Windows of the scaled blocks: ``n_critic * batch_size`` per training step."""
    window = data_config.window
    train, validation = data.train_scaled, data.validation_scaled
    return window_data(
        train,
        validation,
        window,
        train_starts=window_starts(len(train), window, data_config.stride),
        validation_starts=evenly_spaced_starts(len(validation), window,
                                               train_config.validation_batches * train_config.batch_size),
        batch_size=train_config.n_critic * train_config.batch_size,
        validation_batch_size=train_config.batch_size,
        seed=train_config.seed,
    )  # fmt: skip
