"""How well predicted rates match held-out responses, per neuron, beside the oracle ceiling.

Three correlations over the test images, each Pearson's r per neuron:

- ``single_trial``: prediction against every recorded single-trial count (the prediction repeated
  for each trial of its image). This is what the oracle correlation bounds: a model that knew
  the true rates would score about the oracle (a little above it, since the oracle's
  leave-one-out mean is itself noisy);
- ``trial_mean``: prediction against each image's mean count over its trials (the quantity the
  validation correlation of early stopping uses);
- ``true_rate``: prediction against the true expected count, for a simulation (1 is perfect).
"""

import numpy as np

from exciting_inputs.oracle import masked_pearson, trial_means


def response_correlations(predicted, responses, true_rates=None) -> dict:
    """``{"single_trial", "trial_mean"[, "true_rate"]: (neurons,) float64}`` for (images, neurons)
    ``predicted`` and (trials, images, neurons) ``responses`` (NaN: missing trial) of the same images."""
    predicted = np.asarray(predicted, np.float64)
    responses = np.asarray(responses, np.float64)
    neurons = predicted.shape[1]
    recorded = ~np.isnan(responses)
    repeated = np.broadcast_to(predicted, responses.shape).reshape(-1, neurons)
    single = np.where(recorded, responses, 0.0).reshape(-1, neurons)
    means = trial_means(responses)
    correlations = {
        "single_trial": masked_pearson(repeated, single, recorded.reshape(-1, neurons)),
        "trial_mean": masked_pearson(predicted, np.nan_to_num(means), np.isfinite(means)),
    }
    if true_rates is not None:
        correlations["true_rate"] = masked_pearson(predicted, np.asarray(true_rates, np.float64),
                                                   np.ones(predicted.shape, bool))  # fmt: skip
    return correlations
