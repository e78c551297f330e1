import json

from calciumgan.config import EvaluateConfig
from calciumgan.evaluation.edges import rate_ratios
from calciumgan.evaluation.pipeline import evaluate_arrays
from calciumgan.evaluation.report import FIGURES, ROW_TITLES, write_report


def test_the_report_shows_what_the_evaluation_computed(tmp_path, surrogate_traces):
    traces = surrogate_traces(num_frames=6 * 480, num_neurons=5, rate_hz=1.0)[1].reshape(6, 480, 5)
    evaluation = evaluate_arrays(traces, traces[::-1], 24.0, EvaluateConfig(heatmap_samples=3, workers=1),
                                 model_title="my VAE")  # fmt: skip
    write_report(evaluation, tmp_path)
    report = json.loads((tmp_path / "report.json").read_text())
    titles = {**ROW_TITLES, "model": "my VAE"}  # the caller names the synthetic row
    assert [row["title"] for row in report["table"]] == [titles[name] for name in evaluation.table()]
    assert {row["row"]: {key: row[key] for key in evaluation.table()["model"]} for row in report["table"]} == (
        evaluation.table()
    )
    assert report["counts"]["mean_firing_rate_hz"] == evaluation.mean_firing_rates()
    assert report["source"]["real"] == "real traces (6, 480, 5)" and report["source"]["window"] == 480
    assert report["edges"]["model"]["spike_rate"] == list(rate_ratios(evaluation.spikes["model"]))
    markdown = (tmp_path / "report.md").read_text()
    assert "| dichotomized Gaussian |" in markdown and "## Window edges" in markdown
    # the KL, headline, verdict and edge tables
    assert markdown.count("| my VAE |") == 4 and "CalciumGAN (this run)" not in markdown
    assert report["verdicts"] == evaluation.extras["verdicts"] and report["primary"] == "model"
    beaten = report["verdicts"]["model"]["beats"]
    opening = markdown.splitlines()[2:4]  # one line per baseline, first
    for line, (baseline, title) in zip(opening, [("dichotomized_gaussian", "dichotomized Gaussian"),
                                                 ("poisson", "independent Poisson")], strict=True):  # fmt: skip
        assert line.startswith(f"- **my VAE vs {title}: beats on {len(beaten[baseline])}, ties on "), line
    for figure in FIGURES:
        assert (tmp_path / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sets_without_spikes_are_named_once_and_leave_no_nan(tmp_path, surrogate_traces, caplog):
    """Flat traces (noise of 1e-3 on 1): no spike anywhere in the real set; the model row has real transients."""
    import warnings

    import numpy as np

    flat = (1 + 1e-3 * np.random.default_rng(0).standard_normal((6, 480, 5))).astype(np.float32)
    spiking = surrogate_traces(num_frames=6 * 480, num_neurons=5, rate_hz=1.0)[1].reshape(6, 480, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning (an all-NaN median, a 0/0) on the way
        evaluation = evaluate_arrays(flat, spiking, 24.0, EvaluateConfig(heatmap_samples=3, workers=1))
        write_report(evaluation, tmp_path)
    report = json.loads((tmp_path / "report.json").read_text())
    assert "real" in report["sets_without_spikes"] and "model" not in report["sets_without_spikes"]
    assert report["verdicts"]["model"]["spikes_found"]
    assert [record.levelname for record in caplog.records if "no spikes were found" in record.message] == ["WARNING"]
    medians = [value for key, value in report["calibration"].items() if key.startswith("median_")]
    assert len(medians) == 5 and all(value is None or np.isfinite(value) for value in medians)
    markdown = (tmp_path / "report.md").read_text()
    assert markdown.splitlines()[2].startswith("- **no spikes were found in real (held-out windows)")


def test_the_verdict_counts_the_checks_real_data_win():
    """The floor beats DG on firing rate and recall only; the model beats DG on recall and trace levels."""
    from calciumgan.evaluation.headline import verdicts
    from calciumgan.evaluation.report import _verdict_lines

    def scores(firing_rate, trace_levels, recall):
        return {"firing_rate": {"value": firing_rate[0], "interval": firing_rate},
                "trace_levels": {"value": trace_levels[0], "interval": trace_levels},
                "recall": {"value": recall[0], "interval": recall}}  # fmt: skip

    headline = {"floor": scores((0.1, 0.2), (0.3, 0.5), (0.8, 0.9)),
                "model": scores((0.25, 0.4), (0.1, 0.2), (0.7, 0.8)),
                "dichotomized_gaussian": scores((0.3, 0.4), (0.3, 0.4), (0.1, 0.2))}  # fmt: skip
    titles = {"floor": "real vs real", "model": "my GAN", "dichotomized_gaussian": "DG"}
    report = {"primary": "model", "headline": headline, "table": [{"row": r, "title": t} for r, t in titles.items()],
              "verdicts": verdicts(headline, {}, ("dichotomized_gaussian",))}  # fmt: skip
    assert _verdict_lines(report)[0] == (
        "- **my GAN vs DG: beats on 2, ties on 1, loses on 0 of 3 headline checks** (beats: trace_levels, recall); "
        "real versus real beats it on 2, and my GAN on 1 of those")
