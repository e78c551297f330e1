"""An auxiliary-classifier conditional GAN (AC-GAN, Odena et al. 2017) on calcium windows.

The label of a window is the index of the surrogate preset (the "recording day") it was cut
from. The generator is the WaveGAN generator with a label embedding concatenated to its noise;
the critic is the WaveGAN critic with a class-logits head beside its score. Both are trained by
the package's generic engine (``calciumgan.training``) as WGAN-GP plus the auxiliary classifier
loss (``calciumgan.training.auxiliary``).

Modules:

- ``config``  the YAML schema (``ConditionalConfig``); shipped configs in ``configs/``
- ``models``  the label-conditioned generator and the two-headed critic
- ``data``    labelled windows of several presets' recordings, one scaler over all of them
- ``acgan``   build, train (run folder, checkpoints, resume) and write per-label samples
- ``fidelity`` whether each label's samples match that label's held-out real windows

Command-line tool: ``python -m calciumgan.conditional.train --config NAME --out FOLDER``.
"""
