"""The evaluate section's settings: where spike inference's "auto" is decided."""

import pytest

from calciumgan.evaluation.settings import EvaluateConfig


@pytest.mark.parametrize("source, mode", [("surrogate:day1", "fixed"), ("surrogate:day4", "fixed"),
                                          ("surrogate:dff_day4", "calibrated"), ("suite2p/plane0", "calibrated"),
                                          ("file", "calibrated")])  # fmt: skip
def test_auto_is_the_fixed_rule_on_the_dichotomized_gaussian_surrogates_only(source, mode):
    resolved = EvaluateConfig(num_samples=7).resolved(source)
    assert resolved == EvaluateConfig(num_samples=7, spike_inference=mode)


def test_a_chosen_mode_is_kept_and_auto_must_be_resolved_first():
    estimated = EvaluateConfig(spike_inference="estimated")
    assert estimated.resolved("surrogate:day4") is estimated
    with pytest.raises(ValueError, match=r"resolve spike_inference 'auto' to a mode first \(EvaluateConfig.resolved\)"):
        EvaluateConfig().spike_settings()
