"""``report.json``, ``report.md`` and the figures of one evaluation.

Everything shown is computed by the evaluation stage (``pipeline.Evaluation``); this module
only arranges it, draws it (``plots``) and writes it.
"""

import dataclasses
import json
import pathlib

import numpy as np

from calciumgan.core.files import write_texts_atomic
from calciumgan.evaluation import plots
from calciumgan.evaluation.headline import CHECKS, HIGHER_IS_BETTER, beats_on, winnable_won
from calciumgan.evaluation.headline import TITLES as CHECK_TITLES
from calciumgan.evaluation.scoring import INTERVAL_LEVEL, STATISTICS, TITLES

ROW_TITLES = {
    "real": "real (held-out windows)",
    "floor": "real vs real (training-block windows)",
    "model": "CalciumGAN (this run)",
    "untrained": "untrained generator",
    "dichotomized_gaussian": "dichotomized Gaussian",
    "poisson": "independent Poisson",
}


def row_titles(evaluation) -> dict:
    """Row name -> title; synthetic rows take the evaluation's own titles where it names them (not a run)."""
    return {**ROW_TITLES, **evaluation.extras.get("row_titles", {})}


FIGURES = {
    "traces.png": "traces and inferred spikes of a real and a synthetic sample (Fig. 4.4)",
    "raster.png": "raster of a real and a synthetic sample with marginal spike counts (Fig. 4.5)",
    "firing_rates.png": "per-neuron firing-rate distributions over samples (Fig. 4.6a)",
    "correlations.png": "pairwise-correlation distributions of single samples (Fig. 4.6b)",
    "van_rossum.png": "same-neuron van Rossum distances, real x synthetic samples, sorted (Fig. 4.6c)",
    "kl.png": "distributions of the KL divergences of every row (Fig. 4.7)",
}
CORRELATION_EXAMPLES = 4  # samples shown in correlations.png


def draw_figures(evaluation, out: pathlib.Path) -> None:
    primary = evaluation.primary
    real, model = evaluation.spikes["real"], evaluation.spikes[primary]
    rate = evaluation.sampling_rate
    statistics, divergences = evaluation.statistics, evaluation.divergences
    neurons, ids = evaluation.example_neurons(), np.asarray(evaluation.neuron_ids)
    plots.traces_with_spikes(evaluation.traces["real"][0], real[0], evaluation.traces[primary][0], model[0], rate,
                             neurons, ids, out / "traces.png")  # fmt: skip
    plots.raster_with_marginals(real[0], model[0], rate, out / "raster.png")
    plots.firing_rate_distributions(statistics["real"].firing_rate, statistics[primary].firing_rate, neurons, ids,
                                    divergences[primary].firing_rate, out / "firing_rates.png")  # fmt: skip
    plots.correlation_distributions(statistics["real"].correlation, statistics[primary].correlation,
                                    list(range(min(CORRELATION_EXAMPLES, len(real)))), divergences[primary].correlation,
                                    out / "correlations.png")  # fmt: skip
    plots.van_rossum_heatmaps(evaluation.van_rossum_heatmaps, neurons, ids, out / "van_rossum.png")
    plots.kl_histograms(divergences, evaluation.table(), row_titles(evaluation), out / "kl.png")


def _pairs_text(pairs: dict) -> str:
    """How many pairs of neurons the pairwise statistics used."""
    if pairs["compared"] == pairs["of"]:
        return f"Correlations and van Rossum distances are over all {pairs['of']:,} pairs of neurons."
    return (f"Correlations and van Rossum distances are over {pairs['compared']:,} of the {pairs['of']:,} pairs of "
            "neurons, a fixed random sample the same for every row (evaluate.max_pairs).")  # fmt: skip


def report_dict(evaluation) -> dict:
    """Everything the report shows, as JSON values."""
    real, titles = evaluation.spikes["real"], row_titles(evaluation)
    return {
        "source": evaluation.extras["source"],
        "settings": {**dataclasses.asdict(evaluation.config), "sampling_rate": evaluation.sampling_rate},
        "counts": {
            "samples_per_set": len(real),
            "frames_per_sample": real.shape[1],
            "neurons": real.shape[2],
            "neuron_ids": np.asarray(evaluation.neuron_ids).tolist(),
            "mean_firing_rate_hz": evaluation.mean_firing_rates(),
        },
        "table": [{"row": name, "title": titles[name], **means, "interval": evaluation.extras["intervals"][name]}
                  for name, means in evaluation.table().items()],  # fmt: skip
        **{key: value for key, value in evaluation.extras.items() if key not in ("source", "intervals", "row_titles")},
        "primary": evaluation.primary,
        "figures": [name for name in FIGURES],
    }


