"""Test definitions for Deep Neural Network for Image Classification: Application.

Public cases (public=True) are what students see in public_tests; every case
is part of the hidden tests.  Expected values come from the reference
solution (python -m autograder.golden --refresh), never from this file.

Both models are checked against `numeric` too: the same gradient descent,
driven by central-difference gradients of a cost written below, independently
of dnn_app_utils.py and of any solution.  The cases are small (a few inputs,
a few hundred iterations) so that grading stays fast.

Some seeds of `_problem` were skipped: where an example switches off every
unit of a hidden layer at the start, the next layer's Z is exactly 0 (the
biases start at 0), ReLU's kink, where finite differences and the derivative
convention of relu_backward disagree.  The golden script refuses such cases.
"""

import numpy as np

from autograder.define import Case, Exercise, numerical_gradient, rng


def _problem(seed, n_x, m):
    """X (n_x, m) in [0, 1], like scaled pixels, and labels Y (1, m) that depend on X."""
    r = rng(seed)
    X = r.random((n_x, m))
    Y = (X[:1] - X[-1:] + 0.2 * r.normal(size=(1, m)) > 0).astype(float)
    Y[0, 0], Y[0, -1] = 1.0, 0.0  # both classes in every case
    return X, Y


def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


# --- the reference's initialisations, restated (seed 1 inside both) --------------------------

def _two_layer_init(layers_dims):
    n_x, n_h, n_y = layers_dims
    np.random.seed(1)
    W1, W2 = np.random.randn(n_h, n_x) * 0.01, np.random.randn(n_y, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def _deep_init(layers_dims):
    np.random.seed(1)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters[f"W{l}"] = np.random.randn(layers_dims[l], layers_dims[l - 1]) / np.sqrt(layers_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layers_dims[l], 1))
    return parameters


def _relu(Z):
    return np.maximum(0, Z)


def _cost(X, Y, parameters):
    """Cross-entropy of [LINEAR->RELU] x (L-1), LINEAR->SIGMOID."""
    L = len(parameters) // 2
    A = X
    for l in range(1, L + 1):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        A = _sigmoid(Z) if l == L else _relu(Z)
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


def _descent(X, Y, parameters, learning_rate, num_iterations, gradients, record=lambda i: i % 100 == 0,
             update=True):
    """Gradient descent from `parameters`, with `gradients(parameters)` -> {parameter name: gradient}."""
    parameters = {name: value.copy() for name, value in parameters.items()}
    costs = []
    for i in range(num_iterations):
        cost = _cost(X, Y, parameters)
        grads = gradients(parameters)
        if update:
            parameters = {name: value - learning_rate * grads[name] for name, value in parameters.items()}
        if record(i):
            costs.append(cost)
    return parameters, costs


def _numeric(init):
    """The model trained with finite-difference gradients."""
    def model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
        def gradients(p):
            return {name: numerical_gradient(lambda: _cost(X, Y, p), p[name]) for name in p}
        return _descent(X, Y, init(layers_dims), learning_rate, num_iterations, gradients)
    return model


# --- known mistakes: exact gradients, with one thing changed -----------------------------------

def _backward(X, Y, wrong_dA=False):
    """gradients(parameters) by backward propagation; `wrong_dA`: every hidden layer is given dAL."""
    def gradients(parameters):
        L, m = len(parameters) // 2, X.shape[1]
        A, cache = X, []
        for l in range(1, L + 1):
            Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
            cache.append((A, Z))
            A = _sigmoid(Z) if l == L else _relu(Z)
        dAL = -(Y / A - (1 - Y) / (1 - A))
        dZ, grads = A - Y, {}
        for l in reversed(range(1, L + 1)):
            grads[f"W{l}"] = dZ @ cache[l - 1][0].T / m
            grads[f"b{l}"] = np.sum(dZ, axis=1, keepdims=True) / m
            if l > 1:
                dA = dAL if wrong_dA else parameters[f"W{l}"].T @ dZ
                dZ = dA * (cache[l - 2][1] > 0)
        return grads
    return gradients


def _mistake(init, wrong_dA=False, fixed_rate=None, **options):
    def model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
        return _descent(X, Y, init(layers_dims), fixed_rate or learning_rate, num_iterations,
                        _backward(X, Y, wrong_dA), **options)
    return model


def _mistakes(init):
    return {
        "the costs are recorded at every iteration: append the cost only when i % 100 == 0.":
            _mistake(init, record=lambda i: True),
        "the parameters never change: keep what update_parameters returns, "
        "parameters = update_parameters(parameters, grads, learning_rate).":
            _mistake(init, update=False),
        "the learning_rate argument is not used: this is the result for 0.0075, the default. "
        "Pass learning_rate on to update_parameters.":
            _mistake(init, fixed_rate=0.0075),
    }


WRONG_DA = ("layer 1's backward step takes dA1, the gradient that layer 2's backward step returned, "
            "not dA2.")

EXERCISES = [
    Exercise("two_layer_model", outputs=("parameters", "costs"), cases=[
        Case((*_problem(517, 6, 12), (6, 4, 1)), dict(learning_rate=0.05, num_iterations=301), public=True),
        Case((*_problem(502, 8, 20), (8, 5, 1)), dict(num_iterations=250)),
        Case((*_problem(503, 3, 5), [3, 2, 1]), dict(learning_rate=0.5, num_iterations=1)),
        Case((*_problem(504, 5, 9), (5, 3, 1)), dict(learning_rate=0.2, num_iterations=120, print_cost=True)),
    ], numeric=_numeric(_two_layer_init), mistakes={
        WRONG_DA: _mistake(_two_layer_init, wrong_dA=True), **_mistakes(_two_layer_init)}),

    Exercise("L_layer_model", outputs=("parameters", "costs"), cases=[
        Case((*_problem(543, 6, 12), [6, 5, 3, 1]), dict(learning_rate=0.05, num_iterations=301), public=True),
        Case((*_problem(538, 8, 20), [8, 6, 4, 3, 1]), dict(num_iterations=250)),
        Case((*_problem(513, 4, 7), [4, 1]), dict(learning_rate=0.3, num_iterations=120)),
        Case((*_problem(514, 5, 9), [5, 4, 1]), dict(learning_rate=0.2, num_iterations=101, print_cost=True)),
    ], numeric=_numeric(_deep_init), mistakes=_mistakes(_deep_init)),
]
