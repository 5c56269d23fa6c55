"""Losses, each with its gradient side by side: mean squared error and softmax cross-entropy.

A loss is called as `loss(outputs, y) -> float` and `loss.gradient(outputs, y) -> dL/doutputs`
(same shape as the outputs). The network's last layer is linear, so `outputs` are logits.

Example:
    >>> import numpy as np
    >>> from course_utils.network import losses
    >>> logits = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    >>> y = np.array([0, 2])
    >>> ce = losses.SoftmaxCrossEntropy()
    >>> round(ce(logits, y), 4)
    0.6342
    >>> ce.gradient(logits, y).sum(axis=1)        # each row of softmax − onehot sums to 0
    array([0., 0.])
"""

from __future__ import annotations

import numpy as np

from .. import activations
from .._validate import Registry, integer


def _outputs(outputs, owner: str) -> np.ndarray:
    out = np.asarray(outputs, dtype=np.float64)
    if out.ndim != 2:
        raise ValueError(f"{owner}: outputs must be 2-D (samples × outputs), got shape {out.shape}")
    return out


def labels(y, n_samples: int, n_classes: int, owner: str) -> np.ndarray:
    """Integer class labels in [0, n_classes), one per sample, or a clear ValueError."""
    arr = np.asarray(y)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{owner}: y must be integer class labels, got dtype {arr.dtype}")
    if arr.ndim != 1 or arr.shape[0] != n_samples:
        raise ValueError(
            f"{owner}: y must be 1-D with one label per sample ({n_samples}), got shape {arr.shape}"
        )
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(f"{owner}: y must be whole-number class labels, got non-integers")
    arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{owner}: labels must lie in [0, {n_classes - 1}] for {n_classes} outputs, "
            f"got values from {arr.min()} to {arr.max()}"
        )
    return arr


def one_hot(y, num_classes) -> np.ndarray:
    """Rows of the identity: one_hot([2, 0], 3) → [[0, 0, 1], [1, 0, 0]] (float64).

    Example:
        >>> from course_utils.network.losses import one_hot
        >>> one_hot([2, 0], 3)
        array([[0., 0., 1.],
               [1., 0., 0.]])
    """
    num_classes = integer(num_classes, "one_hot", "num_classes", at_least=1)
    y = labels(y, len(np.asarray(y).reshape(-1)), num_classes, "one_hot")
    out = np.zeros((y.size, num_classes))
    out[np.arange(y.size), y] = 1.0
    return out


class Loss:
    """Base class: `__call__(outputs, y)` → float, `gradient(outputs, y)` → dL/doutputs."""

    name = "loss"

    def __call__(self, outputs, y) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def gradient(self, outputs, y) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MeanSquaredError(Loss):
    r"""Mean squared error over every entry (as Keras's "mse").

    Formula:
        L = (1 / (N·C)) Σᵢ Σ_c (ŷᵢc − yᵢc)²,    ∂L/∂ŷ = 2 (ŷ − y) / (N·C)

    Args:
        outputs: predictions ŷ, shape (N, C).
        y: targets, shape (N, C), or (N,) when C = 1.

    Returns:
        `__call__`: the loss, a float; `gradient`: dL/dŷ, shape (N, C).

    Example:
        >>> import numpy as np
        >>> from course_utils.network.losses import MeanSquaredError
        >>> mse = MeanSquaredError()
        >>> mse(np.array([[1.0], [3.0]]), np.array([0.0, 1.0]))
        2.5
        >>> mse.gradient(np.array([[1.0], [3.0]]), np.array([0.0, 1.0]))
        array([[1.],
               [2.]])

    Reference:
        Goodfellow, Bengio & Courville (2016), "Deep Learning", MIT Press, §6.2.1.
    """

    name = "mse"

    def _pair(self, outputs, y):
        out = _outputs(outputs, "MeanSquaredError")
        t = np.asarray(y, dtype=np.float64)
        if t.ndim == 1 and out.shape[1] == 1:
            t = t[:, None]
        if t.shape != out.shape:
            hint = " (for class labels use losses.one_hot(y, C))" if t.ndim == 1 else ""
            raise ValueError(
                f"MeanSquaredError: y has shape {np.shape(y)} but the outputs have shape "
                f"{out.shape}{hint}"
            )
        return out, t

    def __call__(self, outputs, y) -> float:
        out, t = self._pair(outputs, y)
        return float(np.mean((out - t) ** 2))

    def gradient(self, outputs, y) -> np.ndarray:
        out, t = self._pair(outputs, y)
        return 2.0 * (out - t) / out.size


