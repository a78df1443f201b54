"""Test definitions for Regularization.

Public cases (public=True) are what students see in public_tests; every case
is part of the hidden tests.  Expected values come from the reference
solution (python -m autograder.golden --refresh), never from this file.

The network is the notebook's: LINEAR->RELU->LINEAR->RELU->LINEAR->SIGMOID,
caches are tuples (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3), with the
dropout masks after Z1 and Z2 when there is dropout:
(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3).  Gradients are
{"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"}:
dW and db of the cost, dZ and dA per example (m times the gradient of the cost).

Both backward exercises carry `numeric`: all eleven gradients estimated by
central differences of a cost computed below, independently of any
solution -- the regularised cost, or the cost of the forward pass with the
cache's dropout masks held fixed.  Every case has nonzero biases, so that no
ReLU sits at its kink, where finite differences and the derivative disagree.
"""

import copy

import numpy as np

from autograder.define import Case, Exercise, numerical_gradient, rng

NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


# --- inputs -------------------------------------------------------------------

def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def _relu(Z):
    return np.maximum(0, Z)


def _labels(seed, m):
    Y = (rng(seed).random((1, m)) > 0.5).astype(float)
    Y[0, 0], Y[0, -1] = 1.0, 0.0  # both classes in every case
    return Y


def _parameters(seed, dims):
    r = rng(seed)
    parameters = {}
    for l in range(1, 4):
        parameters[f"W{l}"] = r.normal(size=(dims[l], dims[l - 1])) * 0.8
        parameters[f"b{l}"] = r.normal(size=(dims[l], 1)) * 0.3 + 0.1
    return parameters


def _problem(seed, dims, m):
    """X (n_x, m), Y (1, m) and parameters of a network of sizes dims = [n_x, n_1, n_2, 1]."""
    return rng(seed).normal(size=(dims[0], m)), _labels(seed + 1, m), _parameters(seed + 2, dims)


def _masks(seed, dims, m, keep_prob):
    r = rng(seed)
    return r.random((dims[1], m)) < keep_prob, r.random((dims[2], m)) < keep_prob


def _forward(X, parameters, masks=None, keep_prob=1.0):
    """A3 and the cache; with `masks` (D1, D2), inverted dropout on both hidden layers."""
    W1, b1, W2, b2, W3, b3 = (parameters[name] for name in NAMES)
    Z1 = W1 @ X + b1
    A1 = _relu(Z1)
    if masks is not None:
        A1 = A1 * masks[0] / keep_prob
    Z2 = W2 @ A1 + b2
    A2 = _relu(Z2)
    if masks is not None:
        A2 = A2 * masks[1] / keep_prob
    Z3 = W3 @ A2 + b3
    A3 = _sigmoid(Z3)
    if masks is None:
        return A3, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
    return A3, (Z1, masks[0], A1, W1, b1, Z2, masks[1], A2, W2, b2, Z3, A3, W3, b3)


def _cost_case(seed, dims, m, lambd):
    X, Y, parameters = _problem(seed, dims, m)
    return _forward(X, parameters)[0], Y, parameters, lambd


def _regularization_case(seed, dims, m, lambd):
    X, Y, parameters = _problem(seed, dims, m)
    return X, Y, _forward(X, parameters)[1], lambd


def _dropout_case(seed, dims, m, keep_prob):
    X, Y, parameters = _problem(seed, dims, m)
    return X, Y, _forward(X, parameters, _masks(seed + 3, dims, m, keep_prob), keep_prob)[1], keep_prob


def _cross_entropy(A3, Y):
    return float(-np.mean(Y * np.log(A3) + (1 - Y) * np.log(1 - A3)))


def _l2(parameters):
    return sum(float(np.sum(np.square(parameters[f"W{l}"]))) for l in (1, 2, 3))


# --- finite-difference versions of the backward exercises ------------------------

