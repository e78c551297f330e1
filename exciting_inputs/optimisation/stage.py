"""The ``exciting_inputs.optimise`` stage: the MEIs of the fitted neurons, from white noise and from a blank image.

Reads ``dataset.h5``, ``history.json`` (the fitted neurons) and ``response_model.keras`` of an
experiment folder (``exciting_inputs.fit`` wrote them) and writes ``meis.h5`` and, in ``report/``,
``mei_report.json``, ``mei_report.md`` and ``meis.png`` (``exciting_inputs.fit``'s report files stay as they are).

C* (the contrast target) is the mean over the dataset's images of each image's std. With the true
neurons of a simulation, every MEI is compared with its neuron's optimal stimulus
(``Population.optimal_stimulus`` at the images' mean luminance and std C*, min-max scaled to
[0, 1] like the Gabor patches): Pearson's r (``truth_correlation``), over the whole image
and inside the mask at the true centre, and the true response to the MEI over the best true
response to a dataset image. The Gabor comparison puts the mask at the MEI's
``receptive_field_centre`` and, for the true stimulus, at the neuron's true centre.
"""

import logging

import numpy as np

from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_hdf5, read_json
from exciting_inputs.optimisation.comparison import (
    circular_mask,
    gabor_statistics,
    receptive_field_centre,
    truth_correlation,
)

logger = logging.getLogger(__name__)


def fitted_neurons(experiment) -> list:
    """The dataset indices of the model's outputs, in order (``history.json``); one-line errors if not fitted."""
    history = experiment.path("history.json")
    if not experiment.model_path.is_file() or not history.is_file():
        raise RunError(f"{experiment.root}: no trained response model here (response_model.keras, history.json); "
                       f"run python -m exciting_inputs.fit --config CONFIG --out {experiment.root}")  # fmt: skip
    fitted = read_json(history, f"fit again: python -m exciting_inputs.fit --config CONFIG --out {experiment.root}")
    try:
        return [int(neuron) for neuron in fitted["neurons"]]
    except (ValueError, KeyError, TypeError) as error:
        raise RunError(f"{history}: unreadable list of fitted neurons ({type(error).__name__}: {error})") from None


def chosen_neurons(fitted: list, requested, max_neurons: int) -> list:
    """The neurons to optimise: ``requested`` (dataset indices, all fitted) or the first ``max_neurons`` fitted."""
    if requested:
        missing = sorted(set(requested) - set(fitted))
        if missing:
            raise RunError(f"--neurons {','.join(map(str, missing))}: not fitted by the response model "
                           f"(fitted: {','.join(map(str, fitted))})")  # fmt: skip
        return list(dict.fromkeys(requested))
    return fitted[:max_neurons] if max_neurons else fitted


def optimise_experiment(config, experiment, neurons=None) -> dict:
    """Optimise the MEIs of ``neurons`` (dataset indices; default: ``config.mei``'s choice); write and return
    the report (``exciting_inputs.optimisation.report``)."""
    from calciumgan.training.run_folder import load_saved_model
    from exciting_inputs.optimisation.ascent import STARTS, optimise_mei, start_image
    from exciting_inputs.optimisation.report import write_mei_report

    experiment.check_same(config)
    dataset = experiment.load_dataset()
    fitted = fitted_neurons(experiment)
    settings = config.mei
    chosen = chosen_neurons(fitted, neurons, settings.max_neurons)
    model = load_saved_model(experiment.model_path)
    images = dataset.images.astype(np.float64)
    contrast_target = float(images.std(axis=(1, 2)).mean())
    mean_luminance = float(images.mean())
    size = images.shape[1:]
    starts = [start_image(start, size, settings.seed) for start in STARTS]
    results = []
    for neuron in chosen:
        for start, image in zip(STARTS, starts):
            result = optimise_mei(model, fitted.index(neuron), image, contrast_target=contrast_target,
                                  steps=settings.steps, step_size=settings.step_size,
                                  contrast_weight=settings.contrast_weight, sigma_start=settings.sigma_start,
                                  sigma_end=settings.sigma_end)  # fmt: skip
            results.append(result)
            logger.info("neuron %d, %s start: objective %.3f after step %d (peak %.3f at step %d)", neuron, start,
                        result.trajectory[-1, 0], settings.steps, result.trajectory[result.peak_step, 0],
                        result.peak_step)  # fmt: skip
    meis = np.stack([result.image for result in results]).reshape(len(chosen), len(STARTS), *size)
    trajectories = np.stack([result.trajectory for result in results]).reshape(len(chosen), len(STARTS), -1, 3)
    peak_steps = np.array([result.peak_step for result in results]).reshape(len(chosen), len(STARTS))
    save_meis(experiment.path("meis.h5"), chosen, meis, trajectories, peak_steps, contrast_target)

    rows, truths = [], []
    population = dataset.population
    best_shown = None if population is None else population.true_response(images).max(axis=0)  # (neurons,)
    for position, neuron in enumerate(chosen):
        truth = None
        if population is not None:
            truth = population.optimal_stimulus(neuron, mean_luminance, contrast_target)
            truth = (truth - truth.min()) / np.ptp(truth)
            truth_centre = (round(population.centre_y[neuron]), round(population.centre_x[neuron]))
        truths.append(truth)
        for index, start in enumerate(STARTS):
            mei = meis[position, index]
            row = {"neuron": neuron, "start": start, "peak_step": int(peak_steps[position, index]),
                   "objective": trajectories[position, index, -1, 0],
                   "model_response": trajectories[position, index, -1, 1],
                   "mei": gabor_statistics(mei, receptive_field_centre(mei, settings.mask_radius / 2),
                                           settings.mask_radius)}  # fmt: skip
            if population is not None:
                row["kind"] = ["simple", "complex"][int(population.kind[neuron])]
                row["truth_correlation"] = truth_correlation(mei, population, neuron)
                inside = circular_mask(mei.shape, truth_centre, settings.mask_radius)
                row["truth_correlation_in_mask"] = truth_correlation(mei, population, neuron, inside)
                row["relative_true_response"] = population.true_response(mei[None])[0, neuron] / best_shown[neuron]
                row["true_stimulus"] = gabor_statistics(truth, truth_centre, settings.mask_radius)
            rows.append(row)
    settings_used = {"contrast_target": contrast_target, "mean_luminance": mean_luminance,
                     **{key: getattr(settings, key) for key in settings.__dataclass_fields__}}  # fmt: skip
    report = write_mei_report(rows, settings_used, meis, truths, chosen, experiment.report)
    logger.info("MEIs of %d neurons in %s; report in %s", len(chosen), experiment.path("meis.h5"), experiment.report)
    return report


def save_meis(path, neurons, meis, trajectories, peak_steps, contrast_target: float) -> None:
    """``meis.h5``: ``neurons`` (n,), ``images`` (n, starts, height, width), the MEIs (each the image after the last
    step), ``trajectories`` (n, starts, steps + 1, 3: objective, response, std), ``peak_step`` (n, starts), the step of
    the highest objective; attributes ``starts``, ``contrast_target``."""
    from exciting_inputs.optimisation.ascent import STARTS, TRAJECTORY

    with atomic_hdf5(path) as file:
        file.create_dataset("neurons", data=np.asarray(neurons, np.int64))
        file.create_dataset("images", data=meis.astype(np.float32), compression="gzip")
        file.create_dataset("trajectories", data=trajectories, compression="gzip")
        file.create_dataset("peak_step", data=peak_steps)
        file.attrs["starts"], file.attrs["trajectory_columns"] = list(STARTS), list(TRAJECTORY)
        file.attrs["contrast_target"] = contrast_target
