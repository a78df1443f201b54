"""Test definitions for Planar data classification with one hidden layer.

Public cases (public=True) are what students see in public_tests; every case
is part of the hidden tests.  Expected values come from the reference
solution (python -m autograder.golden --refresh), never from this file.
`initialize_parameters` draws from numpy's global generator without seeding
it, so its cases seed it (Case(seed=...)).  `backward_propagation` also
carries `numeric`: its gradients estimated by finite differences of the cost,
from the forward computation written below, independently of any solution.
`nn_model` and `predict` call earlier exercises (`deps`): their tests replay
the reference results of those calls, so a mistake there costs only its own
points.  The training cases are a few iterations on a few points, to keep
grading quick.
"""

import copy

import numpy as np

from autograder.define import Case, Exercise, numerical_gradient, rng


# --- inputs -------------------------------------------------------------------

def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def _labels(seed, m):
    Y = (rng(seed).random((1, m)) > 0.5).astype(float)
    Y[0, 0], Y[0, -1] = 1.0, 0.0  # both classes in every case with m > 1
    return Y


def _data(seed, n_x, m, n_y=1):
    """X of shape (n_x, m) and labels Y of shape (n_y, m)."""
    X = rng(seed).normal(size=(n_x, m))
    Y = np.vstack([_labels(seed + 1000 * (k + 1), m) for k in range(n_y)])
    return X, Y


def _parameters(seed, n_x, n_h, n_y=1):
    r = rng(seed)
    return {"W1": r.normal(size=(n_h, n_x)) * 0.6, "b1": r.normal(size=(n_h, 1)) * 0.2,
            "W2": r.normal(size=(n_y, n_h)) * 0.6, "b2": r.normal(size=(n_y, 1)) * 0.2}


