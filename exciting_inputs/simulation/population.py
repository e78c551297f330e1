"""A simulated population of V1-like neurons with known receptive fields and known optimal stimuli.

Two kinds of cells, each with a Gabor receptive field (``exciting_inputs.simulation.gabor``):

- a **simple cell** rectifies its linear drive: ``rate = baseline + gain * max(0, <even, image>)``;
- a **complex cell** (energy model) sums the squared drives of a quadrature pair:
  ``rate = baseline + gain * (<even, image>^2 + <odd, image>^2)``.

Rates are expected spike counts per trial (one showing of an image; the Allen natural scenes
last 0.25 s, so 1 count is 4 Hz). A trial's count is Poisson with that mean, except for *noiseless*
neurons, whose every trial is the rate itself (tests use them: their oracle correlation is 1).

Because the response is known, so is each neuron's **optimal stimulus** under the MEI's
constraint of a fixed mean luminance m and standard deviation (contrast) c: the unit direction h
that maximises the response among images ``m + c h / std(h)``. For a simple cell h is its even
filter; for a complex cell, the energy ``<even, h>^2 + <odd, h>^2`` is the quadratic form of the
pair's Gram matrix, so h is the pair combined by that matrix's top eigenvector: the quadrature
Gabor at its best phase (for an exact quadrature pair every phase is equally good). The box
[0, 1] is not imposed: for a small receptive field and a large c the optimum leaves it, and
comparisons with an MEI use correlation, which the scaling does not change.
"""

import dataclasses

import numpy as np

from calciumgan.core.errors import RecordingError
from exciting_inputs.simulation.gabor import gabor_filters

KINDS = ("simple", "complex")
PARAMETERS = ("kind", "centre_x", "centre_y", "sigma", "aspect", "orientation", "wavelength", "phase", "baseline",
              "gain", "noiseless")  # fmt: skip
DTYPES = {"kind": np.int64, "noiseless": bool}  # the others are float64
LOWER_BOUNDS = {"sigma": 0.5, "wavelength": 2.0, "aspect": 1e-3, "baseline": 0.0, "gain": 0.0}  # sigma, wavelength: px


@dataclasses.dataclass(frozen=True, eq=False)
class Population:
    """Neuron parameters, each a (neurons,) array, for images of ``height`` x ``width`` pixels.

    ``kind``: index into ``KINDS``; positions, sizes and wavelengths in pixels (``sigma``: the
    envelope's standard deviation; ``aspect``: its width across the stripes relative to along
    them is 1 / aspect); angles in radians; ``baseline`` (counts per trial) and ``gain`` (counts per
    trial per unit drive, or per unit squared drive for complex cells); ``noiseless`` (bool).
    """

    height: int
    width: int
    kind: np.ndarray
    centre_x: np.ndarray
    centre_y: np.ndarray
    sigma: np.ndarray
    aspect: np.ndarray
    orientation: np.ndarray
    wavelength: np.ndarray
    phase: np.ndarray
    baseline: np.ndarray
    gain: np.ndarray
    noiseless: np.ndarray

    def __post_init__(self):
        count = len(self.kind)
        for name in PARAMETERS:
            value = np.asarray(getattr(self, name), DTYPES.get(name, np.float64))
            if value.shape != (count,):
                raise RecordingError(f"neuron parameter '{name}' has shape {value.shape}, expected ({count},)")
            if not np.all(np.isfinite(value)):
                raise RecordingError(f"neuron parameter '{name}' has a value that is not finite")
            object.__setattr__(self, name, value)
        for name, low in LOWER_BOUNDS.items():
            smallest = getattr(self, name).min(initial=np.inf)
            if smallest < low:
                raise RecordingError(f"neuron parameter '{name}' must be at least {low}, got {smallest}")
        if np.any(~np.isin(self.kind, range(len(KINDS)))):
            raise RecordingError(f"neuron parameter 'kind' must index {KINDS}, got {sorted(set(self.kind.tolist()))}")

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def is_complex(self) -> np.ndarray:
        return self.kind == KINDS.index("complex")

    def filters(self) -> np.ndarray:
        """(neurons, 2, height, width) float64 even and odd receptive-field filters."""
        return gabor_filters(self.height, self.width, self.centre_x, self.centre_y, self.sigma, self.orientation,
                             self.wavelength, self.phase, self.aspect)  # fmt: skip

    def drives(self, images) -> np.ndarray:
        """(images, neurons) float64: max(0, even drive) for simple cells, the pair's energy for complex cells."""
        images = self._checked_images(images)
        filters = self.filters().reshape(len(self), 2, -1)
        even = images @ filters[:, 0].T
        odd = images @ filters[:, 1].T
        return np.where(self.is_complex, even**2 + odd**2, np.maximum(even, 0.0))

    def true_response(self, images) -> np.ndarray:
        """(images, neurons) float64 expected spike counts per trial for (images, height, width) images."""
        return self.baseline + self.gain * self.drives(images)

    def sample_responses(self, images, trials: int, seed: int = 0) -> np.ndarray:
        """(trials, images, neurons) float32 spike counts: Poisson draws around ``true_response``.

        Noiseless neurons repeat their expected count in every trial.
        """
        rates = self.true_response(images)
        counts = np.random.default_rng(seed).poisson(rates, size=(trials, *rates.shape)).astype(np.float64)
        return np.where(self.noiseless, rates, counts).astype(np.float32)

    def optimal_stimulus(self, neuron: int, mean: float, std: float) -> np.ndarray:
        """(height, width) float64 image of mean ``mean`` and standard deviation ``std`` that excites
        ``neuron`` most (see the module docstring)."""
        if not 0 <= neuron < len(self):
            raise IndexError(f"neuron {neuron} out of range for {len(self)} neurons")
        even, odd = self.filters()[neuron].reshape(2, -1)
        if self.is_complex[neuron]:
            pair = np.stack([even, odd])
            _, vectors = np.linalg.eigh(pair @ pair.T)  # eigenvalues ascending
            top = vectors[:, -1] * np.sign(vectors[0, -1] or 1.0)
            direction = top @ pair
        else:
            direction = even
        direction = direction - direction.mean()
        return (mean + std * direction / direction.std()).reshape(self.height, self.width)

    def parameters(self) -> dict:
        """``{name: (neurons,) array}`` of every parameter in ``PARAMETERS``."""
        return {name: getattr(self, name) for name in PARAMETERS}

    def _checked_images(self, images) -> np.ndarray:
        images = np.asarray(images, np.float64)
        if images.ndim != 3 or images.shape[1:] != (self.height, self.width):
            raise RecordingError(f"images of shape {images.shape}: expected (images, {self.height}, {self.width})")
        return images.reshape(len(images), -1)


