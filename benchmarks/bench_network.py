"""Training throughput of course_utils.network on the digits (samples per second).

The setting: a 64-128-64-10 MLP, ReLU, He init, Adam(1e-3), batch 32, a few epochs over the
1347 training digits, float64, best of a few repeats. Each row of the table is one function
returning samples/s for that setting; the first row is the baseline the ratios refer to.
To add a backend, write a function like `numpy_throughput` and append
(label, function) to `BACKENDS`.

Run: .venv/bin/python benchmarks/bench_network.py   (or `make bench`)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TQDM_DISABLE", "1")

from course_utils import data  # noqa: E402
from course_utils.network import MLP, Adam, fit  # noqa: E402
from course_utils.network import losses  # noqa: E402

SIZES = [64, 128, 64, 10]
EPOCHS = 3
BATCH = 32
REPEATS = 3


def _best_time(run) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def numpy_throughput(epochs=EPOCHS) -> float:
    """samples/s of `network.fit` (including its per-epoch statistics), best of REPEATS."""
    split = data.load_digits(seed=0)

    def run():
        model = MLP(SIZES, activation="relu", init="he", seed=0)
        fit(model, split.X_train, split.y_train, optimizer=Adam(1e-3), epochs=epochs,
            batch_size=BATCH, seed=0, progress=False)

    return epochs * len(split.y_train) / _best_time(run)


def numpy_loop_throughput(epochs=EPOCHS) -> float:
    """samples/s of the bare loop (forward, backward, Adam step; no statistics)."""
    import numpy as np

    split = data.load_digits(seed=0)
    X, y = split.X_train, split.y_train
    ce = losses.SoftmaxCrossEntropy()

    def run():
        model = MLP(SIZES, activation="relu", init="he", seed=0)
        opt, params, rng = Adam(1e-3), model.parameters(), np.random.default_rng(0)
        for _ in range(epochs):
            order = rng.permutation(len(y))
            for start in range(0, len(y), BATCH):
                rows = order[start:start + BATCH]
                model.backward(ce.gradient(model.forward(X[rows]), y[rows]))
                opt.step(params, model.gradients())

    return epochs * len(y) / _best_time(run)


def keras_throughput(epochs=EPOCHS) -> float:
    """samples/s of Keras `model.fit` (JAX backend, float32, XLA-compiled), best of REPEATS.

    Same MLP, starting weights, Adam(1e-3, eps=1e-8) and batch size; the one-off compilation
    (~1-2 s) runs before the timing, so this is the steady-state rate.
    """
    from course_utils import keras_compare as kc

    keras = kc.keras()
    split = data.load_digits(seed=0)
    X, y = split.X_train.astype("float32"), split.y_train
    weights = kc.numpy_weights(MLP(SIZES, activation="relu", init="he", seed=0))
    model = kc.build_mlp(SIZES, "relu", weights=weights)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3, epsilon=1e-8),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X, y, epochs=1, batch_size=BATCH, verbose=0)  # compile outside the timing
    return epochs * len(y) / _best_time(
        lambda: model.fit(X, y, epochs=epochs, batch_size=BATCH, verbose=0))


BACKENDS = [
    ("course_utils.network.fit (NumPy)", numpy_throughput),
    ("bare NumPy loop (no statistics)", numpy_loop_throughput),
    ("Keras 3 on JAX, float32 (after compiling)", keras_throughput),
]


def main() -> int:
    print(f"digits, MLP {SIZES}, relu, Adam, batch {BATCH}, {EPOCHS} epochs, best of {REPEATS}")
    rows = [(label, fn()) for label, fn in BACKENDS]
    base = rows[0][1]
    width = max(len(label) for label, _ in rows)
    print(f"{'backend':<{width}}  {'samples/s':>10}  {'× baseline':>10}")
    for label, rate in rows:
        print(f"{label:<{width}}  {rate:>10,.0f}  {rate / base:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
