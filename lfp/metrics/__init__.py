"""Scores comparing sets of LFP windows: Fréchet distance (``frechet``), spectra and channel correlations
(``signals``), a stimulus-classifier Inception-score analogue (``classifier``) and Inception-v3 FID/IS
(``inception``, needs local weights)."""
