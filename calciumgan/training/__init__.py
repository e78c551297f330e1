"""The generic GAN engine: model, losses, penalties, TensorFlow and JAX steps, loop, checkpoints, run folder."""
