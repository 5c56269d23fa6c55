"""What is going on inside a network: per-layer statistics of one forward pass (lessons 08–09).

For each layer, on a batch of inputs:
- `act_mean`, `act_std`: mean and standard deviation of the layer's outputs;
- `saturated`: sigmoid and tanh only, the fraction of outputs in the flat tails:
  |tanh| > 0.97 (where tanh′ < 0.06) and σ outside [0.03, 0.97] (where σ′ < 0.03). NaN for
  every other activation (they do not saturate for positive inputs) and the output layer;
- `inactive`: the ReLU family only (every hidden activation except sigmoid and tanh), the
  fraction of units whose pre-activation is ≤ 0 for every input of the batch ("switched off");
- `dead`: the fraction of units that pass no gradient at all on the batch: the activation's
  slope is exactly 0 for every input. For ReLU this is exactly "inactive" (slope 0 for z ≤ 0),
  and such a unit never learns again from these inputs. Leaky ReLU and PReLU (slope
  `negative_slope`/alpha below 0) and ELU, SELU, GELU, SiLU and softplus (slopes that only
  tend to 0) are never dead: their inactive units still learn and can come back. NaN for the
  output layer, which has no activation.

Example:
    >>> import numpy as np
    >>> from course_utils.network import MLP
    >>> from course_utils.network.stats import layer_statistics
    >>> model = MLP([2, 4, 4, 2], activation=["tanh", "relu"], seed=0)
    >>> stats = layer_statistics(model, np.random.default_rng(0).normal(size=(50, 2)))
    >>> stats["saturated"], stats["inactive"]       # each statistic where it applies
    (array([0.04,  nan,  nan]), array([nan,  0., nan]))
"""

from __future__ import annotations

import numpy as np

from ._threads import single_blas_thread

SATURATION = {"tanh": 0.97, "sigmoid": 0.03}
"""tanh: |a| > 0.97 is saturated; sigmoid: a < 0.03 or a > 0.97."""

NOT_RECTIFIERS = ("sigmoid", "tanh", "linear")
"""Activations without an "off" side: `inactive` is NaN for them."""


def saturated_fraction(activation_name: str, A) -> float:
    """The fraction of outputs `A` in the flat tails of sigmoid/tanh; NaN for others.

    Example:
        >>> import numpy as np
        >>> from course_utils.network.stats import saturated_fraction
        >>> saturated_fraction("tanh", np.tanh(np.array([0.1, 3.0, -3.0, 0.5])))
        0.5
        >>> saturated_fraction("relu", np.array([1.0]))
        nan
    """
    A = np.asarray(A)
    if activation_name == "tanh":
        return float(np.mean(np.abs(A) > SATURATION["tanh"]))
    if activation_name == "sigmoid":
        lo = SATURATION["sigmoid"]
        return float(np.mean((A < lo) | (A > 1.0 - lo)))
    return float("nan")


def inactive_fraction(activation_name: str, Z) -> float:
    """The fraction of units (columns of the pre-activations Z) with Z ≤ 0 on every row.

    NaN for sigmoid, tanh and "linear", which have no "off" side.

    Example:
        >>> import numpy as np
        >>> from course_utils.network.stats import inactive_fraction
        >>> Z = np.array([[-1.0, 2.0, 0.0], [-3.0, -1.0, -0.5]])
        >>> inactive_fraction("leaky_relu", Z)      # columns 0 and 2 never fire
        0.6666666666666666
    """
    if activation_name in NOT_RECTIFIERS:
        return float("nan")
    return float(np.mean(np.all(np.asarray(Z) <= 0, axis=0)))


def dead_fraction(activation, Z) -> float:
    """The fraction of units whose slope activation′(Z) is exactly 0 on every row of Z.

    Args:
        activation: an Activation, or None for a linear layer (→ NaN).
        Z: pre-activations, (samples, units).

    Example:
        >>> import numpy as np
        >>> from course_utils.activations import ReLU, LeakyReLU
        >>> from course_utils.network.stats import dead_fraction
        >>> Z = np.array([[-1.0, 2.0, 0.0], [-3.0, -1.0, -0.5]])
        >>> dead_fraction(ReLU(), Z), dead_fraction(LeakyReLU(), Z)
        (0.6666666666666666, 0.0)
    """
    if activation is None:
        return float("nan")
    return float(np.mean(np.all(activation.derivative(Z) == 0, axis=0)))


def layer_statistics(model, X) -> dict:
    """Per-layer statistics of one forward pass on X: arrays with one entry per layer.

    Returns:
        dict with "act_mean", "act_std", "saturated", "inactive", "dead" (see the module
        docstring), plus "pre_activations" and "activations": lists of the Z and A arrays.
    """
    with single_blas_thread():  # these small products run faster on one thread
        model.forward(X)
    return cached_statistics(model)


def cached_statistics(model) -> dict:
    """`layer_statistics` from the layers' caches (the last forward pass)."""
    Zs = [layer.Z for layer in model.layers]
    As = [layer.A for layer in model.layers]
    return {
        "act_mean": np.array([A.mean() for A in As]),
        "act_std": np.array([A.std() for A in As]),
        # f(Z): for a residual layer the branch, not X + f(Z), is what saturates
        "saturated": np.array([saturated_fraction(layer.activation_name, layer.activation_output)
                               for layer in model.layers]),
        "inactive": np.array([inactive_fraction(layer.activation_name, Z)
                              for layer, Z in zip(model.layers, Zs)]),
        "dead": np.array([dead_fraction(layer.activation, Z)
                          for layer, Z in zip(model.layers, Zs)]),
        "pre_activations": Zs,
        "activations": As,
    }
