"""Fig. 5.6's recorder: the batches it reads, the spectra it keeps, the file and figure it writes."""

import json

import keras
import numpy as np

from lfp.first_epoch import FIGURE_FILE, SPECTRA_FILE, FirstEpochSpectra, batches_at_fractions, mean_spectrum

RATE = 1250.0


def test_the_batches_that_end_2_30_60_and_100_percent_of_an_epoch():
    assert batches_at_fractions(50) == [1, 15, 30, 50]
    assert batches_at_fractions(10) == [1, 3, 6, 10]
    assert batches_at_fractions(1) == [1, 1, 1, 1]


def test_spectra_are_read_after_those_batches_only_and_written_with_the_inputs(tmp_path):
    probe = np.random.default_rng(0).normal(size=(6, 64, 3)).astype(np.float32)
    halving = keras.Sequential([keras.Input((64, 3)), keras.layers.Rescaling(0.5)])
    recorder = FirstEpochSpectra(probe, RATE, batches=10)
    recorder.set_model(halving)
    for batch in range(10):
        recorder.on_train_batch_end(batch)
    assert sorted(recorder.spectra) == [0.02, 0.30, 0.60, 1.0]
    frequencies, expected = mean_spectrum(probe, RATE)
    np.testing.assert_allclose(recorder.spectra[0.30], 0.5 * expected, rtol=1e-5)  # |rfft| is linear in the scale
    assert frequencies[1] == RATE / 64
    recorder.write(tmp_path)
    saved = json.loads((tmp_path / SPECTRA_FILE).read_text())
    assert list(saved["after_share_of_first_epoch"]) == ["2%", "30%", "60%", "100%"]
    np.testing.assert_allclose(saved["input"], expected, rtol=1e-6)
    assert (tmp_path / FIGURE_FILE).read_bytes()[:4] == b"\x89PNG"


def test_an_epoch_of_two_batches_still_records_every_fraction():
    probe = np.random.default_rng(1).normal(size=(4, 64, 2)).astype(np.float32)
    recorder = FirstEpochSpectra(probe, RATE, batches=2)
    recorder.set_model(keras.Sequential([keras.Input((64, 2)), keras.layers.Rescaling(2.0)]))
    recorder.on_train_batch_end(0)
    assert sorted(recorder.spectra) == [0.02, 0.30]  # batch 1 of 2 ends both
    recorder.on_train_batch_end(1)
    assert sorted(recorder.spectra) == [0.02, 0.30, 0.60, 1.0]
