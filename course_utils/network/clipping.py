"""Gradient clipping by global norm (lesson 11): cap the length of one step, keep its direction.

    ‖g‖ = √(Σ over every parameter array of Σ g²)
    g ← g · min(1, max_norm / ‖g‖)

Every gradient array is scaled by the same factor, so the update points where it pointed; only
a step longer than `max_norm` is shortened. It tames exploding gradients (a rare huge step that
throws the weights far away), it does not fix vanishing ones.

Example:
    >>> import numpy as np
    >>> from course_utils.network.clipping import clip_by_global_norm
    >>> grads = [np.array([3.0, 0.0]), np.array([[4.0]])]      # global norm 5
    >>> clipped, norm = clip_by_global_norm(grads, max_norm=1.0)
    >>> norm, clipped[0], clipped[1]
    (5.0, array([0.6, 0. ]), array([[0.8]]))
"""

from __future__ import annotations

import numpy as np

from .. import _validate


def global_norm(grads) -> float:
    """√(Σ g²) over every element of every array in `grads`."""
    return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))


def clip_by_global_norm(grads, max_norm) -> tuple:
    r"""Scale a list of gradient arrays so that their global norm is at most `max_norm`.

    Formula:
        ‖g‖ = √(Σᵢ ‖gᵢ‖²),   gᵢ ← gᵢ · min(1, max_norm / ‖g‖)

    Args:
        grads: a list of arrays (e.g. `MLP.gradients()`); not modified.
        max_norm: the largest allowed global norm, > 0.

    Returns:
        (clipped, norm): new arrays (the same ones when no clipping was needed) and the
        global norm before clipping.

    Reference:
        Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural
        networks", ICML; `torch.nn.utils.clip_grad_norm_`, Keras's `global_clipnorm`.
    """
    max_norm = _validate.real(max_norm, "clip_by_global_norm", "max_norm", above=0)
    grads = [np.asarray(g, dtype=np.float64) for g in grads]
    norm = global_norm(grads)
    if not norm > max_norm:  # also when the norm is NaN: nothing sensible to scale by
        return grads, norm
    scale = max_norm / norm
    return [g * scale for g in grads], norm
