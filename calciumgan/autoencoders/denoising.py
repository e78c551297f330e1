"""A 1D convolutional denoising autoencoder for calcium traces (after Erdmann et al. 2019).

The dichotomized-Gaussian surrogates (``calciumgan.data.surrogate``) make each trace as
``y = c + sigma u`` with AR(1) calcium ``c`` driven by the known spikes; :func:`clean_calcium`
recomputes ``c`` through the same function with ``noise_std = 0``, so the denoiser learns the
map from a noisy window of one neuron to its clean calcium, both in the units of the scaler
fitted on the training block (``calciumgan.data.split``).

Architecture (:func:`build_denoising_autoencoder`): ``poolings`` blocks of a same-padded
convolution (ReLU) and a max pooling by 2 (500 -> 250 -> 125 -> 62 -> 31 samples), the last
convolution with ``code_channels`` channels, so 500 samples give Erdmann et al.'s code of 16 x 31;
the decoder mirrors it with nearest-neighbour upsampling by 2, a zero frame appended where the
encoder's pooling dropped one (62 -> 124 -> 125), and a convolution (ReLU) per level, then a
linear one-channel convolution. The kernel size is this package's choice: 9 frames (0.375 s at
24 Hz) by default.

A long trace is denoised in windows that overlap by half (:func:`denoise_traces`); each frame
takes the output of the window whose centre is nearest, so only the recording's first and last
quarter-window see a window edge.

:func:`denoising_report` measures the gain on the held-out block: the mean squared error to the
clean calcium of the noisy and the denoised traces, and how many true spikes OASIS recovers
from each with the same settings (``calciumgan.evaluation.inference`` and ``.recovery``).
"""

import dataclasses
import json
import logging

import keras
import numpy as np

from calciumgan.core.errors import OutputError, RecordingError
from calciumgan.core.files import atomic_path, write_texts_atomic
from calciumgan.core.folders import DENOISER, ToolFolder
from calciumgan.data.prepare import prepare_data
from calciumgan.data.recording import Recording
from calciumgan.data.split import PreparedData, window_starts
from calciumgan.data.surrogate import calcium_from_spikes
from calciumgan.evaluation.inference import SpikeInferenceSettings, infer_spikes
from calciumgan.evaluation.recovery import spike_recovery
from calciumgan.evaluation.trace_files import windows_at

logger = logging.getLogger("calciumgan.autoencoders.denoise")

MODEL_FILE = "denoiser.keras"


def clean_calcium(recording: Recording) -> np.ndarray:
    """(T, N) float32 noise-free traces of a dichotomized-Gaussian surrogate recording.

    Its spikes go through ``calcium_from_spikes`` with the surrogate's decay and baseline and
    ``noise_std = 0``, so ``recording.signals - clean_calcium(recording)`` is the surrogate's
    white noise (standard deviation 0.3).
    """
    if recording.spikes is None:
        raise RecordingError(f"{recording.source}: no ground-truth spikes, so no clean trace to learn")
    return calcium_from_spikes(recording.spikes, np.random.default_rng(0), noise_std=0.0)


