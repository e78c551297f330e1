"""Most exciting inputs (Walker et al. 2019): a simulated visual population with known receptive fields, the
oracle-correlation selection of neurons, and a CNN response model (Walker et al. 2019's core and
pyramid readout) fitted to the neurons' repeated-trial responses.

Subpackages and modules, in data-flow order:

- ``simulation``  generated images; Gabor simple cells and energy-model complex cells with Poisson
                  trials, their expected rates (``Population.true_response``) and optimal stimuli
- ``dataset``     images, (trials, images, neurons) responses and the true neurons, in one HDF5 file;
                  the split of the images into training, validation and test sets
- ``oracle``      oracle correlation (leave-one-out over trials, 50 draws) and the selection of neurons
- ``models``      the three-block CNN core, its Laplace and group-sparsity penalties, the pyramid
                  readout: a Keras functional model, images (batch, height, width, 1) -> rates
- ``training``    Poisson loss, Adam, early stopping on validation correlation
- ``evaluation``  test correlations (single trials, trial means, true rates); ``report``: JSON,
                  markdown and the test-versus-oracle figure
- ``experiment``  the experiment folder; ``fitting``: the fit stage; ``config``: the YAML schema
- ``optimisation`` most exciting inputs: Walker et al.'s smoothed gradient ascent with blur annealing and
                  the contrast term, the Gabor comparison, the comparison with the true neurons
- ``latent``      a DCGAN-style image generator (Radford et al. 2016), PCA + ridge decoding of
                  responses to its latent codes (after VanRullen & Reddy 2019), and a genetic search
                  of codes for a neuron (after Ponce et al. 2019)

Command-line tools: ``python -m exciting_inputs.simulate`` (writes the dataset),
``python -m exciting_inputs.fit`` (selection, response model, report) and
``python -m exciting_inputs.optimise`` (MEIs), each ``--config demo|allen_scale|FILE --out FOLDER``;
``python -m exciting_inputs.latent.train|decode|evolve --config demo``. Only the generic core of
``calciumgan`` is used (``calciumgan.core.images`` for the generated images). The import name is not
``mei``, which belongs to the MEI package that labs in this field install. The package's Keras
objects register themselves with Keras, so its ``.keras`` files load anywhere.
"""

from calciumgan.core.layer_registry import register_layer_modules

register_layer_modules("exciting_inputs.models.regularizers", "exciting_inputs.models.readout",
                       "exciting_inputs.models.metrics")
