"""A multilayer perceptron: Dense layers with hidden activations and a linear output (logits).

    forward:  A₀ = X,  Aₗ = fₗ(Aₗ₋₁ Wₗ + bₗ)  (l = 1 … L−1),  logits = A_{L−1} W_L + b_L
    backward: from dL/dlogits, each layer in reverse turns dL/dAₗ into its grads and dL/dAₗ₋₁.

Example:
    >>> import numpy as np
    >>> from course_utils.network import MLP
    >>> model = MLP([2, 8, 8, 3], activation="tanh", init="xavier_uniform", seed=0)
    >>> model
    MLP(sizes=[2, 8, 8, 3], activation=['tanh', 'tanh'], init='xavier_uniform', bias=0.0)
    >>> logits = model.forward(np.zeros((5, 2)))
    >>> logits.shape
    (5, 3)
    >>> [round(float(g), 3) for g in model.gradient_norms(np.ones((4, 2)), np.array([0, 1, 2, 0]))]
    [0.49, 0.748, 0.583]
"""

from __future__ import annotations

import numpy as np

from .._validate import describe, is_integer, real
from . import losses as _losses
from ._inputs import matrix
from ._threads import single_blas_thread
from .layers import Dense, init_name


class MLP:
    r"""A multilayer perceptron built from layer sizes, with forward and backward passes.

    Formula:
        Aₗ = fₗ(Aₗ₋₁ Wₗ + bₗ) for the hidden layers, logits = A_{L−1} W_L + b_L (no activation:
        the loss applies softmax), and backprop: dAₗ₋₁ = (fₗ.backward(Zₗ, dAₗ)) Wₗᵀ.

    Args:
        sizes: layer widths, inputs first and outputs last, e.g. [64, 128, 64, 10] (≥ 2
            positive integers).
        activation: the hidden activation: a name from `activations.available()` (not
            softmax/log_softmax), an Activation instance, or a list with one per hidden layer
            (default "relu"). PReLU learns one slope per unit.
        init: the weight initialiser for every layer: "normal", "xavier_uniform",
            "xavier_normal", "he" or "he_uniform" (default "he"); see `layers.init_weights`.
        bias: the initial bias of every hidden layer (default 0.0); the output layer's
            bias starts at 0.
        seed: seeds the weights (default 0): the same seed gives the same network.
        init_std: the standard deviation for init="normal" (default 1.0).

    Attributes:
        layers: the Dense layers, first first (each has W, b, activation, grads, X, Z, A).

    Reference:
        Rumelhart, Hinton & Williams (1986), "Learning representations by back-propagating
        errors", Nature 323; Karpathy, micrograd (2020), github.com/karpathy/micrograd.
    """

    def __init__(self, sizes, activation="relu", init="he", bias=0.0, seed=0, init_std=1.0):
        self.sizes = _check_sizes(sizes)
        n_hidden = len(self.sizes) - 2
        acts = _check_activations(activation, n_hidden)
        self.init = init_name(init)
        self.bias = real(bias, "MLP", "bias")
        if self.init == "normal":
            real(init_std, "MLP", "init_std", above=0)
        self.init_std = init_std
        self.seed = seed
        rng = np.random.default_rng(seed)
        self.layers = []
        for i, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            hidden = i < n_hidden
            self.layers.append(Dense(
                n_in, n_out, activation=acts[i] if hidden else None, init=self.init,
                bias=self.bias if hidden else 0.0, init_std=init_std, seed=rng,
            ))

    # --- passes ---------------------------------------------------------------------
    def forward(self, X) -> np.ndarray:
        """The logits for a batch X (N × sizes[0]); each layer caches X, Z and A."""
        A = matrix(X, "MLP.forward", "X", columns=self.sizes[0])
        for layer in self.layers:
            A = layer._forward(A)
        return A

    __call__ = forward

    def backward(self, grad_logits) -> np.ndarray:
        """Fill every layer's `grads` from dL/dlogits (after `forward`); returns dL/dX."""
        grad = grad_logits
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def predict(self, X) -> np.ndarray:
        """Predicted class per row (argmax of the logits)."""
        return self.forward(X).argmax(axis=1)

    # --- parameters -------------------------------------------------------------------
    def named_parameters(self) -> list:
        """[(name, array)], e.g. ("layers.0.W", W), in a fixed order; arrays are live."""
        return [(f"layers.{i}.{k}", v) for i, layer in enumerate(self.layers)
                for k, v in layer.params().items()]

    def parameters(self) -> list:
        """The learnable arrays (live: optimisers update them in place)."""
        return [v for _, v in self.named_parameters()]

    def gradients(self) -> list:
        """The gradients from the last `backward`, in the order of `parameters()`."""
        if not self.layers[0].grads:
            raise RuntimeError("MLP.gradients: call backward first")
        return [layer.grads[k] for layer in self.layers for k in layer.params()]

    def loss_and_gradients(self, X, y, loss="cross_entropy") -> float:
        """Forward, loss and backward on (X, y): returns the loss and fills every layer's grads."""
        loss = _losses.get(loss)
        logits = self.forward(X)
        value = loss(logits, y)
        self.backward(loss.gradient(logits, y))
        return value

    def gradient_norms(self, X, y, loss="cross_entropy") -> np.ndarray:
        """‖dL/dW‖ (Frobenius) per layer on the batch (X, y), first layer first.

        The weights are not changed. This is the plot of lesson 08: in a deep sigmoid net
        the first entries are orders of magnitude smaller than the last.
        """
        with single_blas_thread():
            self.loss_and_gradients(X, y, loss)
        return np.array([np.linalg.norm(layer.grads["W"]) for layer in self.layers])

    # --- description ------------------------------------------------------------------
    @property
    def hidden_activations(self) -> list:
        """The hidden layers' activation names."""
        return [layer.activation_name for layer in self.layers[:-1]]

    def __repr__(self) -> str:
        extra = f", init_std={self.init_std}" if self.init == "normal" else ""
        return (f"MLP(sizes={self.sizes}, activation={self.hidden_activations}, "
                f"init={self.init!r}, bias={self.bias}{extra})")


def _check_sizes(sizes) -> list:
    try:
        values = list(sizes)
    except TypeError:
        raise ValueError(f"MLP: sizes must be a list of layer widths like [2, 16, 3], got {describe(sizes)}") from None
    if len(values) < 2:
        raise ValueError(f"MLP: sizes needs at least 2 entries (inputs, outputs), got {values}")
    for v in values:
        if not is_integer(v) or v < 1:
            raise ValueError(f"MLP: sizes must be positive integers, got {values}")
    return [int(v) for v in values]


def _check_activations(activation, n_hidden: int) -> list:
    if isinstance(activation, (list, tuple)):
        if len(activation) != n_hidden:
            raise ValueError(
                f"MLP: activation lists {len(activation)} activation(s) but there are "
                f"{n_hidden} hidden layer(s)"
            )
        acts = list(activation)
    else:
        acts = [activation] * n_hidden
    if any(a is None for a in acts):  # None would make a linear layer: say so instead
        raise ValueError("MLP: activation must be a name such as 'relu' or an Activation, got None")
    return acts
