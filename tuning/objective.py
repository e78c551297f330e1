"""What a trial is scored by: how far its generator's samples sit from the held-out data.

``realism`` (the default): the mean over the three Table 4.3 statistics (firing rate,
pairwise correlation, van Rossum distance) of the model's mean KL divergence divided by the
real-versus-real floor's, both from one ``calciumgan.evaluation`` of the trial's run on its
held-out block; 1.0 is as close as two blocks of real data. ``kl``: the plain mean of the three
KLs (nats). Lower is better for both.
"""

import math

from calciumgan.evaluation.scoring import STATISTICS

TABLE_4_3 = STATISTICS[:3]  # firing_rate, correlation, van_rossum
SMALLEST_FLOOR = 1e-3  # nats: a floor below this (near-identical blocks) divides as this


def objective_parts(table: dict) -> dict:
    """Per statistic: ``{"kl": model KL, "ratio": model KL / floor KL}`` from an evaluation's table."""
    model, floor = table["model"], table["floor"]
    return {name: {"kl": model[name], "ratio": model[name] / max(floor[name], SMALLEST_FLOOR)} for name in TABLE_4_3}


def objective_value(kind: str, parts: dict) -> float:
    """The trial's score under objective ``kind`` ("realism" or "kl"); NaN if any part is."""
    key = "ratio" if kind == "realism" else "kl"
    values = [part[key] for part in parts.values()]
    return math.fsum(values) / len(values)