def _markdown(report: dict) -> str:
    source, counts, settings = report["source"], report["counts"], report["settings"]
    lines = ["# CalciumGAN evaluation", ""]
    lines += _verdict_lines(report) + [""]
    lines += [f"- {key}: `{value}`" for key, value in source.items()]
    lines += [
        f"- {counts['samples_per_set']} samples per set, {counts['frames_per_sample']} frames "
        f"({counts['frames_per_sample'] / settings['sampling_rate']:.1f} s) x {counts['neurons']} neurons",
        f"- spikes: OASIS, `{settings['spike_inference']}` mode ({_inference_details(report)}); correlation bins "
        f"{settings['correlation_bin_width']} s; van Rossum tau {settings['van_rossum_time_constant']} s; "
        f"KL over {settings['kl_bins']} bins with pseudo-count {settings['kl_pseudo_count']}",
        f"- baselines: fitted to {report['baselines_fitted_to']}; "
        + ("their spikes become traces through the calibrated calcium model and are inferred like every other set"
           if settings["baseline_traces"] else "their spikes are scored directly, as in the thesis")
        + _fit_adjustments(report["dichotomized_gaussian_fit"]),
    ]
    lines += _headline_lines(report)
    lines += [
        "",
        f"## Mean KL divergence from the {_real_data(report)} (Table 4.3; nats, lower is closer)",
        "",
        "| | " + " | ".join(TITLES[name] for name in STATISTICS) + " |",
        "| --- | " + " | ".join("---:" for _ in STATISTICS) + " |",
    ]
    lines += ["| " + row["title"] + " | " + " | ".join(_with_interval(row, name) for name in STATISTICS) + " |"
              for row in report["table"]]  # fmt: skip
    lines += ["", f"In brackets: {100 * INTERVAL_LEVEL:.0f}% block-bootstrap intervals of each mean. The "
              f"{counts['samples_per_set']} real windows hold about {report['independent_windows']} independent "
              "ones (windows starting within one window length of each other share a block). "
              + _pairs_text(report["pairs"])]  # fmt: skip
    floor = ("The first row scores real windows from the training data against the held-out windows exactly "
             "as the other rows are scored: it is the floor that sampling noise, bins and smoothing put under any "
             "model. " if any(row["row"] == "floor" for row in report["table"]) else
             "No training data were given, so there is no real-versus-real floor. ")  # fmt: skip
    rates = ", ".join(f"{name} {rate:.3f}" for name, rate in counts["mean_firing_rate_hz"].items())
    lines += ["", f"{floor}Mean firing rates (Hz) per set: {rates}."]
    if "ground_truth" in report:
        lines += ["", "## Against the surrogate's ground truth", "",
                  "| spikes of | firing-rate RMSE (Hz) | covariance RMSE (per frame) |", "| --- | ---: | ---: |"]  # fmt: skip
        lines += [f"| {name} | {errors['firing_rate_rmse_hz']:.4f} | {errors['covariance_rmse']:.2e} |"
                  for name, errors in report["ground_truth"].items()]  # fmt: skip
        lines += ["", "Rates and covariances are those of frames holding a spike, since inferred spikes are "
                      "binary. Real spikes here are inferred from the held-out traces, so their row shows the "
                      "inference's own error."]  # fmt: skip
    if "spike_recovery" in report:
        recovery = report["spike_recovery"]
        lines += ["", "## Spike inference on the held-out windows", "",
                  f"Of {recovery['true_count']} true spikes OASIS recovered {recovery['recovered']} "
                  f"(recall {recovery['recall']:.3f}) and invented {recovery['invented']} "
                  f"(precision {recovery['precision']:.3f})."]  # fmt: skip
    lines += _edge_lines(report["edges"], {row["row"]: row["title"] for row in report["table"]})
    if "memorisation" in report:
        check = report["memorisation"]
        verdict = "copies" if check["copies_training_data"] else "does not copy"
        lines += ["", "## Memorisation", "",
                  f"The generator {verdict} its training data. Median RMS distance to the nearest training "
                  f"window: {check['synthetic_median']:.4f} for synthetic samples, {check['held_out_median']:.4f} "
                  f"for held-out real windows (closest {check['held_out_minimum']:.4f}). "
                  f"{100 * check['near_copy_fraction']:.1f}% of synthetic samples are near-copies (closer than "
                  "half the closest held-out window); a synthetic sample is closer to the training data than a "
                  f"held-out window with probability {check['closer_probability']:.2f} (0.5: equally close; "
                  "smoother-than-real samples also raise it)."]  # fmt: skip
    lines += ["", "## Figures", ""] + [f"- [{name}]({name}): {text}" for name, text in FIGURES.items()]
    lines += ["", "## Time per stage (s)", ""]
    lines += [f"- {stage}: {seconds:.1f}" for stage, seconds in report["timings"].items()]
    return "\n".join(lines) + "\n"


