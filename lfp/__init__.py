"""Neuropixels LFP synthesis (the LFP GAN, Asprusten 2020): signal and image autoencoders that
pre-train the generator and critic of a conditional Wasserstein GAN, with Fréchet, spectral and
stimulus-classifier evaluation (Table 5.1).

Subpackages and modules, in data-flow order:

- ``data``        the built-in stimulus-evoked LFP generator, generated images, the Allen NWB reader
- ``experiment``  the experiment folder and its data stage
- ``models``      Tables 4.1-4.4 as Keras functional models; the generator, critic and transfer
- ``pretraining`` autoencoder pre-training;  ``adversarial``: the GAN on the generic engine
- ``metrics``     Fréchet distances, spectra, correlations, the stimulus classifier, Inception-v3
- ``evaluation``  Table 5.1 and the figures

Command-line tools: ``lfp.pretrain``, ``lfp.train``, ``lfp.generate``, ``lfp.evaluate``. Only
the generic core of ``calciumgan`` (``core``, ``training``) is used. Like ``calciumgan``, the
package's Keras layers register themselves with Keras, so its ``.keras`` files load anywhere.
"""

from calciumgan.core.layer_registry import register_layer_modules

register_layer_modules("lfp.models.layers")
