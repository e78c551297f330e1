"""CalciumGAN: synthesise realistic two-photon calcium recordings with a WGAN-GP.

Modules, in data-flow order:

- ``recording``  the ``Recording`` value and its .npz / HDF5 readers and writers
- ``surrogate``  the dichotomized-Gaussian ground-truth model (fit, sample, calcium)
- ``windows``    contiguous train/validation split, min-max scaler, tf.data windows
- ``layers``, ``models``  phase shuffle, sub-pixel transposed convolution, generator, critic
- ``gan``        the WGAN-GP ``keras.Model`` with its custom ``train_step``
- ``config``     typed experiment configuration loaded from YAML
- ``train``, ``generate``  the command-line tools
- ``spikes``     OASIS spike inference, fixed (thesis) or estimated per trace
- ``stats``, ``divergence``  firing rates, correlations, van Rossum distances, KL divergences
- ``baselines``, ``memorisation``, ``evaluation``  reference rows, copy check, scoring
- ``evaluate``, ``report``, ``plots``  the evaluation command, its report and figures
"""

__version__ = "0.1.0"
