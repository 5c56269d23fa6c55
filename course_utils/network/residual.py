"""A residual (skip) connection around a Dense layer (lesson 11): the input is added back.

    forward:   F = f(Z), Z = X W + b (or BN(X W)),    A = X + F
    backward:  dX = dA + (the Dense layer's dX)  — the skip passes dA on with slope exactly 1

Because ∂A/∂X = I + ∂F/∂X, the gradient reaching the input always has the identity path,
however small ∂F/∂X is: the product of per-layer factors that vanishes in a plain stack
(lesson 08) becomes a sum of paths, one of which skips every layer.

The skip needs n_in = n_out. `MLP(..., residual=True)` makes every hidden layer whose input
and output widths agree a `ResidualDense` (so not the first, which maps the inputs to the
hidden width, nor the output layer).

Example:
    >>> import numpy as np
    >>> from course_utils.network.residual import ResidualDense
    >>> block = ResidualDense(3, 3, activation="relu", seed=0)
    >>> X = np.ones((2, 3))
    >>> np.allclose(block.forward(X), X + block.activation_output)
    True
    >>> dX = block.backward(np.ones((2, 3)))     # the identity path alone would give ones
    >>> dX.shape
    (2, 3)
"""

from __future__ import annotations

import numpy as np

from .layers import Dense


class ResidualDense(Dense):
    r"""A Dense layer with a skip connection: A = X + f(X W + b).

    Formula:
        forward   A = X + F,  F = f(Z),  Z = X W + b (or BatchNorm(X W) with batch_norm)
        backward  dX = dA + (f.backward(Z, dA)) Wᵀ,  dW, db as in `Dense`

    Args:
        n_in, n_out: widths, which must be equal (the input is added to the output).
        the others: as `Dense` (activation, init, bias, init_std, seed, gain, batch_norm).

    Attributes:
        As `Dense`, and F: the branch f(Z) of the last forward pass (`activation_output`);
        A = X + F is what the next layer receives.

    Reference:
        He, Zhang, Ren & Sun (2016), "Deep Residual Learning for Image Recognition", CVPR;
        Zhang, Lipton, Li & Smola, "Dive into Deep Learning", section 8.6 (Residual Networks).
    """

    def __init__(self, n_in, n_out, *args, **kwargs):
        if n_in != n_out:
            raise ValueError(f"ResidualDense: the skip adds the input to the output, so n_in "
                             f"and n_out must be equal, got {n_in} and {n_out}")
        super().__init__(n_in, n_out, *args, **kwargs)
        self.F = None

    @property
    def activation_output(self) -> np.ndarray:
        """f(Z), the branch: what saturates or dies (A = X + F does not)."""
        return self.F

    def _forward(self, X: np.ndarray) -> np.ndarray:
        self.F = super()._forward(X)
        self.A = X + self.F
        return self.A

    def backward(self, grad_A) -> np.ndarray:
        """Dense's backward through the branch, plus dA itself through the skip."""
        return super().backward(grad_A) + grad_A
