"""The ``train`` section of an experiment config: how the GAN engine optimises (Table 4.1 of the CalciumGAN thesis).

Nothing here is specific to calcium imaging; the defaults are the thesis's.
"""

import dataclasses

from calciumgan.core.config import setting


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """Adversarial optimisation (Table 4.1)."""

    batch_size: int = setting(128, minimum=1)
    epochs: int = setting(400, minimum=1)
    steps_per_epoch: int | None = setting(None, minimum=1)  # None: training windows // batch_size
    n_critic: int = setting(5, minimum=1)  # critic updates, each on a fresh real batch, per generator update
    # "wasserstein" (the thesis's WGAN); "non_saturating": the standard GAN's cross-entropy (DCGAN, AC-GAN)
    loss: str = setting("wasserstein", choices=("wasserstein", "non_saturating"))
    # "gradient": two-sided WGAN-GP; "one_sided": Eq. 2.8-2.9 of the LFP thesis; "divergence": WGAN-div; "none"
    penalty: str = setting("gradient", choices=("gradient", "one_sided", "divergence", "none"))
    penalty_weight: float | None = setting(None, minimum=0)  # lambda (or k for WGAN-div); None: 10 (k: 2)
    divergence_power: float = setting(6.0, above=0)  # p of WGAN-div
    learning_rate: float = setting(1e-4, above=0)
    # the critic's own rate, two time-scale updates (TTUR, Heusel et al. 2017: 4e-4 against 1e-4); None: learning_rate
    critic_learning_rate: float | None = setting(None, above=0)
    beta_1: float = setting(0.5, minimum=0, below=1)
    beta_2: float = setting(0.9, minimum=0, below=1)
    # "mixed_float16" scales the losses; "mixed_bfloat16" needs no scaling. Both pay off on GPUs.
    precision: str = setting("float32", choices=("float32", "mixed_float16", "mixed_bfloat16"))
    jit_compile: bool = False  # TensorFlow: XLA-compile the step (JAX always compiles it)
    # split each batch (batch_size is global) over every local accelerator; losses stay means over
    # the global batch. JAX: keras.distribution-style data parallelism on a one-axis device mesh
    data_parallel: bool = False
    validation_batches: int = setting(4, minimum=1)
    checkpoint_every: int = setting(1, minimum=1)  # epochs between checkpoints
    keep_checkpoints: int = setting(3, minimum=1)
    seed: int = setting(42, minimum=0)
    deterministic: bool = False  # TensorFlow op determinism (bit-identical resume; slower)
    # decay d of a moving average of the generator's weights, sampled instead of them (ProGAN: 0.999); None: off
    generator_ema: float | None = setting(None, above=0, below=1)
    # sample instead the uniform average of the generator's weights after every update (the GAN-tricks slides'
    # average of snapshots; Yazici et al. 2019); excludes generator_ema
    generator_uniform_average: bool = False
    # beta of BigGAN's orthogonal regularisation of the generator's kernels, added to its loss (BigGAN: 1e-4)
    orthogonal_regularization: float = setting(0.0, minimum=0)
    # weight of feature matching on each neuron's statistics (level, spread, autocorrelation, pair
    # correlations; calciumgan.training.moments) in the generator's loss; 0: off
    moment_matching: float = setting(0.0, minimum=0)

    def check(self) -> None:
        """Faults that involve several keys; ``ValueError`` naming them."""
        if self.generator_ema is not None and self.generator_uniform_average:
            raise ValueError("train.generator_ema and train.generator_uniform_average both average the generator's "
                             "weights; keep one")
