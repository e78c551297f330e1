"""Hyper-parameter search over the CalciumGAN variants with keras-tuner (thesis §4.1).

``python -m tuning.search --config demo`` runs a search config (``tuning/configs``): every
trial is an ordinary ``calciumgan`` run folder trained by ``calciumgan.experiment`` and scored
by ``calciumgan.evaluation`` on its held-out block. Modules: ``config`` (the search config),
``space`` (search space -> keras-tuner hyper-parameters -> experiment configs), ``objective``
(realism scores), ``tuner`` (the keras-tuner ``BaseTuner``), ``results`` (the trial table, the
best config, TensorBoard HParams), ``search`` (the command line).
"""