def _forward(X, parameters, hidden=np.tanh, output=_sigmoid):
    """A2 and the cache {"Z1", "A1", "Z2", "A2"}, as in the notebook."""
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = hidden(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = output(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _backward_case(seed, n_x, n_h, m):
    """(parameters, cache, X, Y) with the cache of a forward pass of these parameters on X."""
    X, Y = _data(seed, n_x, m)
    parameters = _parameters(seed + 1, n_x, n_h)
    return parameters, _forward(X, parameters)[1], X, Y


def _grads_like(seed, parameters):
    r = rng(seed)
    return {f"d{name}": r.normal(size=value.shape) * 0.3 for name, value in parameters.items()}


def _cost(A2, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)


# --- the finite-difference version of backward_propagation -----------------------

def _numeric_backward_propagation(parameters, cache, X, Y):
    """Gradients of the cross-entropy cost with respect to W1, b1, W2, b2 (the cache is not used)."""
    parameters = copy.deepcopy(parameters)

    def J():
        return _cost(_forward(X, parameters)[0], Y)
    return {f"d{name}": numerical_gradient(J, parameters[name]) for name in ("W1", "b1", "W2", "b2")}


# --- known mistakes -------------------------------------------------------------

def _initialize(n_x, n_h, n_y, order=("W1", "W2"), draw=np.random.randn, scale=0.01):
    shapes = {"W1": (n_h, n_x), "W2": (n_y, n_h)}
    drawn = {name: draw(*shapes[name]) * scale for name in order}
    return {"W1": drawn["W1"], "b1": np.zeros((n_h, 1)), "W2": drawn["W2"], "b2": np.zeros((n_y, 1))}


def _backward(parameters, cache, X, Y, tanh_slope=lambda A1: 1 - A1 ** 2):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = parameters["W2"].T @ dZ2 * tanh_slope(cache["A1"])
    return {"dW1": dZ1 @ X.T / m, "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
            "dW2": dZ2 @ cache["A1"].T / m, "db2": np.sum(dZ2, axis=1, keepdims=True) / m}


def _update(parameters, grads, learning_rate=1.2, sign=-1.0, biases=True):
    updated = copy.deepcopy(parameters)
    for name in ("W1", "b1", "W2", "b2"):
        if biases or name.startswith("W"):
            updated[name] = updated[name] + sign * learning_rate * grads["d" + name]
    return updated


SHAPE_1 = ("n_x is the number of input features, X.shape[0]; X.shape[1] is the number of examples "
           "(and n_y is Y.shape[0]).")
SIGMOID_HIDDEN = "the hidden layer uses tanh: A1 = np.tanh(Z1); the sigmoid belongs to the output layer only."
TANH_OUTPUT = ("the output layer uses the sigmoid, A2 = sigmoid(Z2), so that A2 is a probability between 0 and 1; "
               "tanh belongs to the hidden layer.")
TANH_SLOPE = ("the derivative of tanh is 1 - tanh(z)**2: with A1 = tanh(Z1), "
              "dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2)), not * (1 - A1).")
SIGMOID_SLOPE = ("A1 * (1 - A1) is the sigmoid's derivative; the hidden layer is tanh, "
                 "whose derivative is 1 - A1**2.")
UPHILL = "the step goes uphill: parameters move against the gradient, W1 = W1 - learning_rate * dW1."

_X, _Y = _data(301, 2, 5)

EXERCISES = [
    Exercise("layer_sizes", outputs=("n_x", "n_h", "n_y"), cases=[
        Case((rng(311).normal(size=(5, 3)), _labels(312, 3).repeat(2, axis=0)), public=True),
        Case(_data(313, 2, 7)),
        Case(_data(314, 10, 4, n_y=3)),
        Case(_data(315, 1, 1)),
    ], mistakes={SHAPE_1: lambda X, Y: (X.shape[1], 4, Y.shape[1])}),

    Exercise("initialize_parameters", outputs=("parameters",), cases=[
        Case((2, 4, 1), seed=2, public=True),
        Case((3, 5, 2), seed=7),
        Case((1, 1, 1), seed=11),
        Case((6, 3, 1), seed=3),
    ], mistakes={
        "W2 was drawn before W1: draw W1 first, then W2, so that everyone gets the same numbers.":
            lambda n_x, n_h, n_y: _initialize(n_x, n_h, n_y, order=("W2", "W1")),
        "the weights are not scaled down: multiply np.random.randn(...) by 0.01.":
            lambda n_x, n_h, n_y: _initialize(n_x, n_h, n_y, scale=1.0),
        "np.random.rand draws uniformly from [0, 1): use np.random.randn, the standard normal distribution.":
            lambda n_x, n_h, n_y: _initialize(n_x, n_h, n_y, draw=np.random.rand),
    }),

    Exercise("forward_propagation", outputs=("A2", "cache"), cases=[
        Case((_X, _parameters(302, 2, 4)), public=True),
        Case((_data(321, 3, 6)[0], _parameters(322, 3, 4))),
        Case((_data(323, 1, 1)[0], _parameters(324, 1, 2))),
        Case((_data(325, 4, 10)[0], _parameters(326, 4, 7))),
    ], mistakes={
        SIGMOID_HIDDEN: lambda X, parameters: _forward(X, parameters, hidden=_sigmoid),
        TANH_OUTPUT: lambda X, parameters: _forward(X, parameters, output=np.tanh),
    }),

    Exercise("compute_cost", outputs=("cost",), cases=[
        Case((np.array([[0.9, 0.2, 0.6, 0.3]]), np.array([[1.0, 0.0, 0.0, 1.0]])), public=True),
        Case((_sigmoid(rng(331).normal(size=(1, 7))), _labels(332, 7))),
        Case((np.array([[0.25]]), np.array([[0.0]]))),
        Case((_sigmoid(rng(333).normal(size=(1, 20)) * 3), _labels(334, 20))),
    ], mistakes={
        "the cost has two terms: Y * log(A2) for the examples labelled 1 and (1 - Y) * log(1 - A2) "
        "for those labelled 0.": lambda A2, Y: float(-np.sum(Y * np.log(A2)) / Y.shape[1]),
    }),

    Exercise("backward_propagation", outputs=("grads",), cases=[
        Case(_backward_case(341, 3, 4, 5), public=True),
        Case(_backward_case(343, 2, 4, 7)),
        Case(_backward_case(345, 1, 3, 2)),
        Case(_backward_case(347, 5, 2, 4)),
    ], numeric=_numeric_backward_propagation, mistakes={
        TANH_SLOPE: lambda p, c, X, Y: _backward(p, c, X, Y, tanh_slope=lambda A1: 1 - A1),
        SIGMOID_SLOPE: lambda p, c, X, Y: _backward(p, c, X, Y, tanh_slope=lambda A1: A1 * (1 - A1)),
    }),

    Exercise("update_parameters", outputs=("parameters",), cases=[
        Case((_parameters(351, 2, 4), _grads_like(352, _parameters(351, 2, 4))), public=True),
        Case((_parameters(353, 3, 5), _grads_like(354, _parameters(353, 3, 5))), dict(learning_rate=0.5)),
        Case((_parameters(355, 1, 2), _grads_like(356, _parameters(355, 1, 2)), 0.01)),
        Case((_parameters(357, 4, 3, 2), _grads_like(358, _parameters(357, 4, 3, 2)))),
    ], mistakes={
        UPHILL: lambda p, g, learning_rate=1.2: _update(p, g, learning_rate, sign=1.0),
        "the biases are not updated: b1 = b1 - learning_rate * db1, and likewise b2.":
            lambda p, g, learning_rate=1.2: _update(p, g, learning_rate, biases=False),
    }),

    Exercise("nn_model", outputs=("parameters",), deps=(
            "layer_sizes", "initialize_parameters", "forward_propagation", "compute_cost", "backward_propagation",
            "update_parameters"), cases=[
        Case((*_data(361, 2, 5), 4), dict(num_iterations=6), public=True),
        Case((*_data(362, 3, 6), 2), dict(num_iterations=6, print_cost=True)),
        Case((*_data(363, 2, 4), 5), dict(num_iterations=3)),
        Case((*_data(364, 1, 5), 3), dict(num_iterations=5)),
    ]),

    Exercise("predict", outputs=("predictions",), deps=("forward_propagation",), cases=[
        Case((_parameters(371, 2, 4), _data(372, 2, 8)[0]), public=True),
        Case((_parameters(373, 3, 5), _data(374, 3, 6)[0])),
        Case((_parameters(375, 1, 2), _data(376, 1, 1)[0])),
        Case((_parameters(377, 2, 20), _data(378, 2, 12)[0])),
    ], mistakes={
        "these are the probabilities A2: turn them into labels, 1. where A2 > 0.5 and 0. elsewhere.":
            lambda parameters, X: _forward(X, parameters)[0],
    }),
]
