"""The response model of Walker et al. 2019 (``network``): the CNN core, the pyramid readout and their penalties."""

from mei.models.network import build_core, build_response_model
from mei.models.readout import PyramidReadout, bilinear_sample, laplace_pyramid
from mei.models.regularizers import Clip, GroupSparsity, LaplaceL2

__all__ = ["Clip", "GroupSparsity", "LaplaceL2", "PyramidReadout", "bilinear_sample", "build_core",
           "build_response_model", "laplace_pyramid"]  # fmt: skip
