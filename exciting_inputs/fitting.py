"""The ``exciting_inputs.fit`` stage: oracle selection, the response model's training and its report.

Reads ``dataset.h5`` of an experiment folder (``exciting_inputs.simulate`` wrote it) and writes
``selection.json``, ``split.json``, ``response_model.keras``, ``history.json`` and ``report/``.
Keras (and so the backend) is imported only once the folder and its dataset have been checked,
so a refused command answers at once.
"""

import dataclasses
import logging
import sys

import numpy as np

from calciumgan.core.errors import RunError
from calciumgan.core.files import atomic_path
from exciting_inputs.dataset import split_images
from exciting_inputs.evaluation import response_correlations
from exciting_inputs.experiment import Experiment
from exciting_inputs.oracle import oracle_correlation, response_variance, select_neurons, trial_means
from exciting_inputs.report import build_report, json_number, write_report

logger = logging.getLogger(__name__)


def neuron_selection(responses, selection) -> dict:
    """``{"oracle", "variance": (neurons,) float64, "selected": (neurons,) bool}`` for a ``SelectionConfig``."""
    oracle = oracle_correlation(responses, draws=selection.draws, seed=selection.seed)
    variance = response_variance(responses)
    selected = select_neurons(oracle, variance, selection.oracle_quantile, selection.variance_quantile)
    return {"oracle": oracle, "variance": variance, "selected": selected}


def fit_stage(config, root) -> None:
    """``python -m exciting_inputs.fit``: :func:`fit_experiment` in the experiment folder ``root``."""
    fit_experiment(config, Experiment(root))


def fit_experiment(config, experiment, progress: bool = True) -> dict:
    """Select neurons, fit the response model and write the report in ``experiment``; return the report."""
    experiment.check_same(config)
    dataset = experiment.load_dataset()
    experiment.start(config, "exciting_inputs.fit")
    selection = neuron_selection(dataset.responses, config.selection)
    experiment.write_json("selection.json", {key: [json_number(value) for value in values]
                                             for key, values in selection.items()})  # fmt: skip
    neurons = np.flatnonzero(selection["selected"] | (config.fit.neurons == "all"))
    if len(neurons) == 0:
        rule = config.selection
        raise RunError(f"{experiment.root}: no neuron passes the selection (oracle above its {rule.oracle_quantile} "
                       f"quantile and variance above its {rule.variance_quantile} quantile); lower them or set "
                       "fit.neurons: all")  # fmt: skip
    logger.info("oracle correlation: median %.3f; %d of %d neurons selected; fitting %d",
                np.nanmedian(selection["oracle"]), selection["selected"].sum(), len(neurons), len(neurons))  # fmt: skip
    fit = config.fit
    split = split_images(len(dataset.images), fit.validation_fraction, fit.test_fraction, fit.split_seed)
    experiment.write_json("split.json", {name: indices.tolist() for name, indices in split.items()})

    responses = dataset.responses[:, :, neurons]
    model, history = train_response_model(config, dataset.images, trial_means(responses), split, progress)
    with atomic_path(experiment.model_path) as temporary:
        model.save(temporary)
    experiment.write_json("history.json", {**history, "neurons": neurons.tolist()})

    from exciting_inputs.training import predict_rates

    test = split["test"]
    truth = None if dataset.population is None else dataset.population.true_response(dataset.images[test])[:, neurons]
    correlations = response_correlations(predict_rates(model, dataset.images[test]), responses[:, test], truth)
    trainable = sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)
    report = build_report(dataset, selection, neurons, correlations, history, split, trainable)
    write_report(report, experiment.report)
    means = report["summary"]["means"]
    logger.info("mean over %d neurons: test correlation (single trials) %s, oracle %s; report in %s", len(neurons),
                means["test_single_trial"], means["oracle"], experiment.report)  # fmt: skip
    return report


def train_response_model(config, images, targets, split: dict, progress: bool = True):
    """(model, history): the response model of ``config.model`` fitted to (images, neurons) ``targets``."""
    import keras

    from exciting_inputs.models import build_response_model
    from exciting_inputs.training import compile_response_model, fit_response_model

    fit = config.fit
    keras.utils.set_random_seed(fit.seed)
    model = build_response_model(images.shape[1:], targets.shape[1], **dataclasses.asdict(config.model))
    compile_response_model(model, fit.learning_rate)
    verbose = 1 if progress and sys.stdout.isatty() else 2 if progress else 0  # one line per epoch in logs
    history = fit_response_model(model, images, targets, split, epochs=fit.epochs, batch_size=fit.batch_size,
                                 patience=fit.patience, seed=fit.seed, verbose=verbose)  # fmt: skip
    return model, history
