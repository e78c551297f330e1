"""The LFP GAN's report: Table 5.1 in Markdown and JSON, and the figures of Ch. 5 and App. A-B."""

import dataclasses
import json
import logging

import numpy as np

from calciumgan.core.errors import RunError
from calciumgan.core.files import write_texts_atomic
from lfp.evaluation.plots import plot_channel_correlations, plot_channel_means, plot_image_examples, plot_spectra
from lfp.evaluation.table import ROW_TITLES, evaluate_splits
from lfp.experiment import GAN_RUNS, Experiment
from lfp.pretraining import Pretraining

logger = logging.getLogger(__name__)

COLUMNS = {
    "fd": "FD (raw)",
    "domain_fd": "FD (random signal features)",
    "encoder_fd": "FD (pre-trained encoder, extra)",
    "spectral": "log-spectrum RMS (decades)",
    "correlation": "channel-correlation diff.",
    "evoked": "evoked-response RMS",
    "classifier_is": "classifier IS",
    "accuracy": "stimulus accuracy",
    "inception_fid": "FID (Inception-v3)",
    "inception_is": "IS (Inception-v3)",
}
THESIS_TABLE = (
    "The thesis's Table 5.1 (real Allen LFP, 200-epoch GANs; IS / FID with Inception-v3, FD on raw windows): "
    "train set: no pre-training 1.98 / 315.54 / 5789.57, pre-trained 1.17 / 42.94 / 2548.33, "
    "noise 1.12 / 349.34 / 9343.42; test set: no pre-training 1.93 / 320.69 / 6250.28, "
    "pre-trained 1.19 / 37.59 / 2126.82, noise 1.12 / 351.49 / 10295.38."
)


def evaluate_experiment(experiment_dir, inception_weights=None) -> dict:
    """Score every finished GAN run of an experiment folder; write ``report/``; return the report's JSON.

    ``inception_weights`` overrides ``evaluate.inception_weights`` of the experiment's config.
    """
    experiment = Experiment(experiment_dir)
    config = experiment.config()
    if inception_weights:
        config = dataclasses.replace(
            config, evaluate=dataclasses.replace(config.evaluate, inception_weights=inception_weights)
        )
    recording, train_ids, test_ids = experiment.load_data()
    pretraining = Pretraining(experiment.pretrain)
    encoder = pretraining.load("signal_autoencoder").get_layer("signal_encoder")
    generators = {}
    for init in GAN_RUNS:
        run = experiment.gan_run(init)
        if run.generator_path.is_file():
            generators[init] = run.load_model(run.generator_path)
    if not generators:
        raise RunError(f"{experiment.root}: no finished GAN run (gan-pretrained/ or gan-scratch/); train one with "
                       f"python -m lfp.train --config CONFIG --out {experiment.root}")  # fmt: skip
    results = evaluate_splits(recording, {"train": train_ids, "test": test_ids}, generators, encoder, config,
                              training_images=train_ids)
    folder = experiment.report
    figures = _figures(recording, results, config, folder)
    report = {"table": results["table"], "windows": results["windows"], "inception": results["inception"],
              "figures": figures, "runs": sorted(generators), "source": recording.source}  # fmt: skip
    write_texts_atomic({folder / "report.json": json.dumps(report, indent=1), folder / "report.md": markdown(report)})
    logger.info("wrote %s and %s", folder / "report.md", folder / "report.json")
    return report


def markdown(report: dict) -> str:
    """Table 5.1 per split as Markdown, with how it was made."""
    lines = [f"# LFP GAN: Table 5.1 on {report['source']}", ""]
    for split, rows in report["table"].items():
        metrics = [name for name in COLUMNS if any(name in values for values in rows.values())]
        lines += [f"## {split.capitalize()} images", "",
                  "| | " + " | ".join(COLUMNS[name] for name in metrics) + " |",
                  "|---|" + "---|" * len(metrics)]  # fmt: skip
        for row, values in rows.items():
            cells = [_cell(values.get(name)) for name in metrics]
            lines.append(f"| {ROW_TITLES[row]} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        f"Every set holds {report['windows']} windows, in both tables: the smaller split's scored showings; the "
        "larger split keeps the showings of a seeded subset of its images. Gaussian noise has the mean and variance "
        "of the GANs' training data. FD (random signal features) compares the codes of a randomly initialised "
        "signal encoder; FD (pre-trained encoder) those of the pre-trained one, from which the pre-trained GAN's "
        "critic starts (so it can favour that GAN).",
        "",
        "Lower is better for the distances. The classifier (trained on the first half of each image's showings) "
        "scores the second half and the generated windows conditioned on the same images; the real rows are the "
        "floor. Inception-v3: " + report["inception"] + ".",
        "",
        THESIS_TABLE,
        "",
        "Figures: " + ", ".join(report["figures"]),
        "",
    ]
    return "\n".join(lines)


def _cell(value) -> str:
    return "—" if value is None else f"{value:.4g}"


def _figures(recording, results: dict, config, folder) -> list:
    """The figures of the test split's sets, and per-image examples of both splits; their file names."""
    rate = recording.sampling_rate
    titled = {_figure_title(name): windows for name, windows in results["sets"]["test"].items()}
    paths = [
        plot_channel_means(titled, rate, folder / "channel_means.png"),
        plot_spectra(titled, rate, folder / "spectra.png"),
        plot_channel_correlations(titled, folder / "channel_correlations.png"),
    ]
    for split, sets in results["sets"].items():
        images = results["scored_images"][split]
        for image in list(dict.fromkeys(images))[: config.evaluate.example_images]:
            shown = np.flatnonzero(images == image)
            per_image = {_figure_title(name): windows[shown] for name, windows in sets.items() if name != "noise"}
            paths.append(plot_image_examples(recording.images[image], per_image, rate,
                                             folder / f"image_{split}_{image}.png"))  # fmt: skip
    return [path.name for path in paths]


def _figure_title(row: str) -> str:
    """A row's title without its explanation ("Real: other showings ..." -> "Real")."""
    return ROW_TITLES[row].split(":")[0]
