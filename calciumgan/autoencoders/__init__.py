"""Autoencoders on the package's own data: a denoiser (Erdmann et al. 2019) and a VAE (Kingma & Welling 2014).

Modules:

- ``config``        the YAML schemas (``DenoiserConfig``, ``VAEConfig``); shipped configs in ``configs/``
- ``denoising``     a 1D convolutional denoising autoencoder for calcium traces, trained on the
                    dichotomized-Gaussian surrogates against their known clean calcium; its gain in
                    squared error and in OASIS's spike recovery on the held-out block
- ``variational``   the VAE (dense encoder, Gaussian latent, learned per-neuron noise) as a
                    ``keras.Model`` whose loss is the negative ELBO, on TensorFlow and JAX
- ``vae_baseline``  the VAE as a baseline generator: the GAN's data stage, prior samples scored by
                    the GANs' Table 4.3 evaluation

Command-line tools: ``python -m calciumgan.autoencoders.denoise`` and
``python -m calciumgan.autoencoders.vae`` (each ``--config NAME --out FOLDER``). The VAE's Keras
class registers itself with Keras when this package is imported, so ``vae.keras`` loads with
``keras.saving.load_model`` after ``import calciumgan.autoencoders``.
"""

from calciumgan.core.layer_registry import register_layer_modules

register_layer_modules("calciumgan.autoencoders.variational")
