"""Hyper-parameter search over the CalciumGAN variants with keras-tuner (random search).

Not built yet; hypermodels will wrap ``calciumgan.models`` and ``calciumgan.training.gan``.
"""
