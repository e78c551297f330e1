"""What a trial is scored by: how far its generator's samples sit from the held-out data.

``realism`` (the default): the mean over the three Table 4.3 statistics (firing rate,
pairwise correlation, van Rossum distance) of the model's mean KL divergence divided by the
real-versus-real floor's, both from one ``calciumgan.evaluation`` of the trial's run on its
held-out block; 1.0 is as close as two blocks of real data. ``kl``: the plain mean of the three
KLs (nats). ``headline``: the mean over the ten headline checks (``calciumgan.evaluation.headline``)
of the model's value over the floor's for the KL checks and the floor's over the model's for
precision and recall, so that 1.0 is again as good as real data; the checks a set of average or
copied windows cannot pass. Lower is better for all three.
"""

import math

from calciumgan.evaluation.headline import CHECKS, HIGHER_IS_BETTER
from calciumgan.evaluation.scoring import STATISTICS

TABLE_4_3 = STATISTICS[:3]  # firing_rate, correlation, van_rossum
SMALLEST_FLOOR = 1e-3  # nats: a floor below this (near-identical blocks) divides as this
SMALLEST_COVERAGE = 0.01  # a precision or recall below this divides as this


def objective_parts(kind: str, evaluation) -> dict:
    """Per statistic or check of objective ``kind``: the model's value (``"kl"`` or ``"value"``) and its
    ``"ratio"`` to the floor's, from a ``calciumgan.evaluation.pipeline.Evaluation`` with a floor row."""
    if kind == "headline":
        model, floor = evaluation.extras["headline"]["model"], evaluation.extras["headline"]["floor"]
        return {name: {"value": model[name]["value"], "ratio": _headline_ratio(name, model, floor)}
                for name in CHECKS if name in model}  # fmt: skip
    table = evaluation.table()
    model, floor = table["model"], table["floor"]
    return {name: {"kl": model[name], "ratio": model[name] / max(floor[name], SMALLEST_FLOOR)} for name in TABLE_4_3}


def _headline_ratio(name: str, model: dict, floor: dict) -> float:
    """The model's value over the floor's (KL), or the floor's over the model's (precision, recall)."""
    if name in HIGHER_IS_BETTER:
        return max(floor[name]["value"], SMALLEST_COVERAGE) / max(model[name]["value"], SMALLEST_COVERAGE)
    return model[name]["value"] / max(floor[name]["value"], SMALLEST_FLOOR)


def objective_value(kind: str, parts: dict) -> float:
    """The trial's score under objective ``kind`` ("realism", "kl" or "headline"); NaN if any part is."""
    key = "kl" if kind == "kl" else "ratio"
    values = [part[key] for part in parts.values()]
    return math.fsum(values) / len(values)
