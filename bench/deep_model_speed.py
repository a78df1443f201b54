"""Benchmark: the reference L_layer_model against the time of its own matrix products.

    python bench/deep_model_speed.py [--iterations 2500] [--rounds 3]

Trains the reference `L_layer_model` of source/c1w4_deep_nn_application (layers 12288-20-7-5-1, the 209
training pictures) and compares its time with the machine's limit for it: the same matrix products
(every np.dot call the training makes, recorded with its shapes and memory layouts during one iteration)
run as bare np.dot calls, as many times, in the same run. The ratio says how much the rest of the
training (activations, cost, bookkeeping, Python) adds on top of the matrix products; the course's
target is at most 1.5. Both are measured one after the other in each of ROUNDS rounds; the median of the
rounds' ratios is kept (a busy spell of the machine then spoils one round, not the result).
Nothing here is a test: numbers depend on the machine.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.reference import reference_namespace  # noqa: E402
from lr_utils import load_dataset  # noqa: E402  (the course's loader, reading datasets/ beside it)

ASSIGNMENT = "c1w4_deep_nn_application"
LAYERS = [12288, 20, 7, 5, 1]


def training_data():
    train_x_orig, train_y, _, _, _ = load_dataset()
    return train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255., train_y


def like(array):
    """A random array of the same shape, dtype and memory layout (a transposed view stays one)."""
    if array.flags.c_contiguous or array.ndim < 2:
        return np.random.rand(*array.shape).astype(array.dtype)
    return np.random.rand(*array.shape[::-1]).astype(array.dtype).T


def recorded_products(model, X, Y):
    """The operands' stand-ins of every np.dot call one training iteration makes."""
    calls, dot = [], np.dot

    def recording(a, b, *rest):
        calls.append((like(np.asarray(a)), like(np.asarray(b))))
        return dot(a, b, *rest)
    np.dot = recording
    try:
        model(X, Y, LAYERS, num_iterations=1)
    finally:
        np.dot = dot
    return calls


def time_products(calls, iterations):
    start = time.perf_counter()
    for _ in range(iterations):
        for a, b in calls:
            np.dot(a, b)
    return time.perf_counter() - start


def time_model(model, X, Y, iterations):
    start = time.perf_counter()
    model(X, Y, LAYERS, num_iterations=iterations)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=2500)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    model = reference_namespace(ASSIGNMENT)["L_layer_model"]
    X, Y = training_data()
    calls = recorded_products(model, X, Y)
    print(f"L_layer_model {'-'.join(map(str, LAYERS))}, {X.shape[1]} examples, {options.iterations} iterations; "
          f"{len(calls)} np.dot calls per iteration:")
    for a, b in calls:
        print(f"  {str(a.shape):12s} x {str(b.shape):12s}{'  (first operand transposed)' * (not a.flags.c_contiguous)}"
              f"{'  (second operand transposed)' * (not b.flags.c_contiguous)}")
    models, products = [], []
    for round_ in range(1, options.rounds + 1):
        products.append(time_products(calls, options.iterations))
        models.append(time_model(model, X, Y, options.iterations))
        print(f"round {round_}: bare np.dot {products[-1]:7.1f} s   L_layer_model {models[-1]:7.1f} s   "
              f"ratio {models[-1] / products[-1]:.2f}", flush=True)
    ratio = statistics.median(m / p for m, p in zip(models, products))
    print(f"median: bare np.dot {statistics.median(products):.1f} s, L_layer_model {statistics.median(models):.1f} s")
    print(f"ratio L_layer_model / bare np.dot, median of the rounds: {ratio:.2f}  (target: at most 1.5)")


if __name__ == "__main__":
    main()