def _verdict_lines(report: dict) -> list:
    """One line per baseline for the first synthetic row, then its standing against the floor and memorisation."""
    primary, headline = report["primary"], report["headline"]
    titles = {row["row"]: row["title"] for row in report["table"]}
    verdict, checks = report["verdicts"][primary], list(headline[primary])
    silent = [{**ROW_TITLES, **titles}[name] for name in report.get("sets_without_spikes", [])]
    lines = [f"- **no spikes were found in {', '.join(silent)}**: the spike checks say nothing about "
             f"{'it' if len(silent) == 1 else 'them'}"] if silent else []  # fmt: skip
    for baseline, beaten in verdict["beats"].items():
        lost = beats_on(headline, baseline, primary)
        ties = len(checks) - len(beaten) - len(lost)
        winnable = _winnable(report, baseline, titles[primary]) if "floor" in headline else ""
        lines.append(f"- **{titles[primary]} vs {titles[baseline]}: beats on {len(beaten)}, ties on {ties}, loses on "
                     f"{len(lost)} of {len(checks)} headline checks**" + _named(("beats", beaten), ("loses", lost))
                     + winnable)  # fmt: skip
    if "floor" in headline:
        worse = verdict["worse_than_floor"]
        lines.append(f"- worse than real-versus-real on {len(worse)} of {len(checks)} headline checks"
                     + _named(("worse", worse)))  # fmt: skip
    if "memorisation" in report:
        lines.append("- memorisation: " + ("copies its training data" if verdict["memorised"] else
                                           "no copies of the training data"))  # fmt: skip
    return lines


def _winnable(report: dict, baseline: str, title: str) -> str:
    """How many of the checks on which real-versus-real beats ``baseline`` the primary row (``title``) beats it on."""
    winnable, won = winnable_won(report["verdicts"], report["primary"], baseline)
    return f"; real versus real beats it on {len(winnable)}, and {title} on {len(won)} of those"


def _named(*groups) -> str:
    named = "; ".join(f"{label}: {', '.join(checks)}" for label, checks in groups if checks)
    return f" ({named})" if named else ""


def _headline_lines(report: dict) -> list:
    """The headline table (value and interval per row and check) and every row's verdict."""
    headline, titles = report["headline"], {row["row"]: row["title"] for row in report["table"]}
    lines = ["", "## Headline checks: distributions over windows (KL in nats, lower is closer; precision and recall, "
             "higher is better)", "", "| | " + " | ".join(CHECK_TITLES[name] for name in CHECKS) + " |",
             "| --- | " + " | ".join("---:" for _ in CHECKS) + " |"]  # fmt: skip
    for row, scores in headline.items():
        cells = [f"{scores[name]['value']:.3f} [{scores[name]['interval'][0]:.3f}, {scores[name]['interval'][1]:.3f}]"
                 if name in scores else "–" for name in CHECKS]  # fmt: skip
        lines.append(f"| {titles[row]} | " + " | ".join(cells) + " |")
    baselines = sorted({baseline for verdict in report["verdicts"].values() for baseline in verdict["beats"]})
    lines += ["", "| row | worse than the floor on | " + " | ".join(f"beats {titles[b]} on" for b in baselines)
              + " | memorised |", "| --- |" + " --- |" * (len(baselines) + 2)]  # fmt: skip
    for row, verdict in report["verdicts"].items():
        cells = [", ".join(verdict["worse_than_floor"]) or "–"]
        cells += [", ".join(verdict["beats"].get(b, [])) or "–" for b in baselines]
        lines.append(f"| {titles[row]} | " + " | ".join(cells) + f" | {'yes' if verdict['memorised'] else 'no'} |")
    better = ", ".join(CHECK_TITLES[name] for name in sorted(HIGHER_IS_BETTER))
    return lines + ["", "A row is worse than the floor, or beats another row, on a check when the two "
                    f"{100 * INTERVAL_LEVEL:.0f}% intervals do not overlap ({better}: higher is better). Each KL "
                    "compares how a quantity is distributed over the windows of a set, so a set of average-looking "
                    "or repeated windows scores badly; precision and recall (Kynkäänniemi et al. 2019) are taken "
                    "over six summaries of each window's traces (level, population fluctuation, neuron spread, "
                    "autocorrelation, rise/decay skew, pair correlation). Memorisation is checked where training "
                    "data are known."]  # fmt: skip