def _numeric_gradients(X, Y, parameters, masks, keep_prob, lambd):
    """All eleven gradients of the cost (cross-entropy + lambd/(2m) sum of W**2), with the dropout masks fixed."""
    parameters = copy.deepcopy(parameters)
    m = X.shape[1]
    D1, D2 = masks if masks is not None else (1.0, 1.0)

    def cost(A3):
        return _cross_entropy(A3, Y) + lambd / (2 * m) * _l2(parameters)

    # The network from each intermediate value on; dA{l} is with respect to relu(Z{l}), before dropout.
    def from_R1(R1):
        return from_A1(R1 * D1 / keep_prob)

    def from_A1(A1):
        return from_Z2(parameters["W2"] @ A1 + parameters["b2"])

    def from_Z2(Z2):
        return from_R2(_relu(Z2))

    def from_R2(R2):
        return from_Z3(parameters["W3"] @ (R2 * D2 / keep_prob) + parameters["b3"])

    def from_Z3(Z3):
        return cost(_sigmoid(Z3))

    def from_Z1(Z1):
        return from_R1(_relu(Z1))

    Z1 = parameters["W1"] @ X + parameters["b1"]
    R1 = _relu(Z1)
    Z2 = parameters["W2"] @ (R1 * D1 / keep_prob) + parameters["b2"]
    R2 = _relu(Z2)
    Z3 = parameters["W3"] @ (R2 * D2 / keep_prob) + parameters["b3"]
    inner = {"Z1": (Z1, from_Z1), "A1": (R1, from_R1), "Z2": (Z2, from_Z2), "A2": (R2, from_R2),
             "Z3": (Z3, from_Z3)}
    grads = {}
    for name, (value, rest) in inner.items():
        value = value.copy()
        grads["d" + name] = numerical_gradient(lambda: rest(value), value) * m
    for name in NAMES:
        grads["d" + name] = numerical_gradient(lambda: from_Z1(parameters["W1"] @ X + parameters["b1"]),
                                               parameters[name])
    return grads


def _unpack(cache):
    if len(cache) == 14:
        Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3 = cache
        return {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}, (D1, D2)
    Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 = cache
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}, None


def _numeric_regularization(X, Y, cache, lambd):
    parameters, _ = _unpack(cache)
    return _numeric_gradients(X, Y, parameters, None, 1.0, lambd)


def _numeric_dropout(X, Y, cache, keep_prob):
    parameters, masks = _unpack(cache)
    return _numeric_gradients(X, Y, parameters, masks, keep_prob, 0.0)


# --- known mistakes -------------------------------------------------------------

def _backward(X, Y, cache, lambd=0.0, l2=lambda lambd, m, W: lambd / m * W, bias_l2=False, keep_prob=1.0,
              mask=True, scale=True):
    """The gradients, exact, with the options of the mistakes below."""
    parameters, masks = _unpack(cache)
    m = X.shape[1]
    D1, D2 = masks if masks is not None and mask else (1.0, 1.0)
    divide = keep_prob if masks is not None and scale else 1.0
    if len(cache) == 14:
        Z1, _, A1, W1, b1, Z2, _, A2, W2, b2, Z3, A3, W3, b3 = cache
    else:
        Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 = cache
    grads = {"dZ3": A3 - Y}
    grads["dA2"] = W3.T @ grads["dZ3"] * D2 / divide
    grads["dZ2"] = grads["dA2"] * (A2 > 0)
    grads["dA1"] = W2.T @ grads["dZ2"] * D1 / divide
    grads["dZ1"] = grads["dA1"] * (A1 > 0)
    below = {1: X, 2: A1, 3: A2}
    for l in (1, 2, 3):
        dZ = grads[f"dZ{l}"]
        grads[f"dW{l}"] = dZ @ below[l].T / m + l2(lambd, m, parameters[f"W{l}"])
        grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True) / m
        if bias_l2:
            grads[f"db{l}"] = grads[f"db{l}"] + l2(lambd, m, parameters[f"b{l}"])
    return grads


def _cost_mistake(scale=lambda lambd, m: lambd / (2 * m), biases=False, cross_entropy=True):
    def cost(A3, Y, parameters, lambd):
        m = Y.shape[1]
        squares = _l2(parameters) + (sum(float(np.sum(parameters[f"b{l}"] ** 2)) for l in (1, 2, 3)) if biases else 0)
        return (_cross_entropy(A3, Y) if cross_entropy else 0.0) + scale(lambd, m) * squares
    return cost


