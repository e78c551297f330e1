"""Generator and critic: custom layers, the WaveGAN-style builders and a registry of variants."""
