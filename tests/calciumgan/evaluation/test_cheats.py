import numpy as np
import pytest

from calciumgan.config import DataConfig, EvaluateConfig
from calciumgan.data.prepare import load_data
from calciumgan.evaluation.cheats import CHEATS, HELD_OUT, caught, cheat_sets, cheater_evaluation
from calciumgan.evaluation.headline import beats_on

TRAINING = np.random.default_rng(0).standard_normal((500, 4)).cumsum(axis=0)


def _windows_of(training, window):
    return np.stack([training[start : start + window] for start in range(len(training) - window + 1)])


def _is_window_of(sample, training):
    return any(np.allclose(sample, candidate, atol=1e-5) for candidate in _windows_of(training, len(sample)))


def test_every_cheat_is_built_from_the_training_data_as_described():
    sets = cheat_sets(TRAINING, 10, 32, seed=3)
    assert set(sets) == set(CHEATS) and all(values.shape == (10, 32, 4) for values in sets.values())
    assert all(_is_window_of(sample, TRAINING) for sample in sets["copies"])
    assert np.all(sets["repeated_window"] == sets["repeated_window"][0]) and _is_window_of(sets["repeated_window"][0],
                                                                                            TRAINING)  # fmt: skip
    assert all(_is_window_of(sample[::-1], TRAINING) for sample in sets["time_reversed"])
    for sample in sets["shuffled_frames"]:  # the frames of one training window, in another order
        ordered = sample[np.argsort(sample[:, 0])]
        assert any(np.allclose(ordered, window[np.argsort(window[:, 0])]) for window in _windows_of(TRAINING, 32))
    permuted = sets["permuted_neurons"][0]
    order = [next(n for n in range(4) if _is_window_of(permuted[:, [c]], TRAINING[:, [n]])) for c in range(4)]
    assert sorted(order) == [0, 1, 2, 3] and order != [0, 1, 2, 3]
    for neuron in range(4):  # each neuron's trace is a window of its own training trace
        assert all(_is_window_of(sample[:, [neuron]], TRAINING[:, [neuron]]) for sample in sets["shifted_neurons"])
    median = np.median(TRAINING, axis=0)
    assert all(_is_window_of(median + (sample - median) / 2, TRAINING) for sample in sets["scaled"])
    typical = sets["typical_windows"]
    noise = 0.01 * TRAINING.std(axis=0)
    assert all(np.min(np.abs(sample - _windows_of(TRAINING, 32)).max(axis=1).max(axis=1) / noise.max()) < 6
               for sample in typical)  # fmt: skip
    assert len({sample.tobytes() for sample in typical}) == 10  # the noise differs per sample


def test_matched_noise_has_the_training_moments_and_no_time_structure():
    noise = cheat_sets(TRAINING, 400, 64)["matched_noise"].reshape(-1, 4).astype(np.float64)
    np.testing.assert_allclose(noise.mean(axis=0), TRAINING.mean(axis=0), atol=0.05 * TRAINING.std(axis=0).max())
    np.testing.assert_allclose(noise.std(axis=0), TRAINING.std(axis=0), rtol=0.02)
    lag_one = np.mean([np.corrcoef(noise[:-1, n], noise[1:, n])[0, 1] for n in range(4)])
    assert abs(lag_one) < 0.02


def test_training_data_shorter_than_a_window_is_refused():
    with pytest.raises(ValueError, match=r"T >= 64"):
        cheat_sets(TRAINING[:10], 4, 64)


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["day4", "dff_day4"])
def test_every_cheat_is_caught_and_held_out_real_data_pass(preset):
    """The contract of the evaluation, on both built-in surrogates (96 windows of the demo's 256 frames per set):
    each cheat is worse than the floor on a headline check or memorised; the held-out control block is neither;
    and no baseline beats the real-versus-real floor on any headline check."""
    recording = load_data(DataConfig(source="surrogate", preset=preset))
    config = EvaluateConfig(num_samples=96, workers=1, progress=False, spike_inference="calibrated")
    evaluation = cheater_evaluation(recording.signals, recording.sampling_rate, 96, 256, config)
    verdicts = evaluation.extras["verdicts"]
    assert not caught(verdicts[HELD_OUT]), verdicts[HELD_OUT]
    missed = [name for name in CHEATS if not caught(verdicts[name])]
    assert not missed, {name: evaluation.extras["headline"][name] for name in missed}
    assert verdicts["copies"]["memorised"] and verdicts["repeated_window"]["memorised"]
    for baseline in ("dichotomized_gaussian", "poisson"):
        assert beats_on(evaluation.extras["headline"], baseline, "floor") == [], baseline
