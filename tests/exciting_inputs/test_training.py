"""Fitting the response model; the known answer that matters: it predicts noiseless simple cells."""

import keras
import numpy as np
import pytest

from calciumgan.core.errors import RecordingError
from exciting_inputs.config import SimulationConfig
from exciting_inputs.dataset import split_images
from exciting_inputs.evaluation import response_correlations
from exciting_inputs.models import build_response_model
from exciting_inputs.oracle import oracle_correlation, trial_means
from exciting_inputs.simulation.session import simulate_session
from exciting_inputs.training import compile_response_model, fit_response_model, predict_rates


@pytest.mark.backend
def test_an_image_without_trials_in_the_training_set_is_a_one_line_error():
    targets = np.ones((6, 2), np.float32)
    targets[1, 0] = np.nan  # neuron 0 never recorded on image 1
    split = {"train": np.array([0, 1, 2, 3]), "validation": np.array([4]), "test": np.array([5])}
    model = compile_response_model(build_response_model((8, 8), 2, hidden_channels=2))
    with pytest.raises(RecordingError, match="without any recorded trial in the training or validation set"):
        fit_response_model(model, np.zeros((6, 8, 8)), targets, split, epochs=1)


@pytest.mark.slow
def test_fitted_model_predicts_noiseless_simple_cells_and_stays_under_the_ceiling():
    """1000 images of 24 x 36, 12 neurons of which the first 6 are noiseless, an 8-channel core, 30 epochs
    (about 25 s on 2 cores, either backend). Known answers, on the 150 test images:

    - the weights are those of the best validation epoch, and the readout's feature weights were kept >= 0;
    - a noiseless simple cell's prediction correlates with its true rate at r > 0.8 (they reach 0.89-0.97;
      the readout must find the receptive field, which 1000 images allow);
    - no neuron's single-trial test correlation exceeds the true rate's own single-trial correlation (the
      ceiling any model has) by more than 0.05, about two standard errors of a correlation over its 1500
      trials;
    - nor its oracle correlation, corrected for the noise of the oracle's own (T - 1)-trial mean, by more
      than 0.05. With signal variance s and Poisson noise variance n per trial, the oracle is
      s / sqrt((s + n) (s + n / (T - 1))) and the ceiling sqrt(s / (s + n)): the ceiling is the oracle times
      sqrt((s + n / (T - 1)) / s), up to 0.13 above it for the noisiest neurons here.
    """
    config = SimulationConfig(seed=11, num_images=1000, image_height=24, image_width=36, trials=10, num_neurons=12,
                              noiseless_neurons=6)  # fmt: skip
    dataset = simulate_session(config)
    population = dataset.population
    simple_noiseless = ~population.is_complex & population.noiseless
    assert simple_noiseless.sum() >= 2
    split = split_images(1000, 0.15, 0.15, seed=0)
    keras.utils.set_random_seed(0)
    model = compile_response_model(build_response_model((24, 36), 12, hidden_channels=8), learning_rate=5e-3)
    targets = trial_means(dataset.responses)
    history = fit_response_model(model, dataset.images, targets, split, epochs=30, patience=10, seed=0)
    validation = split["validation"]
    restored = model.evaluate(dataset.images[validation, :, :, None], targets[validation], return_dict=True, verbose=0)
    assert restored["correlation"] == pytest.approx(max(history["val_correlation"]), abs=1e-4)  # the best weights
    features = np.asarray(model.get_layer("readout").features)
    assert features.min() == 0.0 and np.sum(features == 0) > 10  # the non-negativity constraint acted in training
    test = split["test"]
    truth = population.true_response(dataset.images[test])
    correlations = response_correlations(predict_rates(model, dataset.images[test]), dataset.responses[:, test], truth)
    assert np.all(correlations["true_rate"][simple_noiseless] > 0.8), correlations["true_rate"]
    ceiling = response_correlations(truth, dataset.responses[:, test])["single_trial"]
    assert np.all(correlations["single_trial"] <= ceiling + 0.05)
    rates = population.true_response(dataset.images)
    signal, noise = rates.var(axis=0), np.where(population.noiseless, 0.0, rates.mean(axis=0))
    corrected = oracle_correlation(dataset.responses) * np.sqrt((signal + noise / (config.trials - 1)) / signal)
    assert np.all(correlations["single_trial"] <= corrected + 0.05)
