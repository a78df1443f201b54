"""Ready-made pieces for "Gradient checking".

The network checked is the three-layer one of ``init_reg_utils.py``,
LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID, with 4 inputs and layers
of 5, 3 and 1 units: W1 (5, 4), b1 (5, 1), W2 (3, 5), b2 (3, 1), W3 (1, 3),
b3 (1, 1), 47 numbers in all.

- ``forward_propagation_n(X, Y, parameters)``: the mean cross-entropy cost (a
  float) and the cache that a backward pass reads, the tuple
  (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3);
- ``backward_propagation_n(X, Y, cache)``: its gradients, computed correctly
  (the notebook also has a version with mistakes, for you to find);
- ``dictionary_to_vector(parameters)`` / ``vector_to_dictionary(theta)``: the
  parameters as one column vector (47, 1), in the order W1, b1, W2, b2, W3, b3
  (each matrix row by row), and back;
- ``gradients_to_vector(gradients)``: dW1, db1, ..., db3 as one column vector in
  the same order, so that entry i of both vectors belong together.
"""

import numpy as np

from init_reg_utils import backward_propagation, compute_cost, forward_propagation

NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
SHAPES = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
SIZE = sum(rows * columns for rows, columns in SHAPES.values())  # 47


def forward_propagation_n(X, Y, parameters):
    """The cost (a float) of the network on the examples X (4, m) with labels Y (1, m), and the cache."""
    A3, cache = forward_propagation(X, parameters)
    return compute_cost(A3, Y), cache


def backward_propagation_n(X, Y, cache):
    """The gradients of forward_propagation_n's cost: "dW1", "db1", ..., "db3" (and the intermediate dZ, dA)."""
    return backward_propagation(X, Y, cache)


def _as_vector(arrays, names, what):
    pieces = []
    for name in names:
        if name not in arrays:
            raise KeyError(f"{what} has no {name!r}: expected the keys {list(names)}")
        value = np.asarray(arrays[name], dtype=float)
        expected = SHAPES[name[1:] if name.startswith("d") else name]
        if value.shape != expected:
            raise ValueError(f"{what}[{name!r}] has shape {value.shape}; this network's is {expected}")
        pieces.append(value.reshape(-1, 1))
    return np.concatenate(pieces, axis=0)


def dictionary_to_vector(parameters):
    """(theta, keys): the 47 parameters as a new column vector (47, 1), and the name each entry comes from."""
    theta = _as_vector(parameters, NAMES, "parameters")
    keys = [name for name in NAMES for _ in range(int(np.prod(SHAPES[name])))]
    return theta, keys


def vector_to_dictionary(theta):
    """The parameters dict {"W1": (5, 4), ..., "b3": (1, 1)} from a vector of 47 numbers (new arrays)."""
    theta = np.asarray(theta, dtype=float)
    if theta.size != SIZE:
        raise ValueError(f"theta holds {theta.size} numbers; this network has {SIZE} parameters")
    flat, parameters, start = theta.reshape(-1), {}, 0
    for name in NAMES:
        size = int(np.prod(SHAPES[name]))
        parameters[name] = flat[start:start + size].reshape(SHAPES[name]).copy()
        start += size
    return parameters


def gradients_to_vector(gradients):
    """dW1, db1, dW2, db2, dW3, db3 as one new column vector (47, 1), in dictionary_to_vector's order."""
    return _as_vector(gradients, ["d" + name for name in NAMES], "gradients")
