"""Lesson 10: course_utils next to Keras 3 — values, derivatives, layers, training, gradients.

The only part of the course that imports Keras (and JAX), and only when a function here is
called: `import course_utils.keras_compare` itself is cheap. Keras runs on the JAX backend
unless you chose another with KERAS_BACKEND before importing course_utils.

Modules (each imports only those above it):
    _backend     loading Keras quietly; the backend-specific code: float64 and autodiff
                 (`grad`, `autodiff_derivative`)
    values       activation pairs with explicit arguments, value tables, tails vs the 50-digit
                 references of `course_utils.reference`, the default hyperparameters
    derivatives  course_utils derivatives vs autodiff through Keras
    models       the lesson's MLP in Keras, training, PReLU slopes, per-layer gradient norms
    training     the same MLP trained with course_utils.network and with Keras

Example:
    >>> from course_utils import keras_compare
    >>> keras_compare.backend()
    'jax'
    >>> table = keras_compare.compare_values([keras_compare.pair("relu")])
    >>> table.column("max abs diff")
    [0.0]
"""

from __future__ import annotations

from ._backend import autodiff_derivative, backend, grad, keras
from .derivatives import compare_derivatives, relative_error_curve
from .models import build_mlp, describe, fit_keras, gradient_norms, numpy_weights, prelu_slopes
from .training import compare_training
from .values import PAIRS, TAIL_CASES, compare_values, keras_defaults, pair, tail_cases

__all__ = [
    "backend", "keras", "grad", "autodiff_derivative",
    "PAIRS", "pair", "compare_values", "TAIL_CASES", "tail_cases", "keras_defaults",
    "compare_derivatives", "relative_error_curve",
    "build_mlp", "describe", "fit_keras", "numpy_weights", "prelu_slopes", "gradient_norms",
    "compare_training",
]
