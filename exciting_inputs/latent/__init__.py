"""Latent codes of a trained image generator: decode them from responses, search them for a neuron.

- ``config``      the YAML schema: simulation (``exciting_inputs.config.SimulationConfig``), generator, decoding, search
- ``generator``   a DCGAN-style generator and critic, trained as WGAN-GP by ``calciumgan.training``
- ``decoding``    PCA + ridge regression from responses to latent codes; code, image and identification scores
- ``genetic``     a genetic algorithm over latent codes for any fitness callable
- ``search``      what the search sees of a simulated neuron (new trials or the expected count) and the
                  held-out trials that score its choice
- ``experiment``  the experiment folder and its stages; ``report``: JSON, markdown and figures

Command line: ``python -m exciting_inputs.latent.train|decode|evolve --config demo|FILE --out FOLDER``.
"""
