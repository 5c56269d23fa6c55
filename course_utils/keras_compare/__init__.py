"""Lesson 10: course_utils next to Keras 3 — values, derivatives, layers, training, gradients.

The only part of the course that imports Keras (and JAX), and only when a function here is
called: `import course_utils.keras_compare` itself is cheap. Keras runs on the JAX backend
unless you chose another with KERAS_BACKEND before importing course_utils.

Modules:
    values       activation pairs with explicit arguments, value tables, tails vs mpmath,
                 the default hyperparameters of each library
    derivatives  course_utils derivatives vs autodiff through Keras
    models       the lesson's MLP in Keras, training, autodiff of a custom activation,
                 PReLU slopes, per-layer gradient norms
    training     the same MLP trained with course_utils.network and with Keras
    _backend     loading Keras quietly; the backend-specific code (JAX autodiff, float64)

Example:
    >>> from course_utils import keras_compare
    >>> keras_compare.backend()
    'jax'
    >>> table = keras_compare.compare_values([keras_compare.pair("relu")])
    >>> table.column("max abs diff")
    [0.0]
"""

from __future__ import annotations

from ._backend import (
    AUTODIFF_BACKENDS,
    BackendNotSupported,
    backend,
    float64,
    keras,
    set_seed,
)
from ._reference import reference
from ._table import Table
from .derivatives import autodiff_derivative, autodiff_vjp, compare_derivatives, relative_error_curve
from .models import (
    KERAS_ARGUMENTS,
    KerasRun,
    accuracy,
    build_mlp,
    describe,
    fit_keras,
    grad,
    gradient_norms,
    keras_activation,
    logits,
    numpy_weights,
    prelu_slopes,
)
from .training import TrainingComparison, compare_training, init_for
from .values import (
    PAIRS,
    TAIL_CASES,
    Pair,
    compare_values,
    differences,
    keras_defaults,
    logit_rows,
    pair,
    tail_cases,
    value_grid,
)

__all__ = [
    "AUTODIFF_BACKENDS", "BackendNotSupported", "backend", "float64", "keras", "set_seed",
    "reference", "Table", "autodiff_derivative", "autodiff_vjp", "compare_derivatives",
    "relative_error_curve", "PAIRS", "TAIL_CASES", "Pair", "compare_values", "differences",
    "keras_defaults", "logit_rows", "pair", "tail_cases", "value_grid",
    "KERAS_ARGUMENTS", "KerasRun", "accuracy", "build_mlp", "describe", "fit_keras", "grad",
    "gradient_norms", "keras_activation", "logits", "numpy_weights", "prelu_slopes",
    "TrainingComparison", "compare_training", "init_for",
]
