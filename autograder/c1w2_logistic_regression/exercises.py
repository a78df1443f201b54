"""Test definitions for Logistic Regression with a Neural Network mindset.

Public cases (public=True) are what students see in public_tests; every case
is part of the hidden tests.  Expected values come from the reference
solution (python -m autograder.golden --refresh), never from this file.
Exercises that call earlier ones list them in `deps`: their tests replay the
reference results of those calls.
"""

import numpy as np

from autograder.define import Case, Exercise, rng

FLIPPED = "the sign inside the exponential is flipped: sigmoid(z) = 1 / (1 + exp(-z))."

# Small fixed inputs: 3 features, 4 examples.
W = np.array([[0.5], [-1.0], [0.25]])
B = 0.2
X = np.array([[1.0, -0.5, 2.0, 0.0],
              [0.3, 1.2, -0.7, 2.5],
              [-1.5, 0.4, 1.0, -2.0]])
Y = np.array([[1, 0, 1, 0]])


def _random_problem(seed, n_x, m):
    r = rng(seed)
    X = r.normal(size=(n_x, m))
    w = r.normal(size=(n_x, 1)) * 0.5
    Y = (X[:1] + 0.5 * X[1:2] + 0.3 * r.normal(size=(1, m)) > 0).astype(float)
    return w, float(r.normal()), X, Y


def _separable(seed, n_x, m):
    X = rng(seed).normal(size=(n_x, m))
    return X, (X[:1] - X[1:2] > 0).astype(float)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


EXERCISES = [
    Exercise("sigmoid", outputs=("s",), cases=[
        Case((np.array([-1.0, 0.0, 3.0]),), public=True),
        Case((rng(101).normal(size=(3, 4)) * 3,)),
        Case((np.array([[20.0], [-20.0]]),)),
        Case((0.4,)),
    ], mistakes={FLIPPED: lambda z: 1 / (1 + np.exp(z))}),

    Exercise("initialize_with_zeros", outputs=("w", "b"), cases=[
        Case((3,), public=True),
        Case((1,)),
        Case((50,)),
    ]),

    Exercise("propagate", outputs=("grads", "cost"), deps=("sigmoid",), cases=[
        Case((W, B, X, Y), public=True),
        Case(_random_problem(111, 6, 10)),
        Case(_random_problem(112, 2, 25)),
        Case((np.zeros((4, 1)), 0.0, rng(113).normal(size=(4, 7)), np.array([[1, 0, 0, 1, 1, 0, 1]]))),
    ]),

    Exercise("optimize", outputs=("params", "grads", "costs"), deps=("propagate",), cases=[
        Case((W, B, X, Y), dict(num_iterations=101, learning_rate=0.05), public=True),
        Case(_random_problem(121, 5, 12)),
        Case(_random_problem(122, 3, 20), dict(num_iterations=201, learning_rate=0.2, print_cost=True)),
        Case(_random_problem(123, 2, 6), dict(num_iterations=1, learning_rate=1.0)),
    ]),

    Exercise("predict", outputs=("Y_prediction",), deps=("sigmoid",), cases=[
        Case((np.array([[0.8], [-0.6]]), -0.1,
              np.array([[1.0, -1.2, 0.3, 2.0, -0.4], [0.5, 0.9, -1.5, 1.0, -2.2]])), public=True),
        Case(_random_problem(131, 4, 9)[:3]),
        Case(_random_problem(132, 6, 3)[:3]),
    ], mistakes={
        "these are the probabilities A: turn them into labels, 1. where A > 0.5 and 0. elsewhere.":
            lambda w, b, X: _sigmoid(np.dot(w.T, X) + b),
    }),

    Exercise("model", outputs=("d",), deps=("initialize_with_zeros", "optimize", "predict"), cases=[
        Case((*_separable(141, 4, 12), *_separable(142, 4, 6)), dict(num_iterations=300, learning_rate=0.1),
             public=True),
        Case((*_separable(143, 5, 20), *_separable(144, 5, 8))),
        Case((*_separable(145, 3, 15), *_separable(146, 3, 5)),
             dict(num_iterations=50, learning_rate=0.01, print_cost=True)),
    ]),
]
