"""Activation functions, each with its derivative and backward pass side by side.

Every activation is a small class (`Sigmoid`, `ReLU`, `LeakyReLU`, ...) with
`__call__(x)`, `derivative(x)`, `backward(x, grad_output)`, a `name`, a LaTeX `formula` and its
hyperparameters as attributes; plain functions (`sigmoid(x)`, `leaky_relu(x, negative_slope=...)`)
call them. `get("relu")` builds one by name and `available()` lists the names.

Introduced in lesson 01 (sigmoid) and used by every lesson after it.

Example:
    >>> from course_utils import activations
    >>> act = activations.get("leaky_relu", negative_slope=0.1)
    >>> act
    LeakyReLU(negative_slope=0.1)
    >>> act([-1.0, 2.0])
    array([-0.1,  2. ])
    >>> activations.available()[:4]
    ['sigmoid', 'tanh', 'relu', 'leaky_relu']
"""

from __future__ import annotations

from .._validate import Registry
from ._base import Activation
from ._rectifiers import ELU, SELU, LeakyReLU, PReLU, ReLU
from ._saturating import Sigmoid, Tanh
from ._smooth import GELU, SiLU, Softplus
from ._softmax import LogSoftmax, Softmax

__all__ = [
    "Activation", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "PReLU", "ELU", "SELU", "GELU",
    "SiLU", "Softplus", "Softmax", "LogSoftmax", "get", "available",
    "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "selu", "gelu", "silu", "swish",
    "softplus", "softmax", "log_softmax",
]

_REGISTRY = Registry("activation", {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "prelu": PReLU,
    "elu": ELU,
    "selu": SELU,
    "gelu": GELU,
    "silu": SiLU,
    "softplus": Softplus,
    "softmax": Softmax,
    "log_softmax": LogSoftmax,
}, aliases={"swish": "silu"}, instance_of=Activation)


def available(elementwise_only: bool = False) -> list[str]:
    """The names `get` accepts, in course order (aliases such as "swish" are accepted too).

    Args:
        elementwise_only: leave out softmax and log_softmax, which work along an axis
            (default False).
    """
    names = _REGISTRY.names()
    return [n for n in names if _REGISTRY.entries[n].elementwise] if elementwise_only else names


def get(name, **params) -> Activation:
    """An activation instance by name (case-insensitive), with its hyperparameters.

    Args:
        name: one of `available()` (or the alias "swish"), or an `Activation`, returned as is.
        **params: hyperparameters, e.g. `negative_slope=0.2` for "leaky_relu".

    Returns:
        A new instance, e.g. `get("elu", alpha=0.5)` → `ELU(alpha=0.5)`.

    Raises:
        ValueError: unknown name (the message lists the valid ones) or a bad hyperparameter.
    """
    return _REGISTRY.get(name, **params)


# Plain functions: one call, same behaviour as the classes (see each class for the docs).
def sigmoid(x):
    """Logistic sigmoid 1/(1+e^{−x}); see `Sigmoid`."""
    return Sigmoid()(x)


def tanh(x):
    """Hyperbolic tangent; see `Tanh`."""
    return Tanh()(x)


def relu(x):
    """max(x, 0); see `ReLU`."""
    return ReLU()(x)


def leaky_relu(x, negative_slope=0.01):
    """x for x > 0, negative_slope·x otherwise; see `LeakyReLU`."""
    return LeakyReLU(negative_slope)(x)


def prelu(x, alpha=0.25):
    """x for x > 0, alpha·x otherwise (alpha learnable); see `PReLU`."""
    return PReLU(alpha)(x)


def elu(x, alpha=1.0):
    """x for x > 0, alpha·(eˣ − 1) otherwise; see `ELU`."""
    return ELU(alpha)(x)


def selu(x):
    """Scaled ELU with the self-normalising constants; see `SELU`."""
    return SELU()(x)


def gelu(x, approximate=False):
    """x·Φ(x) (exact) or its tanh approximation; see `GELU`."""
    return GELU(approximate)(x)


def silu(x):
    """x·σ(x), also called swish; see `SiLU`."""
    return SiLU()(x)


swish = silu


def softplus(x):
    """log(1 + eˣ), computed stably; see `Softplus`."""
    return Softplus()(x)


def softmax(x, axis=-1):
    """Probabilities along `axis`, max-subtracted; see `Softmax`."""
    return Softmax(axis)(x)


def log_softmax(x, axis=-1):
    """log(softmax(x)) without forming softmax; see `LogSoftmax`."""
    return LogSoftmax(axis)(x)
