"""Most exciting inputs (Walker et al. 2019) and their comparison with Gabor patches.

- ``filters``     the per-step image operations: Fourier smoothing of the gradient, Gaussian blur with
                  the annealed width, min-max rescaling (``keras.ops``), and the blur schedule
- ``ascent``      gradient ascent on the input image of a response model, as a Keras optimizer, so that
                  either backend takes the input gradient (``optimise_mei``)
- ``comparison``  luminance and contrast in a circular mask, symmetry indices of the angular power
                  spectrum, and (with the true neurons) the MEI against the true optimal stimulus
- ``stage``       the ``exciting_inputs.optimise`` stage: MEIs of the fitted neurons, ``meis.h5`` and ``report/``
"""

from exciting_inputs.optimisation.comparison import gabor_statistics, symmetry_indices, truth_correlation
from exciting_inputs.optimisation.filters import blur_schedule, fourier_filter

__all__ = ["blur_schedule", "fourier_filter", "gabor_statistics", "symmetry_indices", "truth_correlation"]
