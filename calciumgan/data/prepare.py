"""The data stage: from a data config to the split, scaled recording (and its ground truth)."""

import pathlib

from calciumgan.core.errors import ConfigError, RecordingError
from calciumgan.data.dff_surrogate import dff_ground_truth, dff_recording
from calciumgan.data.presets import DFF_PRESETS
from calciumgan.data.readers import read_recording
from calciumgan.data.recording import Recording
from calciumgan.data.settings import DataConfig
from calciumgan.data.split import MinMaxScaler, PreparedData, split_train_validation
from calciumgan.data.surrogate import SAMPLING_RATE_HZ, preset_model, surrogate_recording

PREPARE_HINT = (
    "convert your traces with `python -m calciumgan.prepare --signals TRACES.npy --sampling-rate HZ --out {path}` "
    "or pass --data PATH: a .npz/.h5 recording, a Suite2p plane folder or an NWB file (README: 'Your own recording')"
)


def load_data(config: DataConfig) -> Recording:
    """The recording a config names: a built-in surrogate (dichotomized Gaussian or ΔF/F), a file or a Suite2p
    folder (``calciumgan.data.readers``)."""
    if config.source == "surrogate":
        sample = dff_recording if config.preset in DFF_PRESETS else surrogate_recording
        try:
            return sample(
                config.preset, num_frames=config.num_frames, num_neurons=config.num_neurons, seed=config.surrogate_seed
            )
        except ValueError as error:
            raise ConfigError(f"data: {error}") from None
    path = pathlib.Path(config.path)
    if not path.exists():
        raise RecordingError(f"{path}: no such file; " + PREPARE_HINT.format(path=path))
    return read_recording(path, config.reader_settings())


def surrogate_ground_truth(preset: str, num_neurons: int) -> dict:
    """The true firing rates (N,) in Hz and spike covariance (N, N) per frame of a surrogate's first neurons.

    ``firing_rate_hz`` and ``spike_covariance`` describe the spikes the model makes;
    ``active_rate_hz`` and ``active_covariance`` the 0/1 indicators of frames with a spike, what
    binary spike inference is compared with. Dichotomized-Gaussian presets: exact, and the spikes
    are binary, so the two pairs agree. ΔF/F presets: estimated from spike counts
    (``calciumgan.data.dff_surrogate``), with the indicator's per-neuron parameters.
    """
    if preset in DFF_PRESETS:
        return dff_ground_truth(preset, num_neurons)
    model = preset_model(preset)
    rates = model.spike_probabilities()[:num_neurons] * SAMPLING_RATE_HZ
    covariance = model.covariance()[:num_neurons, :num_neurons]
    return {"firing_rate_hz": rates, "spike_covariance": covariance, "active_rate_hz": rates.copy(),
            "active_covariance": covariance.copy()}  # fmt: skip


def prepare_data(config: DataConfig) -> PreparedData:
    """Load, split into contiguous train/validation blocks and fit the scaler on train."""
    recording = load_data(config)
    if len(recording.silent_neurons()) == recording.num_neurons:
        raise RecordingError(f"{recording.source}: all {recording.num_neurons} neurons are constant over the "
                             f"{recording.num_frames} frames, so there is nothing to learn; check the file and the "
                             "series or key it is read from")  # fmt: skip
    recording.report_silent_neurons()
    train, validation = split_train_validation(recording, config.window, config.validation_fraction)
    scaler = MinMaxScaler.fit(train.signals, per_neuron=config.scaling == "per_neuron")
    truth = surrogate_ground_truth(config.preset, recording.num_neurons) if config.source == "surrogate" else None
    return PreparedData(recording, train, validation, scaler, truth)
