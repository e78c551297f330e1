"""The report: rows per fitted neuron, NaN as null, the markdown table and the figure."""

import json

import numpy as np

from exciting_inputs.dataset import ResponseDataset
from exciting_inputs.report import build_report, write_report
from exciting_inputs.simulation import KINDS, Population


def report_inputs():
    kinds = np.array([KINDS.index("simple"), KINDS.index("complex"), KINDS.index("simple")])
    population = Population(8, 10, kind=kinds, centre_x=np.full(3, 4.0), centre_y=np.full(3, 4.0),
                            sigma=np.ones(3), aspect=np.ones(3), orientation=np.zeros(3), wavelength=np.full(3, 3.0),
                            phase=np.zeros(3), baseline=np.ones(3), gain=np.ones(3),
                            noiseless=np.array([True, False, False]))  # fmt: skip
    dataset = ResponseDataset(np.full((6, 8, 10), 0.5), np.ones((2, 6, 3)), population, source="sim")
    selection = {"oracle": np.array([1.0, np.nan, 0.5]), "variance": np.array([2.0, 0.0, 1.0]),
                 "selected": np.array([True, False, True])}  # fmt: skip
    correlations = {"single_trial": np.array([0.9, 0.25]), "trial_mean": np.array([0.95, 0.5]),
                    "true_rate": np.array([0.97, 0.8])}  # fmt: skip
    history = {"loss": [1.0, 0.5, 0.7], "val_correlation": [0.2, 0.6, 0.4], "best_epoch": 2}
    split = {"train": np.arange(4), "validation": np.array([4]), "test": np.array([5])}
    return dataset, selection, np.array([0, 2]), correlations, history, split


def test_report_rows_and_summary_are_the_given_numbers(tmp_path):
    report = build_report(*report_inputs(), trainable_parameters=1234)
    rows, summary = report["rows"], report["summary"]
    assert [row["neuron"] for row in rows] == [0, 2] and [row["kind"] for row in rows] == ["simple", "simple"]
    assert rows[0]["noiseless"] and rows[1]["fraction_of_oracle"] == 0.5 and rows[1]["test_true_rate"] == 0.8
    assert summary["images"] == {"train": 4, "validation": 1, "test": 1} and summary["selected_neurons"] == 2
    assert summary["best_validation_correlation"] == 0.6 and summary["epochs_run"] == 3
    assert summary["means"]["oracle"] == 0.75 and summary["means"]["test_single_trial"] == 0.575
    paths = write_report(report, tmp_path / "report")
    assert [path.name for path in paths] == ["report.json", "report.md", "test_vs_oracle.png"]
    assert json.loads(paths[0].read_text()) == report
    table = paths[1].read_text()
    assert "| 2 | simple | 0.500 | 0.250 | 0.500 | 0.500 | 0.800 |" in table and "1,234 trainable" in table
    assert paths[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_undefined_oracle_is_null_in_the_json_and_na_in_the_table(tmp_path):
    dataset, selection, _, correlations, history, split = report_inputs()
    report = build_report(dataset, selection, np.array([1, 2]), correlations, history, split, 10)
    assert report["rows"][0]["oracle"] is None and report["rows"][0]["fraction_of_oracle"] is None
    assert report["summary"]["means"]["oracle"] == 0.5
    write_report(report, tmp_path)
    assert "| 1 | complex | n/a | 0.900 | n/a |" in (tmp_path / "report.md").read_text()
