"""The AC-GAN's networks: the WaveGAN generator conditioned on a label, the WaveGAN critic with a class head.

Labels are integer class indices, shape (batch,). Every other argument is the WaveGAN
builder's (``calciumgan.models.wavegan``).
"""

import keras

from calciumgan.models import wavegan


def build_conditional_generator(*, num_classes: int, embedding_dim: int, noise_dim: int, dtype=None,
                                **wavegan_arguments) -> keras.Model:  # fmt: skip
    """``[labels (batch,) int32, noise (batch, noise_dim)]`` -> traces (batch, window, num_neurons).

    The label's learned embedding (batch, embedding_dim) is concatenated to the noise and the
    result drives a WaveGAN generator built for ``noise_dim + embedding_dim`` inputs.
    """
    labels = keras.Input((), dtype="int32", name="labels")
    noise = keras.Input((noise_dim,), name="noise")
    embedded = keras.layers.Embedding(num_classes, embedding_dim, dtype=dtype, name="label_embedding")(labels)
    joined = keras.layers.Concatenate(dtype=dtype, name="noise_and_label")([noise, embedded])
    body = wavegan.build_generator(noise_dim=noise_dim + embedding_dim, dtype=dtype, **wavegan_arguments)
    return keras.Model([labels, noise], body(joined), name="conditional_generator")


def build_classifying_critic(*, num_classes: int, dtype=None, **wavegan_arguments) -> keras.Model:
    """Traces (batch, window, num_neurons) -> ``[score (batch, 1), class logits (batch, num_classes)]``.

    The WaveGAN critic; a dense class head reads the same flattened features as its score.
    """
    critic = wavegan.build_critic(dtype=dtype, **wavegan_arguments)
    score = critic.get_layer("score")
    logits = keras.layers.Dense(num_classes, dtype="float32", name="class_logits")(score.input)
    return keras.Model(critic.input, [score.output, logits], name="classifying_critic")
