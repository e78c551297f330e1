"""The signal decoder's output layer: each window standardised as the training data are."""

import keras

from lfp.data.recording import standardize_windows


@keras.saving.register_keras_serializable(package="lfp")
class WindowStandardization(keras.layers.Layer):
    """Each (time, channels) window of (batch, time, channels) to mean 0 and std 1 over all its values.

    The thesis normalises the decoder's output "by subtracting the mean of the sample and dividing
    by the standard deviation of the sample" (§4.2); this is ``lfp.data.recording.standardize_windows``,
    the same z-score the windows get before training, so decoded and real windows share one scale.
    ``epsilon`` (squared output units) keeps a flat window finite. No weights; computes in float32
    by default so the generator's output stays float32 under mixed precision.
    """

    def __init__(self, epsilon: float = 1e-6, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, windows):
        return standardize_windows(windows, self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "epsilon": self.epsilon}
