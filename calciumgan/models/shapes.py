"""Shape arithmetic of the WaveGAN-style models, without Keras (configs are checked with it)."""


def architecture_problem(
    window: int, strides: int, num_blocks: int, kernel_size: int, phase_shuffle: int, convolutions: str
) -> str | None:
    """Why the blocks cannot map noise to ``window`` frames and back, or ``None`` if they can."""
    scale = strides**num_blocks
    if window % scale:
        return f"data.window {window} must be a multiple of model.strides ** model.num_blocks = {scale}"
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
