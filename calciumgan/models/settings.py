"""The ``model`` section of an experiment config: the generator's and critic's architecture.

The builders (``calciumgan.models.registry``) take these values as keyword arguments;
``calciumgan.models.shapes.model_problem`` says why a combination cannot work on a window.
"""

import dataclasses

from calciumgan.core.config import setting
from calciumgan.models.shapes import EVENT_KINDS, VARIANT_NAMES


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """Generator and critic architecture (Table 3.1 of the CalciumGAN thesis; 2D variants: Table A.2)."""

    # "wavegan" (Table 3.1), "wavegan2d" (CalciumGAN-2D, Table A.2), "wavegan2d_fft" (2D on spectra, §3.2.2)
    variant: str = setting("wavegan", choices=VARIANT_NAMES)
    # generator head: "direct" (sigmoid, Table 3.1) or "calcium" (events -> learned AR(1) decay, baseline, noise)
    output: str = setting("direct", choices=("direct", "calcium"))
    # generator upsampling: "transposed" convolutions (thesis) or "nearest" neighbour + convolution
    upsampling: str = setting("transposed", choices=("transposed", "nearest"))
    # wavegan: latent positions generated beyond each end of the window and cropped away (each
    # strides ** num_blocks frames), so that edge frames see no zero padding and the calcium head
    # starts warm; 0: the thesis's generator
    edge_margin: int = setting(0, minimum=0)
    noise_dim: int = setting(32, minimum=1)
    filters: int = setting(64, minimum=1)
    kernel_size: int = setting(24, minimum=1)
    strides: int = setting(2, minimum=1)
    num_blocks: int = setting(5, minimum=1)  # upsampling blocks in the generator, strided convolutions in the critic
    phase_shuffle: int = setting(10, minimum=0)  # maximum shift m of the critic's phase shuffle (frames)
    phase_shuffle_neurons: int = setting(0, minimum=0)  # 2D variants: maximum shift n across neurons (A.1: 10)
    critic_kernel_size: int | None = setting(None, minimum=1)  # 2D variants: critic kernel; None: kernel_size
    critic_strides: int | None = setting(None, minimum=1)  # 2D variants: critic stride in time; None: strides
    # wavegan: the critic's last layer also sees each neuron's mean and spread over the batch, so a batch
    # with the wrong per-neuron rates or amplitudes scores apart from a real one (issue 21's ablation)
    critic_neuron_statistics: bool = False
    # spectral normalisation of every critic layer (Miyato et al. 2018), beside or (penalty_weight 0) instead of
    # the gradient penalty
    critic_spectral_norm: bool = False
    # wavegan with output "calcium": before training, set each neuron's baseline, noise, calcium decay and event
    # bias from the training traces, so every neuron starts at its recorded level of activity (issue 21's ablation)
    head_from_data: bool = False
    # wavegan with output "calcium": starting standard deviation of a learned white noise per neuron added to the
    # activations before the events' softplus, for sparse single-frame events (CalciumHead); 0: none
    event_noise: float = setting(0.0, minimum=0)
    # wavegan with output "calcium": "softplus" events of any size, or "binary" (a relaxed Bernoulli draw per frame
    # of a learned size per neuron: single-frame spikes of one size, CalciumHead)
    events: str = setting("softplus", choices=EVENT_KINDS)
    # with events "binary": Gaussian factors shared by all neurons in each frame behind the events' noise, with
    # learned loadings, so that the events are a dichotomized Gaussian around the generator's log-odds; 0: none
    event_factors: int = setting(0, minimum=0)
    # wavegan with output "calcium": slow shared AR(1) factors added to every neuron's log-rate before the events,
    # their loadings and time scales learned (with head_from_data, started from the recording's slow shared
    # fluctuations), for activity that rises and falls together over seconds and from window to window; 0: none
    slow_factors: int = setting(0, minimum=0)
    # wavegan with output "calcium": each event's calcium rises over two frames, a learned share per neuron one
    # frame late (with head_from_data, started from the recording), as an indicator's rise sampled at tens of Hz does
    calcium_rise: bool = False
    # with events "binary": starting log-normal spread of each event's size around its neuron's mean (learned per
    # neuron), for calcium jumps that vary as bursts and spike-to-spike variation make them; 0: one size per neuron
    event_size_spread: float = setting(0.0, minimum=0)
    # with event_factors: starting log-normal spread of each factor's strength, which drifts over seconds (learned),
    # so that some windows are strongly synchronous and others hardly, as cortical states make them; 0: constant
    synchrony_spread: float = setting(0.0, minimum=0)
    # draw every kernel of the generator and the critic as an orthogonal matrix (the GAN-tricks slides, BigGAN)
    # instead of Glorot-uniform
    orthogonal_init: bool = False
    # wavegan: channels of the generator's last upsampling block, which a per-frame Dense maps to the neurons;
    # None: one per neuron (the thesis), which makes that Dense N x N, most of the generator beyond ~1,000 neurons
    output_features: int | None = setting(None, minimum=1)
    normalization: str = setting("layer", choices=("layer", "none"))  # in the generator
    # "fast": strided convolutions rewritten as exact stride-1 ones (sub-pixel / space-to-depth);
    # "keras": keras.layers.Conv1DTranspose and Conv1D. Same parameters, same outputs. 1D variant only.
    convolutions: str = setting("fast", choices=("fast", "keras"))
