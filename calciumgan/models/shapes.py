"""Shape arithmetic of the WaveGAN-style models, without Keras (configs are checked with it)."""

VARIANT_NAMES = ("wavegan", "wavegan2d", "wavegan2d_fft")  # the variants of calciumgan.models.registry
EVENT_KINDS = ("softplus", "binary")  # the calcium head's events (calciumgan.models.heads.CalciumHead)
TWO_D_KEYS = ("phase_shuffle_neurons", "critic_kernel_size", "critic_strides")  # model keys of the 2D variants


def architecture_problem(
    window: int, strides: int, num_blocks: int, kernel_size: int, phase_shuffle: int, convolutions: str
) -> str | None:
    """Why the 1D blocks cannot map noise to ``window`` frames and back, or ``None`` if they can."""
    problem = _window_problem(window, strides, num_blocks)
    if problem:
        return problem
    if convolutions == "fast" and kernel_size % strides:
        return (
            f"model.kernel_size {kernel_size} must be a multiple of model.strides {strides} "
            "for fast convolutions (or set model.convolutions: keras)"
        )
    if num_blocks > 1:
        shortest_shuffled = window // strides ** (num_blocks - 1)
        if phase_shuffle >= shortest_shuffled:
            return (
                f"model.phase_shuffle {phase_shuffle} must be below {shortest_shuffled}, "
                "the shortest sequence it shifts"
            )
    return None


def architecture_problem_2d(
    window: int, strides: int, num_blocks: int, phase_shuffle_neurons: int, num_neurons: int | None
) -> str | None:
    """Why the 2D blocks cannot map noise to (``window``, ``num_neurons``) and back, or ``None``.

    Time is shuffled only where a sequence is longer than model.phase_shuffle, so that key
    needs no check; ``num_neurons`` None (not known yet) skips the neuron check.
    """
    problem = _window_problem(window, strides, num_blocks)
    if problem:
        return problem
    if num_neurons is not None and phase_shuffle_neurons >= num_neurons:
        return f"model.phase_shuffle_neurons {phase_shuffle_neurons} must be below the {num_neurons} neurons"
    return None


def model_problem(model, window: int) -> str | None:
    """Why ``model`` (a ``calciumgan.models.settings.ModelConfig``) cannot work on windows of ``window`` frames."""
    if model.head_from_data and model.output != "calcium":
        return "model.head_from_data needs model.output 'calcium': only the calcium head has per-neuron levels"
    if (model.event_noise or model.events != "softplus") and model.output != "calcium":
        return "model.event_noise and model.events need model.output 'calcium': only the calcium head has events"
    if model.slow_factors and model.output != "calcium":
        return "model.slow_factors needs model.output 'calcium': the factors move the calcium head's event rates"
    if model.calcium_rise and model.output != "calcium":
        return "model.calcium_rise needs model.output 'calcium': only the calcium head has calcium to rise"
    if model.event_noise and model.events == "binary":
        return "model.event_noise applies to softplus events: binary events draw their own logistic noise"
    if model.event_factors and model.events != "binary":
        return "model.event_factors needs model.events 'binary': the factors correlate binary events' noise"
    if model.event_size_spread and model.events != "binary":
        return "model.event_size_spread needs model.events 'binary': it spreads the sizes of binary events"
    if model.synchrony_spread and not model.event_factors:
        return "model.synchrony_spread needs model.event_factors: it varies the strength of the event factors"
    if model.variant == "wavegan":
        misplaced = [f"model.{key}" for key in TWO_D_KEYS if getattr(model, key) not in (None, 0)]
        if misplaced:
            return f"{', '.join(misplaced)}: only the 2D variants (wavegan2d, wavegan2d_fft) use them"
        return architecture_problem(window, model.strides, model.num_blocks, model.kernel_size,
                                    model.phase_shuffle, model.convolutions)  # fmt: skip
    for key in ("edge_margin", "critic_neuron_statistics", "critic_spectral_norm", "head_from_data", "output_features",
                "event_noise", "slow_factors", "calcium_rise"):
        if getattr(model, key):
            return f"model.{key}: only the 1D variant (wavegan) uses it, not {model.variant}"
    if model.events != "softplus":
        return f"model.events: only the 1D variant (wavegan) has binary events, not {model.variant}"
    if model.variant == "wavegan2d_fft" and model.output != "direct":
        return "model.output must be 'direct' for wavegan2d_fft: its generator's output is a spectrum"
    return architecture_problem_2d(window, model.strides, model.num_blocks, model.phase_shuffle_neurons, None)


def _window_problem(window: int, strides: int, num_blocks: int) -> str | None:
    scale = strides**num_blocks
    if window % scale:
        return f"data.window {window} must be a multiple of model.strides ** model.num_blocks = {scale}"
    return None
