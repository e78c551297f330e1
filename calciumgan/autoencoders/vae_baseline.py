"""The VAE as a baseline generator: train on a recording's training block, sample, score like a GAN.

The data stage is the GAN's (``calciumgan.data.prepare``): the same recording, contiguous split
and min-max scaler fitted on the training block. The VAE (``variational``) learns windows cut
``data.stride`` frames apart from the scaled training block; K windows sampled from the prior
are mapped back to the recording's units by the scaler's inverse and scored against the held-out
block by the Table 4.3 pipeline (``calciumgan.evaluation.pipeline.evaluate_arrays``) with the
training block as the data the calibration, the real-versus-real floor and the DG and Poisson
baselines are fitted on, so its report has the rows and numbers a GAN run's report has (less the
untrained-generator row). ``evaluate.spike_inference: auto`` resolves as for a GAN run: the
thesis's fixed rule on its dichotomized-Gaussian surrogates, calibrated otherwise.

The output folder holds ``config.yaml``, ``scaler.json``, ``vae.keras``, ``training.json`` (the
loss terms per epoch and the learned noise levels), ``samples.h5`` (the scored samples, as
``calciumgan.generate`` writes them, so ``calciumgan.evaluate --synthetic`` reads them) and
``evaluation/`` (``report.md``, ``report.json`` and the figures).
"""

import dataclasses
import logging

import keras

from calciumgan.autoencoders.variational import build_vae
from calciumgan.core.errors import OutputError
from calciumgan.core.files import atomic_path
from calciumgan.core.folders import VAE, ToolFolder
from calciumgan.core.samples import write_samples
from calciumgan.data.prepare import prepare_data
from calciumgan.data.split import window_starts
from calciumgan.evaluation.pipeline import evaluate_arrays
from calciumgan.evaluation.report import write_report
from calciumgan.evaluation.trace_files import windows_at

logger = logging.getLogger("calciumgan.autoencoders.vae")

MODEL_FILE = "vae.keras"


def train_vae(config, verbose: int = 0):
    """Train the VAE of ``config`` (a ``VAEConfig``); return (model, prepared data, history dict per epoch)."""
    data = prepare_data(config.data)
    window = config.data.window
    windows = windows_at(data.train_scaled, window_starts(data.train.num_frames, window, config.data.stride), window)
    logger.info("training on %d windows of %d frames x %d neurons", *windows.shape)
    keras.utils.set_random_seed(config.train.seed)
    model = build_vae(window, data.recording.num_neurons, seed=config.train.seed, **dataclasses.asdict(config.model))
    model.compile(optimizer=keras.optimizers.Adam(config.train.learning_rate))
    history = model.fit(windows, batch_size=config.train.batch_size, epochs=config.train.epochs, shuffle=True,
                        verbose=verbose)  # fmt: skip
    return model, data, {name: [float(value) for value in values] for name, values in history.history.items()}


def score_vae(model, data, evaluate_config):
    """(Evaluation, samples): ``evaluate_config.num_samples`` prior samples (K, W, N) in the recording's units,
    scored against the held-out block with the training block as the floor and the baselines' data."""
    config = evaluate_config.resolved(data.recording.source)
    samples = data.scaler.inverse(model.sample_windows(config.num_samples, seed=config.sample_seed))
    evaluation = evaluate_arrays(data.validation.signals, samples, data.recording.sampling_rate, config,
                                 train=data.train.signals, model_title="VAE (this run)")  # fmt: skip
    return evaluation, samples


def run_vae(config, out, verbose: int = 0):
    """Train, sample, evaluate and write everything into folder ``out`` (refused if it holds a VAE already, or
    another tool made it)."""
    folder = ToolFolder(out, tool=VAE)
    out = folder.root
    if (out / MODEL_FILE).exists():
        raise OutputError(f"--out {out}: already holds a trained {MODEL_FILE}; choose another folder")
    model, data, history = train_vae(config, verbose)
    folder.start(config, "calciumgan.autoencoders.vae", replaces_work=True)
    data.scaler.save(out / "scaler.json")
    with atomic_path(out / MODEL_FILE) as temporary:
        model.save(temporary)
    noise_std = model.noise_std() * data.scaler.scale  # (N,) per neuron, in the recording's units
    training = {"history": history, "noise_std": noise_std.tolist()}
    folder.write_json("training.json", training)
    evaluation, samples = score_vae(model, data, config.evaluate)
    provenance = {"model": MODEL_FILE, "seed": config.evaluate.sample_seed}
    recording = data.recording
    write_samples(out / "samples.h5", [samples], samples.shape, recording.sampling_rate, recording.neuron_ids,
                  provenance)  # fmt: skip
    write_report(evaluation, out / "evaluation")
    table = {row: {name: round(float(value), 4) for name, value in values.items()}
             for row, values in evaluation.table().items()}  # fmt: skip
    logger.info("mean KL (nats) of the VAE's samples: %s; floor: %s", table["model"], table["floor"])
    return evaluation
