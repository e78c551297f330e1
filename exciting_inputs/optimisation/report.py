"""The MEI report: ``mei_report.json`` (every number), ``mei_report.md`` and ``meis.png`` (each MEI beside
its neuron's true optimal stimulus), written next to ``exciting_inputs.fit``'s report in ``report/``."""

import json
import pathlib

import numpy as np

from calciumgan.core.figures import save_png, subplots
from calciumgan.core.files import write_texts_atomic
from exciting_inputs.optimisation.ascent import STARTS
from exciting_inputs.report import json_number

SUMMARISED = ("truth_correlation", "truth_correlation_in_mask", "relative_true_response", "model_response")
FIGURE_ROWS = 8  # neurons shown in meis.png


def write_mei_report(rows: list, settings: dict, meis, truths: list, neurons: list, folder) -> dict:
    """Write the report of ``rows`` (one per neuron and start) and return it as a dict.

    ``meis``: (neurons, starts, height, width); ``truths``: one (height, width) true optimal stimulus per
    neuron, or None without the truth.
    """
    rows = [_json_ready(row) for row in rows]
    means = {start: {key: _mean([row.get(key) for row in rows if row["start"] == start]) for key in SUMMARISED}
             for start in STARTS}  # fmt: skip
    report = {"settings": _json_ready(settings), "means": means, "rows": rows}
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_texts_atomic({folder / "mei_report.json": json.dumps(report, indent=1),
                        folder / "mei_report.md": markdown(report)})  # fmt: skip
    plot_meis(meis, truths, neurons, folder / "meis.png")
    return report


def markdown(report: dict) -> str:
    settings, rows = report["settings"], report["rows"]
    lines = [
        "# Most exciting inputs", "",
        f"{settings['steps']} steps, alpha {settings['step_size']}, lambda {settings['contrast_weight']}, "
        f"C* {settings['contrast_target']:.4f} (the images' mean std), blur sigma {settings['sigma_start']} -> "
        f"{settings['sigma_end']}, mask radius {settings['mask_radius']} px.",
        "The MEI is the image after the last step; peak step: the step where the objective peaked. "
        "r with truth: Pearson's r of the MEI with the true optimal stimulus (complex cells: best phase); "
        "r in mask: the same inside the mask at the true centre; relative true response: the true neuron's "
        "response to the MEI over its best response to a dataset image.",
        "",
        "| neuron | kind | start | peak step | model response | r with truth | r in mask | relative true response "
        "| luminance | masked contrast | std | SI1 | SI2 |",
        "|" + "---|" * 13,
    ]  # fmt: skip
    for row in rows:
        mei = row["mei"]
        cells = [row["neuron"], row.get("kind", "n/a"), row["start"], row["peak_step"], row["model_response"],
                 row.get("truth_correlation"), row.get("truth_correlation_in_mask"), row.get("relative_true_response"),
                 mei["luminance"], mei["masked_contrast"], mei["std"], mei["si1"], mei["si2"]]  # fmt: skip
        lines.append("| " + " | ".join(map(_cell, cells)) + " |")
    lines += ["", "| start | mean r with truth | mean r in mask | mean relative true response "
              "| mean model response |", "|---|---|---|---|---|"]  # fmt: skip
    lines += [f"| {start} | " + " | ".join(_cell(values[key]) for key in SUMMARISED) + " |"
              for start, values in report["means"].items()]  # fmt: skip
    truths = [row for row in rows if "true_stimulus" in row and row["start"] == STARTS[0]]
    if truths:
        lines += ["", "True optimal stimuli (Gabor comparison, mask at the true centre):", "",
                  "| neuron | luminance | masked contrast | std | SI1 | SI2 |",
                  "|---|---|---|---|---|---|"]  # fmt: skip
        for row in truths:
            stimulus = row["true_stimulus"]
            lines.append(f"| {row['neuron']} | " + " | ".join(_cell(stimulus[key]) for key in
                                                             ("luminance", "masked_contrast", "std", "si1", "si2"))
                         + " |")  # fmt: skip
    return "\n".join(lines) + "\n"


def plot_meis(meis, truths: list, neurons: list, path) -> pathlib.Path:
    """One row per neuron (the first ``FIGURE_ROWS``): the true optimal stimulus, then the MEI of each start."""
    count = min(len(neurons), FIGURE_ROWS)
    columns = (["true optimal"] if truths[0] is not None else []) + [f"MEI ({start})" for start in STARTS]
    figure, axes = subplots(count, len(columns), figsize=(2.2 * len(columns), 1.6 * count), squeeze=False)
    for row in range(count):
        panels = ([truths[row]] if truths[0] is not None else []) + list(meis[row])
        for column, (axis, image) in enumerate(zip(axes[row], panels)):
            axis.imshow(image, cmap="gray", vmin=0, vmax=1)
            axis.set_xticks([]), axis.set_yticks([])
            if row == 0:
                axis.set_title(columns[column], fontsize="small")
        axes[row, 0].set_ylabel(f"neuron {neurons[row]}", fontsize="small")
    figure.tight_layout()
    path = pathlib.Path(path)
    return save_png(figure, path, dpi=100)


def _json_ready(value):
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    return json_number(value)


def _mean(values: list):
    finite = [value for value in values if value is not None]
    return float(np.mean(finite)) if finite else None


def _cell(value) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if isinstance(value, float) else str(value)
