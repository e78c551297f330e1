"""A variational autoencoder over windows of a recording: the VAE baseline generator (Kingma & Welling 2014).

Windows (W, N) of the training block, in the units of the GAN's min-max scaler
(``calciumgan.data.split``), are encoded by a dense network (500 hidden units) to the
mean and the log variance of a Gaussian posterior over a 50-dimensional latent code; the
decoder (500 hidden units, ReLU, then a sigmoid) maps a code back to the (W, N) mean of the
window. The prior is the standard normal N(0, I) and the encoder's second head is a log
variance, as in Kingma & Welling 2014.

Loss (the negative evidence lower bound, per window, in nats): the Gaussian negative
log-likelihood of the window under the decoded mean and a learned noise standard deviation per
neuron, ``sum_(t,n) [ (x - m)^2 / (2 s_n^2) + log s_n + log(2 pi) / 2 ]``, plus the closed-form
``KL(N(mu, diag sigma^2) || N(0, I)) = sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2) / 2``.
With the noise fixed this is the common "MSE + KL" with the MSE weighted by ``1 / (2 s^2)``;
learning ``s_n`` sets that weight from the data instead of by hand, and it is the noise that
samples get: a sample is ``decoder(z) + s_n u`` with ``z ~ N(0, I)`` and ``u ~ N(0, 1)`` (the
surrogates' own measurement noise is white and Gaussian too).

The model overrides ``compute_loss`` only, in ``keras.ops``: Keras's own ``train_step``
differentiates it on every backend (TensorFlow, JAX), the reparameterised draw comes from the
model's ``SeedGenerator`` (threaded through JAX's stateless calls like any other state), and
the two terms are tracked as the metrics ``reconstruction`` and ``kl``.
"""

import math

import keras
import numpy as np
from keras import ops

LOG_TWO_PI = math.log(2 * math.pi)


def gaussian_kl(z_mean, z_log_var):
    """(batch,) KL divergence in nats of N(z_mean, diag exp(z_log_var)) from N(0, I); inputs (batch, latent)."""
    return 0.5 * ops.sum(ops.square(z_mean) + ops.exp(z_log_var) - 1.0 - z_log_var, axis=-1)


def gaussian_negative_log_likelihood(windows, means, log_noise_std):
    """(batch,) -log N(windows; means, diag s^2) in nats, summed over (W, N); ``log_noise_std`` is (N,) log s."""
    standardized = (windows - means) * ops.exp(-log_noise_std)
    return ops.sum(0.5 * ops.square(standardized) + log_noise_std + 0.5 * LOG_TWO_PI, axis=(1, 2))


def build_encoder(window: int, num_neurons: int, hidden_units: int = 500, latent_dim: int = 50) -> keras.Model:
    """Functional model (batch, window, N) -> [z_mean, z_log_var], each (batch, latent_dim)."""
    windows = keras.Input((window, num_neurons), name="windows")
    hidden = keras.layers.Dense(hidden_units, activation="relu", name="hidden")(keras.layers.Flatten()(windows))
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(hidden)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(hidden)
    return keras.Model(windows, [z_mean, z_log_var], name="encoder")


def build_decoder(window: int, num_neurons: int, hidden_units: int = 500, latent_dim: int = 50) -> keras.Model:
    """Functional model (batch, latent_dim) -> (batch, window, N) window means in (0, 1)."""
    code = keras.Input((latent_dim,), name="code")
    hidden = keras.layers.Dense(hidden_units, activation="relu", name="hidden")(code)
    means = keras.layers.Dense(window * num_neurons, activation="sigmoid", name="means")(hidden)
    return keras.Model(code, keras.layers.Reshape((window, num_neurons), name="windows")(means), name="decoder")


@keras.saving.register_keras_serializable(package="calciumgan")
class VariationalAutoencoder(keras.Model):
    """Encoder, decoder and a learned noise level per neuron, trained on the negative ELBO.

    Args:
        encoder: (batch, W, N) -> [z_mean, z_log_var] (batch, latent).
        decoder: (batch, latent) -> (batch, W, N) means.
        initial_noise_std: the noise standard deviation ``s_n`` of every neuron before training.
        seed: seed of the reparameterised draws.

    Calling the model on windows returns (reconstruction means, z_mean, z_log_var), the means
    decoded from one posterior draw per window.
    """

    def __init__(self, encoder, decoder, initial_noise_std: float = 0.05, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not initial_noise_std > 0:
            raise ValueError(f"initial_noise_std must be positive, got {initial_noise_std}")
        self.encoder = encoder
        self.decoder = decoder
        self.initial_noise_std = float(initial_noise_std)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.latent_dim = int(encoder.outputs[0].shape[-1])
        self.log_noise_std = self.add_weight(
            shape=(int(decoder.outputs[0].shape[-1]),), name="log_noise_std",
            initializer=keras.initializers.Constant(math.log(self.initial_noise_std)),
        )  # fmt: skip
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    def call(self, windows, training=False):
        z_mean, z_log_var = self.encoder(windows, training=training)
        draws = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        codes = z_mean + ops.exp(0.5 * z_log_var) * draws
        return self.decoder(codes, training=training), z_mean, z_log_var

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The mean over the batch of the negative ELBO (nats per window)."""
        means, z_mean, z_log_var = y_pred
        reconstruction = gaussian_negative_log_likelihood(ops.cast(x, means.dtype), means, self.log_noise_std)
        kl = gaussian_kl(z_mean, z_log_var)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return ops.mean(reconstruction + kl)

    def noise_std(self) -> np.ndarray:
        """(N,) float64 learned noise standard deviation per neuron, in the data's units."""
        return np.exp(ops.convert_to_numpy(self.log_noise_std).astype(np.float64))

    def sample_windows(self, count: int, seed: int = 0, noise: bool = True, batch_size: int = 256) -> np.ndarray:
        """(count, W, N) float32 windows: decoded codes z ~ N(0, I), plus the learned noise unless ``noise`` is
        False; the codes and the noise come from a NumPy generator seeded with ``seed``."""
        rng = np.random.default_rng(seed)
        codes = rng.standard_normal((count, self.latent_dim)).astype(np.float32)
        means = self.decoder.predict(codes, batch_size=batch_size, verbose=0)
        if noise:
            means = means + self.noise_std() * rng.standard_normal(means.shape)
        return means.astype(np.float32)

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "initial_noise_std": self.initial_noise_std,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in ("encoder", "decoder"):
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)


def build_vae(window: int, num_neurons: int, hidden_units: int = 500, latent_dim: int = 50,
              initial_noise_std: float = 0.05, seed=None) -> VariationalAutoencoder:  # fmt: skip
    """The dense VAE (Kingma & Welling 2014) for (window, N) windows."""
    return VariationalAutoencoder(build_encoder(window, num_neurons, hidden_units, latent_dim),
                                  build_decoder(window, num_neurons, hidden_units, latent_dim),
                                  initial_noise_std=initial_noise_std, seed=seed)  # fmt: skip