def random_population(images, num_neurons: int, *, complex_fraction: float = 0.5, noiseless: int = 0,
                      sigma_range=(0.05, 0.09), wavelength_range=(2.5, 4.0), aspect_range=(0.6, 1.0),
                      mean_count_range=(0.5, 5.0), baseline_fraction_range=(0.1, 0.4), centre_extent: float = 0.5,
                      seed: int = 0) -> Population:  # fmt: skip
    """A population with random receptive fields whose mean rates over ``images`` are as drawn.

    ``images``: (images, height, width) in [0, 1], used only to set each neuron's gain. Ranges are
    (low, high) of uniform draws: ``sigma_range`` in image heights, ``wavelength_range`` in sigmas
    (a bandwidth of about 1-1.5 octaves), ``aspect_range``; ``mean_count_range`` (counts per trial)
    log-uniform; ``baseline_fraction_range`` the baseline as a fraction of the mean rate. Centres are
    uniform over the central ``centre_extent`` of each image axis (as a recording's stimuli are centred
    on the neurons' receptive fields), and at least 2.5 sigma from the border; orientations in [0, pi),
    phases in [0, 2 pi).
    The first ``noiseless`` neurons are noiseless; ``complex_fraction`` of all neurons (rounded) are
    complex cells, placed at random.
    """
    images = np.asarray(images, np.float64)
    if images.ndim != 3 or len(images) < 1:
        raise RecordingError(f"images of shape {images.shape}: expected (images, height, width)")
    if not 0 <= noiseless <= num_neurons:
        raise RecordingError(f"noiseless neurons {noiseless}: must be between 0 and the {num_neurons} neurons")
    _, height, width = images.shape
    rng = np.random.default_rng(seed)
    kind = np.zeros(num_neurons, np.int64)
    kind[rng.permutation(num_neurons)[: round(complex_fraction * num_neurons)]] = KINDS.index("complex")
    sigma = rng.uniform(*sigma_range, num_neurons) * height
    sizes = np.array([[height], [width]])  # (2, 1), then (2, neurons) margins from each border
    margin = np.minimum(np.maximum(2.5 * sigma, (1 - centre_extent) / 2 * (sizes - 1)), (sizes - 1) / 2)
    centre_y, centre_x = rng.uniform(margin, sizes - 1 - margin)
    mean_count = np.exp(rng.uniform(*np.log(mean_count_range), num_neurons))
    baseline = rng.uniform(*baseline_fraction_range, num_neurons) * mean_count
    shape = dict(kind=kind, centre_x=centre_x, centre_y=centre_y, sigma=sigma,
                 aspect=rng.uniform(*aspect_range, num_neurons), orientation=rng.uniform(0, np.pi, num_neurons),
                 wavelength=sigma * rng.uniform(*wavelength_range, num_neurons),
                 phase=rng.uniform(0, 2 * np.pi, num_neurons), baseline=baseline,
                 noiseless=np.arange(num_neurons) < noiseless)  # fmt: skip
    unit = Population(height, width, gain=np.ones(num_neurons), **shape)
    mean_drive = unit.drives(images).mean(axis=0)
    if np.any(mean_drive <= 0):
        raise RecordingError(f"neuron {int(np.argmin(mean_drive))} is never driven by the {len(images)} images")
    return dataclasses.replace(unit, gain=(mean_count - baseline) / mean_drive)