def encoder_lengths(window: int, poolings: int) -> list:
    """Samples per channel after each pooling by 2: ``[window, window // 2, ...]`` (poolings + 1 values)."""
    lengths = [int(window)]
    for _ in range(poolings):
        lengths.append(lengths[-1] // 2)
    if lengths[-1] < 1:
        raise ValueError(f"a window of {window} samples is too short for {poolings} poolings by 2")
    return lengths


def build_denoising_autoencoder(window: int = 500, poolings: int = 4, filters: int = 32, code_channels: int = 16,
                                kernel_size: int = 9) -> keras.Model:  # fmt: skip
    """A functional model from noisy (batch, window, 1) to clean (batch, window, 1) traces.

    Its layer ``"code"`` outputs the (batch, window // 2**poolings, code_channels) code.
    """
    lengths = encoder_lengths(window, poolings)
    noisy = keras.Input((window, 1), name="noisy")
    features = noisy
    for level in range(poolings):
        last = level == poolings - 1
        features = keras.layers.Conv1D(code_channels if last else filters, kernel_size, padding="same",
                                       activation="relu", name=f"encode_{level}")(features)  # fmt: skip
        features = keras.layers.MaxPooling1D(2, name="code" if last else f"pool_{level}")(features)
    for level in reversed(range(poolings)):
        features = keras.layers.UpSampling1D(2, name=f"upsample_{level}")(features)
        dropped = lengths[level] - 2 * lengths[level + 1]
        if dropped:
            features = keras.layers.ZeroPadding1D((0, dropped), name=f"pad_{level}")(features)
        features = keras.layers.Conv1D(filters, kernel_size, padding="same", activation="relu",
                                       name=f"decode_{level}")(features)  # fmt: skip
    clean = keras.layers.Conv1D(1, kernel_size, padding="same", name="clean")(features)
    return keras.Model(noisy, clean, name="denoising_autoencoder")


def neuron_windows(signals: np.ndarray, starts: np.ndarray, window: int) -> np.ndarray:
    """(len(starts) * N, window, 1) single-neuron windows of (T, N) ``signals``, start-major."""
    windows = windows_at(signals, starts, window)  # (S, window, N)
    return np.moveaxis(windows, 2, 1).reshape(-1, window, 1)


def covering_starts(num_frames: int, window: int) -> np.ndarray:
    """Starts of windows overlapping by half that cover ``num_frames`` frames (the last ends at the last frame)."""
    starts = window_starts(num_frames, window, max(window // 2, 1))
    return starts if starts[-1] == num_frames - window else np.append(starts, num_frames - window)


def denoise_traces(model: keras.Model, signals: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """(T, N) float32 denoised traces of (T, N) ``signals`` (in the model's units), T >= the model's window.

    Each frame is taken from the overlapping window whose centre is nearest to it.
    """
    window = model.inputs[0].shape[1]
    num_frames, num_neurons = signals.shape
    if num_frames < window:
        raise ValueError(f"traces of {num_frames} frames are shorter than the denoiser's window of {window}")
    starts = covering_starts(num_frames, window)
    outputs = model.predict(neuron_windows(signals, starts, window), batch_size=batch_size, verbose=0)
    outputs = outputs.reshape(len(starts), num_neurons, window)
    frames = np.arange(num_frames)
    nearest = np.abs(frames[:, None] - (starts + (window - 1) / 2)[None, :]).argmin(axis=1)
    offsets = frames - starts[nearest]
    return outputs[nearest[:, None], np.arange(num_neurons)[None, :], offsets[:, None]].astype(np.float32)


@dataclasses.dataclass(frozen=True)
class DenoisingData:
    """Training inputs and targets: (windows, window, 1) scaled noisy traces and their clean calcium."""

    noisy: np.ndarray
    clean: np.ndarray

    @classmethod
    def of(cls, data: PreparedData, clean: np.ndarray, window: int, stride: int) -> "DenoisingData":
        """Windows of every neuron of the training block, ``stride`` frames apart; ``clean`` is (T, N) for the
        whole recording."""
        starts = window_starts(data.train.num_frames, window, stride)
        clean_scaled = data.scaler.transform(clean[: data.train.num_frames])
        return cls(neuron_windows(data.train_scaled, starts, window), neuron_windows(clean_scaled, starts, window))


PEAK_TOLERANCE = 0.02  # Erdmann et al.'s "true reconstruction": the maximum within 2 % of the true one


def denoising_report(model: keras.Model, data: PreparedData, clean: np.ndarray, modes=("fixed", "estimated"),
                     tolerance_frames: int = 1) -> dict:  # fmt: skip
    """Noisy against denoised traces of the held-out block, as plain JSON values.

    ``mse``: mean squared error to the clean calcium (trace units squared) of the noisy and the
    denoised traces; ``peak_accuracy``: :func:`peak_accuracy` of both on windows of the model's
    length; ``spike_recovery``: mode -> {"noisy", "denoised", "clean"} -> recall, precision, F1 and
    counts of OASIS's spikes against the true ones (``tolerance_frames`` either side), the same
    inference settings for every input. The clean calcium is the ceiling in "fixed" mode only: the
    "estimated" mode estimates each window's noise level, which is 0 on a noise-free trace, so it
    has no meaningful result there and the clean row is left out.
    """
    truth = clean[data.train.num_frames :]
    noisy = data.validation.signals
    denoised = data.scaler.inverse(denoise_traces(model, data.validation_scaled))
    traces = {"noisy": noisy, "denoised": denoised, "clean": truth}
    window = model.inputs[0].shape[1]
    report = {
        "held_out_frames": int(len(noisy)),
        "neurons": int(noisy.shape[1]),
        "mse": {name: float(np.mean((traces[name].astype(np.float64) - truth) ** 2)) for name in ("noisy", "denoised")},
        "peak_accuracy": {name: peak_accuracy(traces[name], truth, window) for name in ("noisy", "denoised")},
        "spike_recovery": {},
    }
    for mode in modes:
        settings = SpikeInferenceSettings(mode=mode)
        scored = [name for name in traces if name != "clean" or mode != "estimated"]
        recovery = {name: spike_recovery(data.validation.spikes, infer_spikes(traces[name], settings), tolerance_frames)
                    for name in scored}  # fmt: skip
        report["spike_recovery"][mode] = {name: _recovery_summary(value) for name, value in recovery.items()}
    return report


def peak_accuracy(traces: np.ndarray, clean: np.ndarray, window: int, tolerance: float = PEAK_TOLERANCE) -> dict:
    """Erdmann et al.'s reconstruction accuracy on non-overlapping windows of ``window`` frames of each neuron
    of (T, N) ``traces`` against the (T, N) ``clean`` ones, over the windows whose clean maximum is above 0.

    ``value``: the fraction whose maximum is within ``tolerance`` of the clean maximum (relative);
    ``location``: the fraction whose maximum lies within ``tolerance`` of the window (frames) of the clean
    one's. The works leave open which of the two they meant, so both are given.
    """
    count = len(traces) // window
    cut = [np.asarray(values[: count * window], np.float64).reshape(count, window, -1) for values in (traces, clean)]
    peaks = [values.max(axis=1) for values in cut]
    places = [values.argmax(axis=1) for values in cut]
    active = peaks[1] > 0
    return {"value": float(np.mean(np.abs(peaks[0] - peaks[1])[active] <= tolerance * peaks[1][active])),
            "location": float(np.mean(np.abs(places[0] - places[1])[active] <= tolerance * window)),
            "windows": int(active.sum())}  # fmt: skip


def _recovery_summary(recovery) -> dict:
    summary = dataclasses.asdict(recovery)
    total = recovery.recall + recovery.precision
    summary["f1"] = 2 * recovery.recall * recovery.precision / total if total > 0 else float("nan")
    return summary


def report_markdown(report: dict) -> str:
    """The denoising report as a short Markdown page."""
    mse, peaks = report["mse"], report["peak_accuracy"]
    columns = " | ".join(f"{mode} recall | {mode} precision | {mode} F1" for mode in report["spike_recovery"])
    percent = f"{100 * PEAK_TOLERANCE:.0f} %"
    lines = [
        "# Denoising autoencoder: held-out block",
        "",
        f"{report['held_out_frames']} frames x {report['neurons']} neurons, against the surrogate's clean calcium.",
        "",
        f"| traces | MSE to clean | max within {percent} | max's frame within {percent} | {columns} |",
        "| --- | ---: | ---: | ---: |" + " ---: | ---: | ---: |" * len(report["spike_recovery"]),
    ]
    for name in ("noisy", "denoised", "clean"):
        cells = [f"{mse[name]:.4g}" if name in mse else "0"]
        cells += [f"{peaks[name][key]:.3f}" if name in peaks else "1" for key in ("value", "location")]
        for results in report["spike_recovery"].values():
            cells += [f"{results[name][key]:.3f}" if name in results else "—"
                      for key in ("recall", "precision", "f1")]  # fmt: skip
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    notes = [f"MSE ratio denoised / noisy: {mse['denoised'] / mse['noisy']:.3f}.",
             (f"The maximum columns: Erdmann et al.'s accuracy, over {peaks['noisy']['windows']} windows of the "
              "model's length with a spike.")]  # fmt: skip
    if "estimated" in report["spike_recovery"]:
        notes.append("Estimated-mode inference has no clean row: it estimates each window's noise level, which is 0 "
                     "on a noise-free trace.")  # fmt: skip
    lines += ["", " ".join(notes), ""]
    return "\n".join(lines)


def train_denoiser(config, verbose: int = 0):
    """Train a denoiser on the training block of ``config`` (a ``DenoiserConfig``).

    Returns (model, prepared data, (T, N) clean calcium of the whole recording, MSE per epoch).
    """
    data = prepare_data(config.data)
    clean = clean_calcium(data.recording)
    windows = DenoisingData.of(data, clean, config.data.window, config.data.stride)
    logger.info("training on %d single-neuron windows of %d frames", len(windows.noisy), config.data.window)
    keras.utils.set_random_seed(config.train.seed)
    model = build_denoising_autoencoder(config.data.window, **dataclasses.asdict(config.model))
    model.compile(optimizer=keras.optimizers.Adam(config.train.learning_rate), loss="mse")
    history = model.fit(windows.noisy, windows.clean, batch_size=config.train.batch_size, epochs=config.train.epochs,
                        shuffle=True, verbose=verbose)  # fmt: skip
    return model, data, clean, [float(loss) for loss in history.history["loss"]]


def run_denoiser(config, out, verbose: int = 0) -> dict:
    """Train, evaluate and write ``config.yaml``, ``tool.json``, ``scaler.json``, ``denoiser.keras``, ``report.json``
    and ``report.md`` into folder ``out`` (refused if it holds a denoiser already, or another tool made it); return
    the report."""
    folder = ToolFolder(out, tool=DENOISER)
    out = folder.root
    if (out / MODEL_FILE).exists():
        raise OutputError(f"--out {out}: already holds a trained {MODEL_FILE}; choose another folder")
    model, data, clean, losses = train_denoiser(config, verbose)
    report = denoising_report(model, data, clean, config.evaluate.spike_inference_modes, config.evaluate.tolerance_frames)
    report["train_mse_per_epoch"] = losses
    folder.start(config, "calciumgan.autoencoders.denoise", replaces_work=True)
    data.scaler.save(out / "scaler.json")
    with atomic_path(out / MODEL_FILE) as temporary:
        model.save(temporary)
    write_texts_atomic({out / "report.json": json.dumps(report, indent=1), out / "report.md": report_markdown(report)})
    logger.info("held-out MSE to the clean trace: noisy %.4g, denoised %.4g; report in %s", report["mse"]["noisy"],
                report["mse"]["denoised"], out)  # fmt: skip
    return report
