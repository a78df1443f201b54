"""Test definitions for Building a Deep Neural Network, Step by Step.

Public cases (public=True) are what students see in public_tests; every case
is part of the hidden tests.  Expected values come from the reference
solution (python -m autograder.golden --refresh), never from this file.
The three backward exercises also carry `numeric`: the same outputs
estimated by finite differences from the forward computation written below,
independently of any solution.
"""

import copy

import numpy as np

from autograder.define import Case, Exercise, numerical_gradient, rng


# --- inputs -------------------------------------------------------------------

def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def _relu(Z):
    return np.maximum(0, Z)


ACTIVATIONS = {"sigmoid": _sigmoid, "relu": _relu}


def _network(seed, dims, m):
    """X of shape (dims[0], m) and parameters W1, b1, ... drawn from a seeded generator."""
    r = rng(seed)
    X = r.normal(size=(dims[0], m))
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = r.normal(size=(dims[l], dims[l - 1])) * 0.6
        parameters[f"b{l}"] = r.normal(size=(dims[l], 1)) * 0.2
    return X, parameters


def _labels(seed, m):
    Y = (rng(seed).random((1, m)) > 0.5).astype(float)
    Y[0, 0], Y[0, -1] = 1.0, 0.0  # both classes in every case
    return Y


def _forward(X, parameters, hidden="relu", output="sigmoid"):
    """AL and the caches, in the notebook's format: caches[l-1] = ((A_prev, W, b), Z)."""
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z = W @ A + b
        caches.append(((A, W, b), Z))
        A = ACTIVATIONS[output if l == L else hidden](Z)
    return A, caches


def _layer_cache(seed, n_prev, n, m, shift=0.0):
    r = rng(seed)
    A, W, b = r.normal(size=(n_prev, m)), r.normal(size=(n, n_prev)) * 0.7, r.normal(size=(n, 1)) * 0.3 + shift
    return (A, W, b), W @ A + b


def _gradients_like(seed, parameters):
    r = rng(seed)
    return {f"d{name}": r.normal(size=value.shape) for name, value in parameters.items()}


def _backward_case(seed, dims, m):
    X, parameters = _network(seed, dims, m)
    AL, caches = _forward(X, parameters)
    return AL, _labels(seed + 1, m), caches


# --- finite-difference versions of the backward exercises ------------------------

def _numeric_linear_backward(dZ, cache):
    A, W, b = copy.deepcopy(cache)
    m = A.shape[1]

    def F():  # a number whose gradient with respect to Z is dZ
        return np.sum(dZ * (W @ A + b))
    return numerical_gradient(F, A), numerical_gradient(F, W) / m, numerical_gradient(F, b) / m


def _numeric_linear_activation_backward(dA, cache, activation):
    (A, W, b), _ = copy.deepcopy(cache)
    m = A.shape[1]
    g = ACTIVATIONS[activation]

    def F():  # a number whose gradient with respect to the layer's output is dA
        return np.sum(dA * g(W @ A + b))
    return numerical_gradient(F, A), numerical_gradient(F, W) / m, numerical_gradient(F, b) / m


def _numeric_L_model_backward(AL, Y, caches):
    """Gradients of the cross-entropy cost J; dA{l} is m times dJ/dA{l} (the notebook's convention)."""
    caches = copy.deepcopy(caches)
    L, m = len(caches), Y.shape[1]
    activations = [linear_cache[0] for linear_cache, _ in caches]  # A0 = X, A1, ..., A{L-1}
    Ws = [linear_cache[1] for linear_cache, _ in caches]
    bs = [linear_cache[2] for linear_cache, _ in caches]

    def cost_from(l):  # J as a function of A{l} and of the parameters of layers l+1 .. L
        def J():
            A = activations[l]
            for k in range(l, L):
                A = ACTIVATIONS["sigmoid" if k == L - 1 else "relu"](Ws[k] @ A + bs[k])
            return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
        return J
    grads = {}
    for l in range(L):
        grads[f"dA{l}"] = numerical_gradient(cost_from(l), activations[l]) * m
        grads[f"dW{l + 1}"] = numerical_gradient(cost_from(0), Ws[l])
        grads[f"db{l + 1}"] = numerical_gradient(cost_from(0), bs[l])
    return grads


