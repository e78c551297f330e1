"""The data stage: recordings, the dichotomized-Gaussian and ΔF/F surrogates, split and scaling, training windows."""
