"""Neuropixels LFP synthesis (the LFP GAN): signal and image autoencoders that pre-train the
generator and critic of a Wasserstein GAN, with IS / FID / Fréchet evaluation.

Not built yet; it will reuse the layers, GAN machinery and configuration of ``calciumgan``.
"""
