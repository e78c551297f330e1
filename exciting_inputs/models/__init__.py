"""The response model of Walker et al. 2019 (``network``): the CNN core, the pyramid readout and their penalties."""

from exciting_inputs.models.network import build_core, build_response_model
from exciting_inputs.models.readout import PyramidReadout, bilinear_sample, laplace_pyramid
from exciting_inputs.models.regularizers import Clip, GroupSparsity, LaplaceL2

__all__ = ["Clip", "GroupSparsity", "LaplaceL2", "PyramidReadout", "bilinear_sample", "build_core",
           "build_response_model", "laplace_pyramid"]  # fmt: skip