def _dropout_mistake(keep=lambda draw, keep_prob: draw < keep_prob, scale=lambda A, keep_prob: A / keep_prob,
                     second_layer=True, draw=np.random.rand):
    def forward(X, parameters, keep_prob=0.5):
        np.random.seed(1)
        W1, b1, W2, b2, W3, b3 = (parameters[name] for name in NAMES)
        Z1 = W1 @ X + b1
        A1 = _relu(Z1)
        D1 = keep(draw(*A1.shape), keep_prob)
        A1 = scale(A1 * D1, keep_prob)
        Z2 = W2 @ A1 + b2
        A2 = _relu(Z2)
        D2 = keep(draw(*A2.shape), keep_prob)
        if second_layer:
            A2 = scale(A2 * D2, keep_prob)
        Z3 = W3 @ A2 + b3
        A3 = _sigmoid(Z3)
        return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
    return forward


COST_NO_HALF = ("the L2 term is lambd / (2 * m) times the sum of the squared weights: "
                "the 1/2 is missing (here it is lambd / m times the sum).")
COST_NO_M = ("the L2 term is lambd / (2 * m) times the sum of the squared weights: the 1/m is missing "
             "(here it is lambd / 2 times the sum).")
COST_NO_SCALE = ("the L2 term is missing its factor 1/(2m): it is lambd / (2 * m) times the sum of the squared "
                 "weights, not lambd times the sum.")
COST_BIASES = ("only the weights W1, W2, W3 are in the L2 term: the biases are not penalised.")
COST_NO_CROSS_ENTROPY = ("this is the L2 term alone: the cost is the cross-entropy, compute_cost(A3, Y), "
                         "plus the L2 term.")
L2_NO_M = ("the lambd term is missing 1/m: the gradient of the L2 term with respect to W is lambd / m * W, "
           "not lambd * W.")
L2_TWICE = ("the gradient of lambd / (2 * m) * W**2 is lambd / m * W: the 2 of the square cancels the 1/2, "
            "so there is no factor 2 left.")
L2_HALF = ("the gradient of lambd / (2 * m) * W**2 is lambd / m * W: differentiating the square brings down "
           "a 2 that cancels the 1/2.")
L2_BIASES = "only the weights are regularised: add lambd / m * W to dW1, dW2, dW3, and leave db1, db2, db3 as they were."
L2_MISSING = "the L2 term is missing: dW = (1 / m) * np.dot(dZ, A_prev.T) + (lambd / m) * W, for W1, W2 and W3."
DROP_COMPARISON = ("the masks are drawn with the wrong comparison: a unit is kept where np.random.rand(...) < "
                   "keep_prob, which keeps a share keep_prob of the units; > keeps the others.")
DROP_NO_SCALE = ("the kept activations are not divided by keep_prob: after A1 = A1 * D1, inverted dropout "
                 "does A1 = A1 / keep_prob (and likewise for A2), so that their expected value does not change.")
DROP_MULTIPLY = "divide the kept activations by keep_prob, do not multiply them: A1 = A1 / keep_prob."
DROP_ONE_LAYER = "both hidden layers get dropout: mask and scale A2 with D2 too (not the output A3)."
DROP_RANDN = ("the masks come from np.random.rand (uniform between 0 and 1), not np.random.randn: "
              "D1 = np.random.rand(A1.shape[0], A1.shape[1]) < keep_prob.")
BACK_NO_MASK = ("the mask is not reapplied in backward: the units switched off in the forward pass get no "
                "gradient, dA1 = dA1 * D1 and dA2 = dA2 * D2 (then divide by keep_prob).")
BACK_NO_SCALE = ("the backward pass is missing the division by keep_prob: the forward pass divided A1 and A2 by "
                 "keep_prob, so dA1 and dA2 are divided by keep_prob too, after the mask.")
BACK_MULTIPLY = "divide dA1 and dA2 by keep_prob after applying the mask, do not multiply them."

DIMS = [3, 4, 3, 1]