def _real_data(report: dict) -> str:
    """How the report names its real set: held out, or what is known against it."""
    real = report["real_data"]
    if real["held_out"]:
        return "held-out real data"
    if real["frames_in_training"] is None:
        return "real data, not known to be held out (no training data given)"
    return f"real data, {100 * real['frames_in_training']:.0f}% of whose frames are training data"


def _fit_adjustments(adjustments: dict) -> str:
    """How far the dichotomized Gaussian had to move from the spikes' statistics, if at all."""
    if not adjustments["clipped_pairs"] and not adjustments["largest_projection_change"]:
        return "; the dichotomized Gaussian matches every rate and pairwise covariance"
    return (f"; the dichotomized Gaussian clipped {adjustments['clipped_pairs']} unreachable pairs and, its latent "
            f"matrix having smallest eigenvalue {adjustments['smallest_eigenvalue']:.3g}, moved latent correlations by "
            f"up to {adjustments['largest_projection_change']:.3g} to the nearest valid matrix")  # fmt: skip


def _edge_lines(edges: dict, titles: dict) -> list:
    """The window-edge table: each set's first and last frames relative to its middle half."""
    with_traces = all("frame_difference" in ratios for ratios in edges.values())

    def cells(ratios: dict) -> str:
        keys = ("frame_difference", "spike_rate") if with_traces else ("spike_rate",)
        return " | ".join(f"{first:.2f} | {last:.2f}" for first, last in (ratios[key] for key in keys))

    heading = "| set | " + ("|Δ| first | |Δ| last | " if with_traces else "") + "spikes first | spikes last |"
    lines = ["", "## Window edges (first and last frame over the middle half)", "", heading,
             "| --- |" + " ---: |" * (4 if with_traces else 2)]  # fmt: skip
    lines += [f"| {titles.get(name, name)} | {cells(ratios)} |" for name, ratios in edges.items()]
    note = ("1.00 is an edge like the middle. |Δ|: mean frame-to-frame change of the traces; spikes: mean "
            "inferred spikes per frame. OASIS puts no spike in a window's first frame (it takes that frame's "
            "calcium as the starting level), so 'spikes first' is 0.00 for every set, and it sees no frames "
            "beyond a window, which raises every set's last-frame spikes alike; a generator's own artefacts "
            "show as a difference from the real row.")
    return lines + ["", note]


def _with_interval(row: dict, statistic: str) -> str:
    low, high = row["interval"][statistic]
    return f"{row[statistic]:.4f} [{low:.3f}, {high:.3f}]"


def _inference_details(report: dict) -> str:
    settings, calibration = report["settings"], report["calibration"]
    if settings["spike_inference"] == "fixed":
        return (f"decay {settings['decay']}, minimum spike {settings['min_spike']}, threshold "
                f"{settings['threshold']}")  # fmt: skip
    medians = {name: "none" if calibration[f"median_{name}"] is None else f"{calibration[f'median_{name}']:.3g}"
               for name in ("decay", "noise", "min_spike", "spike_size")}  # fmt: skip
    fitted = (f"per-neuron values fitted on {calibration['fitted_on']}: median decay {medians['decay']}, "
              f"noise {medians['noise']}, minimum spike {medians['min_spike']}, "
              f"spike size {medians['spike_size']}")  # fmt: skip
    return fitted if settings["spike_inference"] == "calibrated" else "per-window estimates; " + fitted.replace(
        "per-neuron values", "calibration for the baselines' traces")


def write_report(evaluation, out) -> pathlib.Path:
    """Draw the figures and write report.json and report.md into folder ``out``."""
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    draw_figures(evaluation, out)
    report = report_dict(evaluation)
    write_texts_atomic({out / "report.json": json.dumps(report, indent=1), out / "report.md": _markdown(report)})
    return out