class SoftmaxCrossEntropy(Loss):
    r"""Cross-entropy of softmax(logits) against the true classes, computed from the logits.

    Formula:
        L = −(1/N) Σᵢ log softmax(zᵢ)[yᵢ],    ∂L/∂z = (softmax(z) − onehot(y)) / N

    Uses `log_softmax` (max-subtracted, log1p), so huge logits neither overflow nor give
    log(0): never compute log(softmax(z)) in two steps.

    Args:
        outputs: logits z, shape (N, C).
        y: integer labels in [0, C), shape (N,); or target probabilities, shape (N, C),
            rows summing to 1 (e.g. `one_hot(y, C)`).

    Returns:
        `__call__`: the mean loss, a float; `gradient`: dL/dz, shape (N, C).

    Example:
        >>> import numpy as np
        >>> from course_utils.network.losses import SoftmaxCrossEntropy
        >>> ce = SoftmaxCrossEntropy()
        >>> ce(np.array([[1000.0, 0.0]]), np.array([1]))     # stable: no overflow, no inf
        1000.0
        >>> round(ce(np.zeros((1, 4)), np.array([3])), 6)     # uniform guess: log 4
        1.386294

    Reference:
        Bridle (1990), "Probabilistic Interpretation of Feedforward Classification Network
        Outputs", Neurocomputing; Goodfellow et al. (2016), "Deep Learning", §6.2.2.
    """

    name = "cross_entropy"
    _log_softmax = activations.LogSoftmax(axis=-1)

    def _targets(self, out, y):
        t = np.asarray(y)
        if t.ndim == 2:
            if t.shape != out.shape:
                raise ValueError(
                    f"SoftmaxCrossEntropy: y has shape {t.shape} but the logits have shape {out.shape}"
                )
            return t.astype(np.float64)
        return labels(y, out.shape[0], out.shape[1], "SoftmaxCrossEntropy")

    def __call__(self, outputs, y) -> float:
        out = _outputs(outputs, "SoftmaxCrossEntropy")
        t = self._targets(out, y)
        logp = self._log_softmax(out)
        if t.ndim == 2:
            return float(-np.sum(t * logp) / out.shape[0])
        return float(-np.mean(logp[np.arange(out.shape[0]), t]))

    def gradient(self, outputs, y) -> np.ndarray:
        out = _outputs(outputs, "SoftmaxCrossEntropy")
        t = self._targets(out, y)
        grad = np.exp(self._log_softmax(out))  # softmax
        if t.ndim == 2:
            grad -= t
        else:
            grad[np.arange(out.shape[0]), t] -= 1.0
        grad /= out.shape[0]
        return grad


_LOSSES = Registry("loss", {"cross_entropy": SoftmaxCrossEntropy, "mse": MeanSquaredError},
                   aliases={"softmax_cross_entropy": "cross_entropy",
                            "categorical_crossentropy": "cross_entropy",
                            "mean_squared_error": "mse"}, instance_of=Loss)


def get(loss) -> Loss:
    """A Loss from a name ("cross_entropy", "mse" and their long names) or a Loss, returned as is."""
    return _LOSSES.get(loss)


def accuracy(outputs, y) -> float:
    """Fraction of correct predictions, or NaN when it has no meaning (regression targets).

    Class labels (N,) with C ≥ 2 outputs: argmax. One-hot targets (N, C): argmax of both.
    One output and 0/1 targets: the prediction is (output > 0.5).

    Example:
        >>> import numpy as np
        >>> from course_utils.network.losses import accuracy
        >>> accuracy(np.array([[2.0, 1.0], [0.0, 3.0]]), np.array([0, 0]))
        0.5
    """
    out = _outputs(outputs, "accuracy")
    t = np.asarray(y)
    if out.shape[1] == 1:
        t = t.reshape(-1)
        if t.shape[0] != out.shape[0] or not np.all((t == 0) | (t == 1)):
            return float("nan")
        return float(np.mean((out[:, 0] > 0.5) == (t == 1)))
    if t.ndim == 2:
        if t.shape != out.shape:
            return float("nan")
        t = t.argmax(axis=1)
    t = labels(t, out.shape[0], out.shape[1], "accuracy")
    return float(np.mean(out.argmax(axis=1) == t))
