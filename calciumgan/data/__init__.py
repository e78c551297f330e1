"""The data stage: recordings, the dichotomized-Gaussian surrogate, split and scaling, training windows."""
