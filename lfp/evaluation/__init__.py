"""Evaluation of LFP windows: figures comparing real and synthetic sets (``plots``)."""
