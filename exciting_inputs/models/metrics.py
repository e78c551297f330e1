"""Mean Pearson correlation over neurons between predicted and measured responses, as a Keras metric."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="exciting_inputs")
class PopulationCorrelation(keras.metrics.Metric):
    """Mean over neurons of Pearson's r across all examples seen, from (examples, neurons) targets and predictions.

    Accumulates per-neuron sums (n, x, y, x^2, y^2, xy) over batches, so the result is the
    correlation over the whole set, not a mean of per-batch correlations. A neuron with no
    variance in either scores 0.
    """

    def __init__(self, neurons: int, name: str = "correlation", **kwargs):
        super().__init__(name=name, **kwargs)
        self.neurons = int(neurons)
        self.sums = self.add_variable(shape=(6, self.neurons), initializer="zeros", name="sums")

    def update_state(self, y_true, y_pred, sample_weight=None):
        x, y = ops.cast(y_true, self.dtype), ops.cast(y_pred, self.dtype)
        batch = ops.sum(ops.ones_like(x), axis=0)
        terms = [batch, ops.sum(x, 0), ops.sum(y, 0), ops.sum(x * x, 0), ops.sum(y * y, 0), ops.sum(x * y, 0)]
        self.sums.assign(self.sums + ops.stack(terms))

    def result(self):
        n, x, y, xx, yy, xy = (self.sums[index] for index in range(6))
        n = ops.maximum(n, 1.0)
        covariance = xy - x * y / n
        scale = ops.sqrt(ops.maximum(xx - x * x / n, 0.0) * ops.maximum(yy - y * y / n, 0.0))
        return ops.mean(ops.where(scale > 0, covariance / ops.maximum(scale, 1e-30), 0.0))

    def reset_state(self):
        self.sums.assign(ops.zeros(self.sums.shape, self.dtype))

    def get_config(self) -> dict:
        return {**super().get_config(), "neurons": self.neurons}
