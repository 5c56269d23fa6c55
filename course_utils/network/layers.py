"""A fully connected layer and its weight initialisers (lessons 08–10).

    forward:   Z = X W + b,    A = f(Z)
    backward:  dZ = f'(Z) ⊙ dA (via `activation.backward`),
               dW = Xᵀ dZ,  db = Σ_rows dZ,  dX = dZ Wᵀ

Initialisers draw W (shape fan_in × fan_out) so that the signal keeps its scale from layer
to layer: Xavier/Glorot for sigmoid/tanh, He/Kaiming for the ReLU family.

Example:
    >>> import numpy as np
    >>> from course_utils.network import Dense
    >>> layer = Dense(3, 2, activation="relu", init="he", seed=0)
    >>> A = layer.forward(np.ones((4, 3)))
    >>> A.shape, layer.Z.shape
    ((4, 2), (4, 2))
    >>> dX = layer.backward(np.ones((4, 2)))
    >>> sorted(layer.grads), layer.grads["W"].shape, dX.shape
    (['W', 'b'], (3, 2), (4, 3))
"""

from __future__ import annotations

import numpy as np

from .. import activations
from .._validate import Registry, integer, real
from ._inputs import matrix

# name → the distribution (std² for "normal" comes from `init_std`); aliases accepted too.
INITIALIZERS = {
    "normal": "N(0, init_std²)",
    "xavier_uniform": "U(−a, a), a = √(6 / (fan_in + fan_out))",
    "xavier_normal": "N(0, 2 / (fan_in + fan_out))",
    "he": "N(0, 2 / fan_in)",
    "he_uniform": "U(−a, a), a = √(6 / fan_in)",
}
_INITS = Registry("init", INITIALIZERS, aliases={
    "glorot_uniform": "xavier_uniform",
    "glorot_normal": "xavier_normal",
    "he_normal": "he",
    "kaiming": "he",
    "kaiming_normal": "he",
    "kaiming_uniform": "he_uniform",
})


def init_name(init) -> str:
    """The canonical initialiser name for `init` (aliases such as "glorot_uniform" accepted)."""
    return _INITS.key(init)


def init_weights(fan_in, fan_out, init="he", seed=0, init_std=1.0) -> np.ndarray:
    r"""A weight matrix of shape (fan_in, fan_out) drawn by a named initialiser.

    Formula:
        normal           W ~ N(0, init_std²)
        xavier_uniform   W ~ U(−a, a),  a = √(6 / (fan_in + fan_out))   (Var = 2/(fan_in+fan_out))
        xavier_normal    W ~ N(0, 2 / (fan_in + fan_out))
        he               W ~ N(0, 2 / fan_in)
        he_uniform       W ~ U(−a, a),  a = √(6 / fan_in)                (Var = 2/fan_in)

    Plain (untruncated) normals, as in PyTorch; Keras's "glorot_normal"/"he_normal" truncate
    at 2σ and rescale, which gives the same variance.

    Args:
        fan_in: inputs per unit (≥ 1).
        fan_out: units (≥ 1).
        init: one of `INITIALIZERS` (default "he"); aliases "glorot_uniform", "glorot_normal",
            "he_normal", "kaiming_normal", "kaiming_uniform" are accepted.
        seed: an int or a `numpy.random.Generator` (default 0).
        init_std: the standard deviation for init="normal" (default 1.0, the naive
            `np.random.randn` choice that lesson 08 shows failing).

    Returns:
        float64 array (fan_in, fan_out).

    Example:
        >>> from course_utils.network.layers import init_weights
        >>> W = init_weights(1000, 500, "he", seed=0)
        >>> round(float(W.std() ** 2 * 1000), 1)    # Var(W) ≈ 2 / fan_in
        2.0

    Reference:
        Glorot & Bengio (2010), "Understanding the difficulty of training deep feedforward
        neural networks", AISTATS; He, Zhang, Ren & Sun (2015), "Delving Deep into
        Rectifiers", ICCV.
    """
    fan_in = integer(fan_in, "init_weights", "fan_in", at_least=1)
    fan_out = integer(fan_out, "init_weights", "fan_out", at_least=1)
    name = init_name(init)
    rng = np.random.default_rng(seed)
    shape = (fan_in, fan_out)
    if name == "normal":
        std = real(init_std, "init_weights", "init_std", above=0)
        return rng.normal(0.0, std, shape)
    if name == "xavier_uniform":
        a = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-a, a, shape)
    if name == "xavier_normal":
        return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), shape)
    if name == "he":
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
    a = np.sqrt(6.0 / fan_in)  # he_uniform
    return rng.uniform(-a, a, shape)


