"""Does the label steer the samples? Per-label statistics of generated windows against held-out real ones.

For every pair of labels (k, j): Pearson's r over neurons between the per-neuron mean (and the
per-neuron std) of the windows generated with label k and of the held-out real windows of label j.
A generator that follows its label has its largest r on the diagonal; ``matched`` is the fraction
of labels k whose best-matching real label, by the per-neuron means, is k itself (chance 1 / K).
The critic's own accuracy on generated labels cannot show this: it is trained on those labels.
"""

import numpy as np

from calciumgan.core.errors import RecordingError


def neuron_profiles(windows) -> tuple:
    """(mean, std), each (N,) float64, of (windows, frames, N) windows over windows and frames."""
    values = np.asarray(windows, np.float64).reshape(-1, np.shape(windows)[-1])
    return values.mean(axis=0), values.std(axis=0)


def label_agreement(samples, sample_labels, real, real_labels, num_classes: int) -> dict:
    """``{"mean_correlation", "std_correlation": K x K lists (generated label, real label), "matched"}``.

    ``samples`` (K_s, window, N) with ``sample_labels`` (K_s,); ``real`` (K_r, window, N) with
    ``real_labels`` (K_r,); every label in 0 .. num_classes - 1 must occur in both.
    """
    profiles = []
    for windows, labels, name in ((samples, sample_labels, "samples"), (real, real_labels, "real windows")):
        labels = np.asarray(labels)
        missing = sorted(set(range(num_classes)) - set(labels.tolist()))
        if missing:
            raise RecordingError(f"{name}: no window of label(s) {missing}")
        profiles.append([neuron_profiles(np.asarray(windows)[labels == label]) for label in range(num_classes)])
    generated, held_out = profiles
    result = {}
    for index, statistic in enumerate(("mean", "std")):
        result[f"{statistic}_correlation"] = [
            [float(np.corrcoef(generated[k][index], held_out[j][index])[0, 1]) for j in range(num_classes)]
            for k in range(num_classes)
        ]
    matrix = np.array(result["mean_correlation"])
    result["matched"] = float(np.mean(np.argmax(matrix, axis=1) == np.arange(num_classes)))
    return result
