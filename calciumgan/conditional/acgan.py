"""Build, train and sample the AC-GAN of a ``ConditionalConfig``.

The run folder (``calciumgan.training.run_folder``) holds the config, ``scaler.json``,
checkpoints, TensorBoard logs and the ``.keras`` models; training resumes from the newest
checkpoint when the same command runs again. At the end ``metrics.json`` holds the last
epoch's logs (training and ``val_`` validation means: the critic's accuracy on real and on
generated samples' labels among them), ``samples.h5`` the generated windows per label and
``conditioning.json`` how well each label's samples match that label's held-out real windows
(``calciumgan.conditional.fidelity``).
"""

import dataclasses
import json
import logging

import keras
import numpy as np

from calciumgan.conditional.config import ConditionalConfig
from calciumgan.conditional.data import labelled_gan_data, labelled_windows
from calciumgan.conditional.fidelity import label_agreement
from calciumgan.conditional.models import build_classifying_critic, build_conditional_generator
from calciumgan.core.folders import CONDITIONAL
from calciumgan.core.samples import write_samples
from calciumgan.data.presets import SAMPLING_RATE_HZ
from calciumgan.training.auxiliary import AuxiliaryClassifierLoss
from calciumgan.training.gan import GAN
from calciumgan.training.loop import Schedule, train_gan
from calciumgan.training.losses import LOSSES
from calciumgan.training.penalties import gradient_penalty_or_none
from calciumgan.training.run_folder import RunFolder
from calciumgan.training.steps import make_steps

logger = logging.getLogger(__name__)

SAMPLES_FILE, METRICS_FILE, SCALER_FILE = "samples.h5", "metrics.json", "scaler.json"
CONDITIONING_FILE = "conditioning.json"


def build_acgan(config: ConditionalConfig) -> GAN:
    """The compiled AC-GAN of ``config``, with random weights."""
    data, model, train = config.data, config.model, config.train
    shared = {"window": data.window, "num_neurons": data.num_neurons, "filters": model.filters,
              "kernel_size": model.kernel_size, "strides": model.strides, "num_blocks": model.num_blocks,
              "convolutions": model.convolutions, "num_classes": len(data.presets)}  # fmt: skip
    generator = build_conditional_generator(embedding_dim=model.embedding_dim, noise_dim=model.noise_dim,
                                            normalization=model.normalization, **shared)  # fmt: skip
    critic = build_classifying_critic(phase_shuffle=model.phase_shuffle, **shared)
    auxiliary = AuxiliaryClassifierLoss(train.auxiliary_weight, on_generated=train.auxiliary_on_generated)
    gan = GAN(generator, critic, loss=LOSSES[train.loss](), penalty=gradient_penalty_or_none(train.penalty_weight),
              n_critic=train.n_critic, seed=train.seed, auxiliary=auxiliary)  # fmt: skip

    def adam():
        return keras.optimizers.Adam(train.learning_rate, beta_1=train.beta_1, beta_2=train.beta_2)

    gan.compile(g_optimizer=adam(), d_optimizer=adam())
    return gan


def train_acgan(config: ConditionalConfig, out, progress: bool = True) -> dict:
    """Train (or resume) in run folder ``out``, then write ``metrics.json`` and ``samples.h5``; returns the
    last epoch's logs."""
    run = RunFolder(out, ConditionalConfig, CONDITIONAL)
    run.check_same(config)
    train = config.train
    keras.utils.set_random_seed(train.seed)
    windows = labelled_windows(config.data, train.validation_batches * train.batch_size // len(config.data.presets))
    gan = build_acgan(config)
    data = labelled_gan_data(windows, config.data.window, train.batch_size, train.n_critic, train.seed)
    run.start(config, made_by="calciumgan.conditional.train")
    windows.scaler.save(run.path(SCALER_FILE))
    logger.info("AC-GAN on %s: generator %d parameters, critic %d; %d training windows; backend %s",
                ", ".join(windows.presets), gan.generator.count_params(), gan.critic.count_params(),
                len(windows.train_starts), keras.backend.backend())  # fmt: skip
    schedule = Schedule(epochs=train.epochs, steps_per_epoch=train.steps_per_epoch,
                        checkpoint_every=train.checkpoint_every, keep_checkpoints=train.keep_checkpoints,
                        validation_seed=train.seed + 1)  # fmt: skip
    steps = make_steps(gan, data.assemble)
    logs = train_gan(gan, data, schedule, run, steps=steps, progress=progress)
    if logs:  # a finished run resumed trains no epoch and keeps its metrics
        run.write_json(METRICS_FILE, logs)
    signals, labels = labelled_samples(gan.generator, len(windows.presets), config.generate.samples_per_label,
                                       config.generate.seed)  # fmt: skip
    signals = windows.scaler.inverse(signals)
    write_samples(run.path(SAMPLES_FILE), [signals], signals.shape, SAMPLING_RATE_HZ, np.arange(signals.shape[2]),
                  {"presets": list(windows.presets), "config": json.dumps(dataclasses.asdict(config))},
                  per_sample={"labels": labels.astype(np.int32)})  # fmt: skip
    logger.info("wrote %d samples per label to %s", config.generate.samples_per_label, run.path(SAMPLES_FILE))
    real = windows.scaler.inverse(np.stack([windows.validation[start : start + config.data.window]
                                            for start in windows.validation_starts]))  # fmt: skip
    agreement = label_agreement(signals, labels, real, windows.validation_labels, len(windows.presets))
    run.write_json(CONDITIONING_FILE, {"presets": list(windows.presets), **agreement})
    logger.info("per-neuron means, each label's samples (rows) against its held-out real windows: r %s; labels "
                "matched %.2f", np.round(agreement["mean_correlation"], 2).tolist(), agreement["matched"])  # fmt: skip
    return logs


def labelled_samples(generator, num_classes: int, per_label: int, seed: int) -> tuple:
    """``per_label`` scaled samples of every label: (num_classes * per_label, window, N) float32, labels (K,)."""
    labels = np.repeat(np.arange(num_classes, dtype=np.int32), per_label)
    noise = np.random.default_rng(seed).standard_normal((len(labels), *generator.inputs[1].shape[1:]))
    signals = generator.predict([labels, noise.astype(np.float32)], batch_size=256, verbose=0)
    return np.asarray(signals, np.float32), labels

