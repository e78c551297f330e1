"""The MEI experiment's data: images, repeated-trial responses and (for a simulation) the true neurons.

=============== ============================================================================
``images``      (images, height, width) float32 greyscale in [0, 1]
``responses``   (trials, images, neurons) float32 spike counts per trial; NaN marks a trial that
                was not recorded (every recorded trial counts, zero spikes included)
``population``  the simulated neurons (``exciting_inputs.simulation.Population``), or None for a recording
=============== ============================================================================

One HDF5 file holds it: datasets ``images`` and ``responses``, and for a simulation a group
``neurons`` with one (neurons,) dataset per parameter and the image size as attributes.
"""

import dataclasses
import pathlib

import h5py
import numpy as np

from calciumgan.core.errors import ConfigError, RecordingError
from calciumgan.core.files import atomic_hdf5, open_hdf5
from exciting_inputs.oracle import checked_responses
from exciting_inputs.simulation.population import PARAMETERS, Population

SETS = ("train", "validation", "test")


@dataclasses.dataclass(frozen=True, eq=False)
class ResponseDataset:
    """Images, responses and the optional true population (see the module docstring)."""

    images: np.ndarray
    responses: np.ndarray
    population: Population | None = None
    source: str = "simulation"

    def __post_init__(self):
        images = np.asarray(self.images, np.float32)
        responses = checked_responses(self.responses).astype(np.float32)
        if images.ndim != 3 or len(images) != responses.shape[1]:
            raise RecordingError(f"{self.source}: images {images.shape} must be (images, height, width) with as many "
                                 f"images as the responses {responses.shape} (trials, images, neurons)")  # fmt: skip
        if not (np.all(np.isfinite(images)) and images.min() >= 0 and images.max() <= 1):
            raise RecordingError(f"{self.source}: image values must be finite and in [0, 1]")
        population = self.population
        if population is not None and (len(population) != responses.shape[2]
                                       or (population.height, population.width) != images.shape[1:]):  # fmt: skip
            raise RecordingError(f"{self.source}: the population ({len(population)} neurons for "
                                 f"{population.height} x {population.width} images) does not match the images "
                                 f"{images.shape} and responses {responses.shape}")  # fmt: skip
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "responses", responses)

    @property
    def num_neurons(self) -> int:
        return self.responses.shape[2]


def save_dataset(dataset: ResponseDataset, path) -> pathlib.Path:
    """Write ``dataset`` to one HDF5 file at ``path`` (atomically); return the path."""
    path = pathlib.Path(path)
    with atomic_hdf5(path) as file:
        file.create_dataset("images", data=dataset.images, compression="gzip")
        file.create_dataset("responses", data=dataset.responses, compression="gzip")
        file.attrs["source"] = dataset.source
        if dataset.population is not None:
            group = file.create_group("neurons")
            group.attrs["height"], group.attrs["width"] = dataset.population.height, dataset.population.width
            for name, values in dataset.population.parameters().items():
                group.create_dataset(name, data=values)
    return path


def load_dataset(path) -> ResponseDataset:
    """Read a file written by :func:`save_dataset`; errors name the file and the key at fault."""
    path = pathlib.Path(path)
    with open_hdf5(path) as file:
        missing = [name for name in ("images", "responses") if not isinstance(file.get(name), h5py.Dataset)]
        if missing:
            raise RecordingError(f"{path}: missing key '{missing[0]}' (expected images, responses, [neurons/])")
        population = None
        if "neurons" in file:
            group = file["neurons"]
            absent = [name for name in PARAMETERS if not isinstance(group.get(name), h5py.Dataset)]
            absent += [f"attribute {name}" for name in ("height", "width") if name not in group.attrs]
            if absent:
                raise RecordingError(f"{path}: missing key 'neurons/{absent[0]}'")
            try:
                population = Population(int(group.attrs["height"]), int(group.attrs["width"]),
                                        **{name: group[name][()] for name in PARAMETERS})  # fmt: skip
            except RecordingError as error:
                raise RecordingError(f"{path}: {error}") from None
        return ResponseDataset(file["images"][()], file["responses"][()], population, source=str(path))


def split_images(num_images: int, validation_fraction: float, test_fraction: float, seed: int = 0) -> dict:
    """``{"train", "validation", "test": sorted int64 image indices}``, each at least one image.

    Validation and test get ``round(fraction * num_images)`` images (at least 1), training the rest.
    """
    sizes = [max(1, round(fraction * num_images)) for fraction in (validation_fraction, test_fraction)]
    if num_images - sum(sizes) < 1:
        raise ConfigError(f"fit: {num_images} images leave none for training after {sizes[0]} validation and "
                          f"{sizes[1]} test images")  # fmt: skip
    order = np.random.default_rng(seed).permutation(num_images)
    bounds = np.cumsum([0, num_images - sum(sizes), sizes[0]])
    parts = np.split(order, bounds[1:])
    return {name: np.sort(part).astype(np.int64) for name, part in zip(SETS, parts)}
