"""Penalties on the generator's own weights, added to its loss (not to the critic's).

:func:`orthogonal_penalty` is the sum that BigGAN's orthogonal regularisation (Brock et al.
2019, Eq. 3) multiplies by beta: ``sum_W ||W^T W * (1 - I)||_F^2`` over the kernels W. Only the
off-diagonal entries of the Gram matrix count, so filters are pushed towards mutually
orthogonal directions while their norms stay free.

Each kernel (a weight with two or more axes; biases and normalisation scales have one) is
read as a matrix of shape (-1, kernel.shape[-1]): Dense (in, out) as it is, Conv1D
(k, in, out) as (k * in, out), Conv1DTranspose (k, out, in) as (k * out, in). Keras keeps last
the axis that PyTorch keeps first, so this is BigGAN's ``W.view(W.shape[0], -1)`` transposed,
and W^T W is the same Gram matrix between the rows of BigGAN's view.
"""

from keras import ops


def orthogonal_penalty(weights):
    """``sum_W ||W^T W * (1 - I)||_F^2`` (a float32 scalar) over the ``weights`` with two or more axes."""
    total = ops.zeros((), "float32")
    for weight in weights:
        if len(weight.shape) < 2:
            continue
        columns = weight.shape[-1]
        matrix = ops.reshape(ops.cast(weight, "float32"), (-1, columns))
        gram = ops.matmul(ops.transpose(matrix), matrix)
        total = total + ops.sum(ops.square(gram * (1.0 - ops.eye(columns, dtype="float32"))))
    return total