# --- known mistakes -------------------------------------------------------------

def _linear_activation_forward_swapped(A_prev, W, b, activation):
    Z = W @ A_prev + b
    A = _relu(Z) if activation == "sigmoid" else _sigmoid(Z)
    return A, ((A_prev, W, b), Z)


def _linear_activation_forward_cache_order(A_prev, W, b, activation):
    Z = W @ A_prev + b
    return ACTIVATIONS[activation](Z), (Z, (A_prev, W, b))


def _L_model_forward_all(activation):
    return lambda X, parameters: _forward(X, parameters, hidden=activation, output=activation)


def _linear_backward(dZ, cache, scale_dA=1.0):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    return (W.T @ dZ) * scale_dA, (dZ @ A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


def _dZ(dA, Z, activation):
    if activation == "relu":
        return np.where(Z > 0, dA, 0.0)
    s = _sigmoid(Z)
    return dA * s * (1 - s)


def _L_model_backward_wrong_dA(AL, Y, caches):
    """Passes dAL to every layer instead of the dA the layer above returned."""
    L = len(caches)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    grads = {}
    for l in reversed(range(L)):
        linear_cache, Z = caches[l]
        dZ = _dZ(dAL, Z, "sigmoid" if l == L - 1 else "relu")
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = _linear_backward(dZ, linear_cache)
    return grads


def _update(params, grads, learning_rate, sign=-1.0, biases=True):
    parameters = copy.deepcopy(params)
    for l in range(1, len(parameters) // 2 + 1):
        parameters[f"W{l}"] = parameters[f"W{l}"] + sign * learning_rate * grads[f"dW{l}"]
        if biases:
            parameters[f"b{l}"] = parameters[f"b{l}"] + sign * learning_rate * grads[f"db{l}"]
    return parameters


SWAPPED = ('the activations are swapped: activation == "sigmoid" applies sigmoid (the output layer), '
           '"relu" applies relu (the hidden layers).')
CACHE_ORDER = "the cache is (linear_cache, activation_cache), in that order: ((A_prev, W, b), Z)."
LAST_LAYER = ("layers 1 to L-1 are LINEAR->RELU and only layer L is LINEAR->SIGMOID: "
              "the loop covers the hidden layers, the last layer comes after it.")
WRONG_DA = ('each layer\'s backward step takes the dA that the layer above it returned, grads["dA" + str(l + 1)], '
            "not dAL.")

_X, _PARAMS = _network(401, [5, 4, 3, 1], 4)
_AL, _CACHES = _forward(_X, _PARAMS)

EXERCISES = [
    Exercise("initialize_parameters", outputs=("parameters",), cases=[
        Case((3, 2, 1), public=True),
        Case((5, 4, 2)),
        Case((1, 1, 1)),
        Case((10, 7, 3)),
    ]),

    Exercise("initialize_parameters_deep", outputs=("parameters",), cases=[
        Case(([5, 4, 3],), public=True),
        Case(([4, 6, 1],)),
        Case(([12, 8, 5, 3, 1],)),
        Case(([2, 1],)),
    ]),

    Exercise("linear_forward", outputs=("Z", "cache"), cases=[
        Case((np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.0]]), np.array([[0.2, -0.4, 1.0]]), np.array([[0.5]])),
             public=True),
        Case(_layer_cache(411, 4, 3, 5)[0]),
        Case(_layer_cache(412, 1, 6, 2)[0]),
    ], mistakes={
        "b is missing: Z = np.dot(W, A) + b.": lambda A, W, b: (W @ A, (A, W, b)),
    }),

    Exercise("linear_activation_forward", outputs=("A", "cache"), deps=("linear_forward",), cases=[
        Case((*_layer_cache(421, 3, 2, 4)[0], "sigmoid"), public=True),
        Case((*_layer_cache(421, 3, 2, 4)[0], "relu"), public=True),
        Case((*_layer_cache(422, 5, 4, 3)[0], "relu")),
        Case((*_layer_cache(423, 2, 1, 6)[0], "sigmoid")),
        Case((*_layer_cache(424, 6, 3, 2)[0], "relu")),
    ], mistakes={SWAPPED: _linear_activation_forward_swapped, CACHE_ORDER: _linear_activation_forward_cache_order}),

    Exercise("L_model_forward", outputs=("AL", "caches"), deps=("linear_activation_forward",), cases=[
        Case((_X, _PARAMS), public=True),
        Case(_network(431, [4, 3, 1], 5)),
        Case(_network(432, [6, 5, 4, 3, 1], 3)),
        Case(_network(433, [3, 1], 4)),
    ], mistakes={LAST_LAYER: _L_model_forward_all("relu"), LAST_LAYER + " (Here every layer used sigmoid.)":
                 _L_model_forward_all("sigmoid")}),

    Exercise("compute_cost", outputs=("cost",), cases=[
        Case((np.array([[0.8, 0.9, 0.4]]), np.array([[1.0, 1.0, 0.0]])), public=True),
        Case((_sigmoid(rng(441).normal(size=(1, 7))), _labels(442, 7))),
        Case((np.array([[0.5]]), np.array([[1.0]]))),
        Case((_sigmoid(rng(443).normal(size=(1, 20)) * 3), _labels(444, 20))),
    ]),

    Exercise("linear_backward", outputs=("dA_prev", "dW", "db"), cases=[
        Case((rng(451).normal(size=(2, 4)), _layer_cache(452, 3, 2, 4)[0]), public=True),
        Case((rng(453).normal(size=(1, 5)), _layer_cache(454, 4, 1, 5)[0])),
        Case((rng(455).normal(size=(5, 3)), _layer_cache(456, 2, 5, 3)[0])),
    ], numeric=_numeric_linear_backward, mistakes={
        "dA_prev is divided by m: only dW and db are averaged over the examples; dA_prev = np.dot(W.T, dZ).":
            lambda dZ, cache: _linear_backward(dZ, cache, scale_dA=1 / cache[0].shape[1]),
    }),

    Exercise("linear_activation_backward", outputs=("dA_prev", "dW", "db"), deps=("linear_backward",), cases=[
        Case((rng(461).normal(size=(2, 4)), _layer_cache(462, 3, 2, 4), "sigmoid"), public=True),
        Case((rng(461).normal(size=(2, 4)), _layer_cache(462, 3, 2, 4), "relu"), public=True),
        Case((rng(463).normal(size=(4, 3)), _layer_cache(464, 5, 4, 3), "relu")),
        Case((rng(465).normal(size=(1, 6)), _layer_cache(466, 2, 1, 6), "sigmoid")),
    ], numeric=_numeric_linear_activation_backward, mistakes={
        SWAPPED.replace("applies sigmoid", "uses sigmoid_backward").replace("applies relu", "uses relu_backward"):
            lambda dA, cache, activation: _linear_backward(
                _dZ(dA, cache[1], "relu" if activation == "sigmoid" else "sigmoid"), cache[0]),
    }),

    Exercise("L_model_backward", outputs=("grads",), deps=("linear_activation_backward",), cases=[
        Case((_AL, _labels(402, 4), _CACHES), public=True),
        Case(_backward_case(471, [4, 3, 1], 5)),
        Case(_backward_case(473, [6, 5, 4, 3, 1], 3)),
        Case(_backward_case(475, [3, 1], 4)),
    ], numeric=_numeric_L_model_backward, mistakes={WRONG_DA: _L_model_backward_wrong_dA}),

    Exercise("update_parameters", outputs=("parameters",), cases=[
        Case((_PARAMS, _numeric_L_model_backward(_AL, _labels(402, 4), _CACHES), 0.1), public=True),
        Case((_network(481, [3, 4, 1], 1)[1], _gradients_like(482, _network(481, [3, 4, 1], 1)[1]), 0.05)),
        Case((_network(483, [2, 2, 2, 1], 1)[1], _gradients_like(484, _network(483, [2, 2, 2, 1], 1)[1]), 1.2)),
    ], mistakes={
        "the step goes uphill: parameters move against the gradient, W = W - learning_rate * dW.":
            lambda p, g, lr: _update(p, g, lr, sign=1.0),
        "the biases are not updated: b = b - learning_rate * db too.":
            lambda p, g, lr: _update(p, g, lr, biases=False),
    }),
]