EXERCISES = [
    Exercise("compute_cost_with_regularization", outputs=("cost",), cases=[
        Case(_cost_case(601, DIMS, 5, 0.1), public=True),
        Case(_cost_case(603, [2, 20, 3, 1], 7, 0.7)),
        Case(_cost_case(605, [4, 2, 2, 1], 3, 2.5)),
        Case(_cost_case(607, [1, 3, 5, 1], 9, 0.0)),
        Case(_cost_case(609, [2, 5, 4, 1], 6, 1.0)),
    ], mistakes={
        COST_NO_HALF: _cost_mistake(scale=lambda lambd, m: lambd / m),
        COST_NO_M: _cost_mistake(scale=lambda lambd, m: lambd / 2),
        COST_NO_SCALE: _cost_mistake(scale=lambda lambd, m: lambd),
        COST_BIASES: _cost_mistake(biases=True),
        COST_NO_CROSS_ENTROPY: _cost_mistake(cross_entropy=False),
    }),

    Exercise("backward_propagation_with_regularization", outputs=("gradients",), cases=[
        Case(_regularization_case(611, DIMS, 5, 0.7), public=True),
        Case(_regularization_case(613, [2, 5, 3, 1], 6, 0.3)),
        Case(_regularization_case(615, [4, 3, 2, 1], 3, 2.0)),
        Case(_regularization_case(617, [1, 2, 2, 1], 7, 0.0)),
        Case(_regularization_case(619, [2, 20, 3, 1], 4, 0.7)),
    ], numeric=_numeric_regularization, mistakes={
        L2_NO_M: lambda X, Y, cache, lambd: _backward(X, Y, cache, lambd, l2=lambda lambd, m, W: lambd * W),
        L2_TWICE: lambda X, Y, cache, lambd: _backward(X, Y, cache, lambd, l2=lambda lambd, m, W: 2 * lambd / m * W),
        L2_HALF: lambda X, Y, cache, lambd: _backward(X, Y, cache, lambd,
                                                      l2=lambda lambd, m, W: lambd / (2 * m) * W),
        L2_BIASES: lambda X, Y, cache, lambd: _backward(X, Y, cache, lambd, bias_l2=True),
        L2_MISSING: lambda X, Y, cache, lambd: _backward(X, Y, cache, 0.0),
    }),

    Exercise("forward_propagation_with_dropout", outputs=("A3", "cache"), cases=[
        Case(_problem(635, DIMS, 5)[::2], dict(keep_prob=0.5), public=True),
        Case(_problem(623, [2, 5, 3, 1], 6)[::2], public=True),
        Case(_problem(625, [2, 20, 3, 1], 8)[::2], dict(keep_prob=0.86)),
        Case(_problem(627, [4, 3, 2, 1], 3)[::2], dict(keep_prob=0.7)),
        Case(_problem(629, [1, 2, 4, 1], 7)[::2], dict(keep_prob=1.0)),
        Case((*_problem(631, [3, 6, 2, 1], 4)[::2], 0.3)),
    ], mistakes={
        DROP_COMPARISON: _dropout_mistake(keep=lambda draw, keep_prob: draw > keep_prob),
        DROP_NO_SCALE: _dropout_mistake(scale=lambda A, keep_prob: A),
        DROP_MULTIPLY: _dropout_mistake(scale=lambda A, keep_prob: A * keep_prob),
        DROP_ONE_LAYER: _dropout_mistake(second_layer=False),
        DROP_RANDN: _dropout_mistake(draw=np.random.randn),
    }),

    Exercise("backward_propagation_with_dropout", outputs=("gradients",), cases=[
        Case(_dropout_case(641, DIMS, 5, 0.8), public=True),
        Case(_dropout_case(643, [2, 5, 3, 1], 6, 0.5)),
        Case(_dropout_case(645, [2, 20, 3, 1], 4, 0.86)),
        Case(_dropout_case(647, [4, 3, 2, 1], 3, 1.0)),
        Case(_dropout_case(649, [1, 4, 4, 1], 7, 0.6)),
    ], numeric=_numeric_dropout, mistakes={
        BACK_NO_MASK: lambda X, Y, cache, keep_prob: _backward(X, Y, cache, keep_prob=keep_prob, mask=False),
        BACK_NO_SCALE: lambda X, Y, cache, keep_prob: _backward(X, Y, cache, keep_prob=keep_prob, scale=False),
        BACK_MULTIPLY: lambda X, Y, cache, keep_prob: _backward(X, Y, cache, keep_prob=1 / keep_prob),
    }),
]
