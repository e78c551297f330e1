"""The response model's report: test correlation per neuron against the oracle ceiling.

``report.json`` (every number), ``report.md`` (a summary and one row per fitted neuron) and
``test_vs_oracle.png`` (test correlation against oracle correlation per neuron; with the true
rates of a simulation, a second panel with the correlation against the truth). Values that are
undefined (a neuron without variance) are ``null`` in the JSON and "n/a" in the table.
"""

import json
import math
import pathlib

import numpy as np

from calciumgan.core.figures import save_png, subplots
from calciumgan.core.files import write_texts_atomic
from exciting_inputs.simulation.population import KINDS

COLUMNS = {  # row key -> table heading
    "neuron": "neuron", "kind": "kind", "oracle": "oracle", "test_single_trial": "test r (single trials)",
    "fraction_of_oracle": "fraction of oracle", "test_trial_mean": "test r (trial means)",
    "test_true_rate": "r with true rate",
}  # fmt: skip


def build_report(dataset, selection: dict, neurons, correlations: dict, history: dict, split: dict,
                 trainable_parameters: int) -> dict:  # fmt: skip
    """The report as a dict: ``summary`` and ``rows`` (one per fitted neuron, in ``neurons`` order).

    ``selection``: ``{"oracle", "variance", "selected": (all neurons,)}``; ``correlations``: the
    (fitted neurons,) arrays of ``exciting_inputs.evaluation.response_correlations``.
    """
    population = dataset.population
    rows = []
    for position, neuron in enumerate(neurons):
        row = {"neuron": int(neuron), "oracle": selection["oracle"][neuron], "variance": selection["variance"][neuron],
               "selected": bool(selection["selected"][neuron])}  # fmt: skip
        if population is not None:
            row["kind"], row["noiseless"] = KINDS[population.kind[neuron]], bool(population.noiseless[neuron])
        row.update({f"test_{name}": values[position] for name, values in correlations.items()})
        row["fraction_of_oracle"] = row["test_single_trial"] / row["oracle"] if row["oracle"] else math.nan
        rows.append({key: json_number(value) for key, value in row.items()})
    means = {key: _mean([row.get(key) for row in rows])
             for key in ("oracle", "test_single_trial", "test_trial_mean", "test_true_rate", "fraction_of_oracle")
             if key in rows[0]}  # fmt: skip
    summary = {
        "source": dataset.source, "trials": dataset.responses.shape[0], "neurons": dataset.num_neurons,
        "selected_neurons": int(np.sum(selection["selected"])), "fitted_neurons": len(rows),
        "images": {name: len(indices) for name, indices in split.items()},
        "trainable_parameters": int(trainable_parameters), "epochs_run": len(history["loss"]),
        "best_epoch": history["best_epoch"],
        "best_validation_correlation": history["val_correlation"][history["best_epoch"] - 1], "means": means,
    }  # fmt: skip
    return {"summary": summary, "rows": rows}


def write_report(report: dict, folder) -> list:
    """``report.json``, ``report.md`` and ``test_vs_oracle.png`` in ``folder`` (atomically); their paths."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = write_texts_atomic({folder / "report.json": json.dumps(report, indent=1),
                                folder / "report.md": markdown(report)})  # fmt: skip
    return paths + [plot_test_vs_oracle(report["rows"], folder / "test_vs_oracle.png")]


def markdown(report: dict) -> str:
    summary, rows = report["summary"], report["rows"]
    images = summary["images"]
    columns = [key for key in COLUMNS if key in rows[0]]
    means = summary["means"]
    lines = [
        "# Response model: test correlation against the oracle ceiling", "",
        f"{summary['source']}: {summary['neurons']} neurons, {summary['trials']} trials per image; "
        f"{summary['selected_neurons']} selected by oracle and variance; {summary['fitted_neurons']} fitted.",
        f"Images: {images['train']} training, {images['validation']} validation, {images['test']} test. "
        f"{summary['trainable_parameters']:,} trainable parameters; best validation correlation "
        f"{summary['best_validation_correlation']:.3f} at epoch {summary['best_epoch']} of {summary['epochs_run']}.",
        "",
        "| " + " | ".join(COLUMNS[key] for key in columns) + " |",
        "|" + "---|" * len(columns),
    ]  # fmt: skip
    lines += ["| " + " | ".join(_cell(row[key]) for key in columns) + " |" for row in rows]
    lines.append("| mean | " + " | ".join(_cell(means.get(key, "")) for key in columns[1:]) + " |")
    return "\n".join(lines) + "\n"


def plot_test_vs_oracle(rows: list, path) -> pathlib.Path:
    """Test correlation (single trials) against oracle per neuron, the diagonal drawn; with true rates, a
    second panel: correlation with the true rate against oracle. Written atomically as a PNG at ``path``."""
    panels = [("test_single_trial", "test r (single trials)")]
    if "test_true_rate" in rows[0]:
        panels.append(("test_true_rate", "r with the true rate"))
    figure, axes = subplots(1, len(panels), figsize=(4.5 * len(panels), 4.2), squeeze=False)
    groups = sorted({row.get("kind", "neuron") for row in rows})
    for axis, (key, label) in zip(axes[0], panels):
        for group, marker in zip(groups, "os^"):
            chosen = [row for row in rows if row.get("kind", "neuron") == group]
            axis.scatter([_plotted(row["oracle"]) for row in chosen], [_plotted(row[key]) for row in chosen],
                         marker=marker, alpha=0.8, label=group)  # fmt: skip
        axis.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
        axis.set(xlabel="oracle correlation", ylabel=label, xlim=(-0.1, 1.05), ylim=(-0.1, 1.05))
        axis.legend(loc="upper left", fontsize="small")
    figure.tight_layout()
    path = pathlib.Path(path)
    return save_png(figure, path, dpi=100)


def json_number(value):
    """JSON-ready: NumPy scalars to Python ones, NaN to None."""
    if isinstance(value, (bool, str, np.bool_)):
        return value if isinstance(value, str) else bool(value)
    value = float(value) if isinstance(value, (float, np.floating)) else int(value)
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _mean(values: list):
    finite = [value for value in values if value is not None]
    return float(np.mean(finite)) if finite else None


def _plotted(value) -> float:
    return math.nan if value is None else value


def _cell(value) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if isinstance(value, float) else str(value)
