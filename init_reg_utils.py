"""The given three-layer network of Course 2 (initialization, regularization, gradient checking, optimization).

The network is LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID. Examples are
columns: X has shape (n_x, m) and the labels Y shape (1, m), 0. or 1. Conventions,
which the graded functions of these assignments follow too:

- ``parameters``: {"W1", "b1", "W2", "b2", "W3", "b3"}; Wl has shape (n_l, n_{l-1}),
  bl shape (n_l, 1);
- the cache of ``forward_propagation``: the tuple
  (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3);
- gradients: {"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"}.
  dWl and dbl are the gradients of the cost (a mean over the m examples); dZl and dAl
  are per example, m times the gradient of the cost, as in Course 1: dZ3 = A3 - Y.

``plot_decision_boundary`` (Week 3's, from planar_utils.py) colours the plane by what a
trained network predicts: pass it ``lambda points: predict_dec(parameters, points)``.
"""

import numpy as np

from planar_utils import plot_decision_boundary  # noqa: F401 (re-exported for the notebooks)

PROBABILITY_FLOOR = 1e-15  # see compute_cost


def sigmoid(Z):
    """1 / (1 + exp(-Z)), elementwise, without overflow for large negative Z."""
    return np.exp(-np.logaddexp(0, -Z))


def relu(Z):
    """max(0, Z), elementwise."""
    return np.maximum(0, Z)


def forward_propagation(X, parameters):
    """The network's output A3 (1, m) and the cache (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)."""
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    return A3, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def compute_cost(A3, Y):
    """The cross-entropy cost, a float: -mean(Y log A3 + (1 - Y) log(1 - A3)).

    A probability that has rounded to exactly 0 or 1 (huge weights do that) counts as
    PROBABILITY_FLOOR away from it, so a confidently wrong example costs about 34.5
    instead of making the cost infinite.
    """
    m = Y.shape[1]
    A3 = np.clip(A3, PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR)
    return float(-np.sum(Y * np.log(A3) + (1 - Y) * np.log(1 - A3)) / m)


def backward_propagation(X, Y, cache):
    """The gradients of compute_cost, from the cache of forward_propagation (keys: see the module's docstring)."""
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = np.dot(dZ3, A2.T) / m
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = dA2 * (A2 > 0)
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = dA1 * (A1 > 0)
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def update_parameters(parameters, grads, learning_rate):
    """One gradient-descent step: a new dict with W{l} - learning_rate * dW{l}, b{l} - learning_rate * db{l}."""
    return {name: value - learning_rate * grads["d" + name] for name, value in parameters.items()}


def predict_dec(parameters, X):
    """The labels (1, k) the network gives the k points of X (2, k): 1. where A3 > 0.5, else 0."""
    A3, _ = forward_propagation(X, parameters)
    return (A3 > 0.5).astype(float)


def predict(X, Y, parameters):
    """The labels (1, m) the network gives the examples of X; prints the accuracy against the labels Y."""
    predictions = predict_dec(parameters, X)
    print(f"Accuracy: {100 * np.mean(predictions == Y):.2f} %")
    return predictions
