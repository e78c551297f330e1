"""Reports of the decoding and search stages: ``report.json``, ``report.md`` and one figure each."""

import json
import pathlib

import numpy as np

from calciumgan.core.figures import save_png, subplots
from calciumgan.core.files import write_texts_atomic

EXAMPLES = 6  # held-out images shown in the decoding figure
SCORES = {"code_correlation": "code r (all entries)", "image_correlation": "image r, G(z_hat) vs G(z)",
          "identification_accuracy": "identification (top-1)"}  # fmt: skip


def write_decoding(result: dict, codes, predicted, images, predicted_images, folder) -> list:
    """The decoding report in ``folder``: (test, latent_dim) codes and predictions, (test, h, w) images."""
    rows = ["| score | held-out, trial means | held-out, single trial | shuffled |", "|---|---|---|---|"]
    for key, name in SCORES.items():
        values = [result[part][key] for part in ("held_out_trial_mean", "held_out_single_trial", "shuffled")]
        rows.append(f"| {name} | " + " | ".join(f"{value:.3f}" for value in values) + " |")
    per_dimension = ", ".join(
        f"{value:.2f}" for value in result["held_out_trial_mean"]["code_correlation_per_dimension"]
    )
    text = "\n".join([
        "# Decoding latent codes from responses (PCA + ridge)", "",
        f"{result['test_codes']} held-out generated images, {result['trials']} new trials each; "
        f"{result['components']} components, alpha {result['alpha']}. Identification chance: "
        f"{result['chance_identification']:.3f}.", "", *rows, "",
        f"Code correlation per latent dimension (trial means): {per_dimension}.", "",
    ])  # fmt: skip
    figure, axes = subplots(2, EXAMPLES + 1, figsize=(2 * (EXAMPLES + 1), 3.6))
    for column in range(EXAMPLES):
        for row, shown in enumerate((images, predicted_images)):
            axes[row, column].imshow(shown[column], cmap="gray", vmin=0, vmax=1)
            axes[row, column].set_axis_off()
        axes[0, column].set_title(f"G(z) {column}", fontsize=8)
        axes[1, column].set_title("G(z_hat)", fontsize=8)
    axes[0, -1].scatter(np.ravel(codes), np.ravel(predicted), s=3)
    axes[0, -1].set(xlabel="true z", ylabel="decoded z")
    axes[1, -1].bar(range(len(SCORES)), [result["held_out_trial_mean"][key] for key in SCORES], label="decoded")
    axes[1, -1].bar(range(len(SCORES)), [result["shuffled"][key] for key in SCORES], width=0.4, label="shuffled")
    axes[1, -1].set_xticks(range(len(SCORES)), ["code r", "image r", "ident."], fontsize=7)
    axes[1, -1].legend(fontsize=6)
    return _write(result, text, figure, pathlib.Path(folder), "decoding.png")


CHOICES = {"search": "genetic search, best", "random": "best of the random codes", "dataset": "best dataset image"}


def write_search(summary: dict, random_running_best, chosen_images, folder) -> list:
    """The search report in ``folder``: ``random_running_best`` (evaluations,); ``chosen_images`` (3, h, w): the
    search's best G(z), the best random code's G(z) and the best dataset image."""
    held_out = summary["held_out"]
    seen = {"search": summary["search_best"], "random": summary["random_best"], "dataset": summary["dataset_best"]}
    rows = [f"| {name} | {seen[key]:.3f} | {held_out[key]['mean']:.3f} ± {held_out[key]['sem']:.3f} "
            f"| {held_out[key]['expected']:.3f} |" for key, name in CHOICES.items()]  # fmt: skip
    text = "\n".join([
        f"# Genetic search of latent codes for neuron {summary['neuron']} ({summary['kind']} cell)", "",
        f"Fitness: {_fitness_name(summary)}; {summary['evaluations']} evaluations for the search and as many "
        f"random codes; the dataset image is chosen by the same fitness on the recorded trials. Each chosen "
        f"image is scored on {held_out['trials']} held-out trials (mean ± SEM).", "",
        "| choice | fitness when chosen | held-out count per trial | expected count (truth) |", "|---|---|---|---|",
        *rows, "", f"Mean expected count over the dataset's images: {summary['dataset_mean']:.3f}.",
        *[f"Search / {other}: {_number(summary[key]['mean'])} held out, {_number(summary[key]['expected'])} "
          "in expected counts." for key, other in (("search_over_random", "random"),
                                                   ("search_over_dataset", "dataset best"))], "",
    ])  # fmt: skip
    figure, axes = subplots(1, 4, figsize=(14, 3))
    axes[0].plot(summary["evaluations_by_generation"], summary["best_per_generation"], label="genetic, best")
    axes[0].plot(np.arange(1, len(random_running_best) + 1), random_running_best, label="random, best so far")
    axes[0].axhline(held_out["dataset"]["mean"], color="grey", linestyle="--", label="best dataset image, held out")
    axes[0].set(xlabel="fitness evaluations", ylabel=_fitness_name(summary))
    axes[0].legend(fontsize=7)
    for axis, image, key in zip(axes[1:], chosen_images, CHOICES):
        axis.imshow(image, cmap="gray", vmin=0, vmax=1)
        axis.set_title(f"{CHOICES[key]}: {held_out[key]['mean']:.2f}", fontsize=8)
        axis.set_axis_off()
    return _write(summary, text, figure, pathlib.Path(folder), "search.png")


def _fitness_name(summary: dict) -> str:
    if summary["fitness"] == "expected":
        return "expected count per trial"
    return f"mean count of {summary['fitness_trials']} new trial(s)"


def _number(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _write(result: dict, text: str, figure, folder: pathlib.Path, figure_name: str) -> list:
    paths = write_texts_atomic({folder / "report.json": json.dumps(result, indent=1), folder / "report.md": text})
    figure.tight_layout()
    return paths + [save_png(figure, folder / figure_name, dpi=100)]