def make_activation(activation, n_out: int):
    """An Activation for a layer of `n_out` units; None (or "linear") means the identity.

    PReLU gets one learnable slope per unit (as Keras's PReLU layer), in a fresh instance
    so layers never share, and never change, an object the caller passed.
    """
    if activation is None or (isinstance(activation, str) and activation.strip().lower() in ("linear", "identity")):
        return None
    act = activations.get(activation)
    if not act.elementwise:
        raise ValueError(
            f"activation {act.name!r} cannot be a hidden activation (it works along an axis); "
            "the output layer gives logits and the loss applies softmax"
        )
    if isinstance(act, activations.PReLU):
        alpha = np.asarray(act.alpha, dtype=np.float64)
        try:
            alpha = np.broadcast_to(alpha, (n_out,)).copy()
        except ValueError:
            raise ValueError(
                f"prelu: alpha of shape {alpha.shape} does not fit a layer of {n_out} units"
            ) from None
        return activations.PReLU(alpha=alpha)
    return act


class Dense:
    r"""A fully connected layer: Z = X W + b, A = activation(Z), with its backward pass.

    Formula:
        forward   Z = X W + b,  A = f(Z)
        backward  dZ = f.backward(Z, dA),  dW = Xᵀ dZ,  db = Σᵢ dZᵢ,  dX = dZ Wᵀ
                  (PReLU also: dα = Σᵢ dZᵢ·min(Zᵢ, 0) per unit, via `PReLU.alpha_gradient`)

    Args:
        n_in: inputs per sample (≥ 1).
        n_out: units (≥ 1).
        activation: a name from `activations.available()` (elementwise ones), an Activation,
            or None/"linear" for none (default None).
        init: the weight initialiser, see `init_weights` (default "he").
        bias: the initial value of every bias (default 0.0).
        init_std: the std for init="normal" (default 1.0).
        seed: an int or a `numpy.random.Generator` (default 0).

    Attributes:
        W (n_in, n_out), b (n_out,), activation (Activation or None),
        X, Z, A: the last forward pass's input, pre-activation and output (None before),
        grads: dict "W", "b" (and "alpha" for PReLU) after `backward`.

    Reference:
        Rumelhart, Hinton & Williams (1986), "Learning representations by back-propagating
        errors", Nature 323.
    """

    def __init__(self, n_in, n_out, activation=None, init="he", bias=0.0, init_std=1.0, seed=0):
        self.n_in = integer(n_in, "Dense", "n_in", at_least=1)
        self.n_out = integer(n_out, "Dense", "n_out", at_least=1)
        bias = real(bias, "Dense", "bias")
        self.init = init_name(init)
        self.activation = make_activation(activation, self.n_out)
        self.W = init_weights(self.n_in, self.n_out, self.init, seed, init_std)
        self.b = np.full(self.n_out, bias)
        self.X = self.Z = self.A = None
        self.grads: dict = {}

    @property
    def activation_name(self) -> str:
        return "linear" if self.activation is None else self.activation.name

    def params(self) -> dict:
        """The learnable arrays by name (updated in place by the optimisers)."""
        out = {"W": self.W, "b": self.b}
        if isinstance(self.activation, activations.PReLU):
            out["alpha"] = self.activation.alpha
        return out

    def forward(self, X) -> np.ndarray:
        """A = f(X W + b); keeps X, Z and A for `backward` and for the statistics."""
        return self._forward(matrix(X, "Dense.forward", "X", columns=self.n_in))

    def _forward(self, X: np.ndarray) -> np.ndarray:
        # Unchecked: MLP checks its input once, not at every layer.
        Z = X @ self.W
        Z += self.b
        self.X, self.Z = X, Z
        self.A = Z if self.activation is None else self.activation(Z)
        return self.A

    def backward(self, grad_A) -> np.ndarray:
        """Fill `grads` from dL/dA and return dL/dX (needs a `forward` first)."""
        if self.Z is None:
            raise RuntimeError("Dense.backward: call forward first (there is no cached input)")
        grad_A = np.asarray(grad_A, dtype=np.float64)
        if grad_A.shape != self.Z.shape:
            raise ValueError(
                f"Dense.backward: grad_A has shape {grad_A.shape} but the layer output has "
                f"shape {self.Z.shape}"
            )
        act = self.activation
        grad_Z = grad_A if act is None else act.backward(self.Z, grad_A)
        self.grads = {"W": self.X.T @ grad_Z, "b": grad_Z.sum(axis=0)}
        if isinstance(act, activations.PReLU):
            self.grads["alpha"] = act.alpha_gradient(self.Z, grad_A)
        return grad_Z @ self.W.T

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation_name!r}, init={self.init!r})"
