"""A simulated visual population with known ground truth (it stands in for Allen Brain Observatory data).

- ``gabor``       even and odd Gabor receptive-field filters on a pixel grid
- ``population``  simple and complex (energy-model) cells: expected rates, Poisson trials, optimal stimuli
- ``session``     a recording session (``exciting_inputs.dataset.ResponseDataset``) from a ``SimulationConfig``:
                  generated images, a random population, Poisson trials (``simulate_session``)
"""

from exciting_inputs.simulation.gabor import gabor_filters
from exciting_inputs.simulation.population import KINDS, Population, random_population

__all__ = ["KINDS", "Population", "gabor_filters", "random_population"]
