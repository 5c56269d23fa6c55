"""Optimisers: plain/momentum SGD and Adam, each updating parameter arrays in place.

`optimizer.step(params, grads)` takes two lists of arrays in the same order (as
`MLP.parameters()` and `MLP.gradients()` return them). State (velocity, moments) is kept per
parameter array, so one optimiser must not be shared between models you train separately
(`reset()` forgets it).

Example:
    >>> import numpy as np
    >>> from course_utils.network.optimizers import SGD
    >>> w = np.array([1.0, -2.0])
    >>> SGD(lr=0.1).step([w], [np.array([1.0, 1.0])])
    >>> w
    array([ 0.9, -2.1])
"""

from __future__ import annotations

import numpy as np

from .._validate import Registry, real


class Optimizer:
    """Base class: per-parameter state keyed by the array itself."""

    def __init__(self, lr):
        self.lr = real(lr, type(self).__name__, "lr", above=0)
        self._state: dict = {}

    def reset(self) -> None:
        """Forget all state (velocities, moments, step counts)."""
        self._state = {}

    def step(self, params, grads) -> None:
        """Update every array in `params` in place from the matching array in `grads`."""
        params, grads = list(params), list(grads)
        if len(params) != len(grads):
            raise ValueError(
                f"{type(self).__name__}.step: {len(params)} parameters but {len(grads)} gradients"
            )
        for p, g in zip(params, grads):
            if np.shape(p) != np.shape(g):
                raise ValueError(
                    f"{type(self).__name__}.step: a gradient of shape {np.shape(g)} for a "
                    f"parameter of shape {np.shape(p)}"
                )
            # Keyed by id, holding the array so the id cannot be reused while we remember it.
            entry = self._state.get(id(p))
            if entry is None or entry[0] is not p:
                entry = self._state[id(p)] = [p, self._new_state(p)]
            self._update(p, np.asarray(g, dtype=np.float64), entry[1])

    def _new_state(self, p) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _update(self, p, g, state) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with (heavy-ball) momentum.

    Formula:
        v ← momentum·v + g,    θ ← θ − lr·v        (momentum = 0: θ ← θ − lr·g)

    Args:
        lr: the learning rate, > 0 (default 0.01, as Keras).
        momentum: in [0, 1) (default 0.0).

    Example:
        >>> import numpy as np
        >>> from course_utils.network.optimizers import SGD
        >>> w = np.array([0.0]); opt = SGD(lr=1.0, momentum=0.5)
        >>> for _ in range(3):
        ...     opt.step([w], [np.array([1.0])])
        >>> w                                    # steps of 1, 1.5, 1.75
        array([-4.25])

    Reference:
        Polyak (1964), "Some methods of speeding up the convergence of iteration methods";
        Sutskever, Martens, Dahl & Hinton (2013), "On the importance of initialization and
        momentum in deep learning", ICML (the form used by PyTorch).
    """

    def __init__(self, lr=0.01, momentum=0.0):
        super().__init__(lr)
        self.momentum = real(momentum, "SGD", "momentum", at_least=0, below=1)

    def _new_state(self, p):
        return {"v": np.zeros(np.shape(p))} if self.momentum else {}

    def _update(self, p, g, state):
        if self.momentum:
            v = state["v"]
            v *= self.momentum
            v += g
            g = v
        p -= self.lr * g

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum})"


class Adam(Optimizer):
    r"""Adam: per-parameter step sizes from running averages of g and g².

    Formula:
        m ← β₁m + (1−β₁)g,    v ← β₂v + (1−β₂)g²,    t ← t + 1
        θ ← θ − lr · m̂ / (√v̂ + ε),    m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ)

    Args:
        lr: the learning rate, > 0 (default 1e-3).
        beta1, beta2: decay rates in [0, 1) (defaults 0.9, 0.999).
        eps: > 0 (default 1e-8, as the paper and PyTorch; Keras uses 1e-7).

    Example:
        >>> import numpy as np
        >>> from course_utils.network.optimizers import Adam
        >>> w = np.array([1.0, 1.0])
        >>> Adam(lr=0.1).step([w], [np.array([100.0, 0.001])])
        >>> w                                   # the first step is ≈ lr whatever g's scale
        array([0.9     , 0.900001])

    Reference:
        Kingma & Ba (2015), "Adam: A Method for Stochastic Optimization", ICLR.
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1 = real(beta1, "Adam", "beta1", at_least=0, below=1)
        self.beta2 = real(beta2, "Adam", "beta2", at_least=0, below=1)
        self.eps = real(eps, "Adam", "eps", above=0)

    def _new_state(self, p):
        return {"m": np.zeros(np.shape(p)), "v": np.zeros(np.shape(p)), "t": 0}

    def _update(self, p, g, state):
        m, v = state["m"], state["v"]
        state["t"] += 1
        t = state["t"]
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * (g * g)
        step_size = self.lr / (1.0 - self.beta1**t)
        denom = np.sqrt(v / (1.0 - self.beta2**t))
        denom += self.eps
        p -= step_size * m / denom

    def __repr__(self):
        return f"Adam(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"


_OPTIMIZERS = Registry("optimizer", {"sgd": SGD, "adam": Adam}, instance_of=Optimizer)


def get(optimizer=None, **params) -> Optimizer:
    """An Optimizer from a name ("sgd", "adam") and its settings, or one returned as is.

    None gives `Adam()` (lr = 1e-3).
    """
    return _OPTIMIZERS.get("adam" if optimizer is None else optimizer, **params)
