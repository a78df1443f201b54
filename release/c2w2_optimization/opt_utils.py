"""Ready-made pieces for "Optimization methods".

- ``load_dataset()``: the "moons", 300 points of the plane in two interleaved
  half-moons, X of shape (2, 300) and labels Y of shape (1, 300) (scikit-learn's
  make_moons, noise 0.2, random_state 3: the same points on every run);
- ``initialize_parameters(layers_dims)``: He initialisation, numpy's generator
  seeded with 3;
- ``compute_cost(a3, Y)``: the cross-entropy SUMMED over the examples given, so
  that a training loop can add up its mini-batches and divide by m once;
- from ``init_reg_utils.py``, the three-layer network LINEAR -> RELU -> LINEAR ->
  RELU -> LINEAR -> SIGMOID: ``forward_propagation(X, parameters)``,
  ``backward_propagation(X, Y, cache)`` (the gradients of the mean cost),
  ``predict(X, Y, parameters)`` (labels; prints the accuracy), ``predict_dec(parameters, X)``
  (labels, silently) and ``plot_decision_boundary(predict_fn, X, Y, ax=None)``.
"""

import numpy as np

from init_reg_utils import (backward_propagation, forward_propagation, plot_decision_boundary,  # noqa: F401
                            predict, predict_dec)

MOONS = dict(n_samples=300, noise=0.2, random_state=3)


def load_dataset():
    """X (2, 300) and Y (1, 300) of the moons (scikit-learn's make_moons, noise 0.2, random_state 3)."""
    try:  # imported here: the rest of the module needs numpy only
        from sklearn.datasets import make_moons
    except ImportError:
        raise ImportError("the moons are made by scikit-learn, which is not installed: "
                          "pip install scikit-learn (the course pins its version in requirements.txt)") from None
    points, labels = make_moons(**MOONS)
    return points.T.astype(float), labels.reshape(1, -1).astype(float)


def initialize_parameters(layers_dims):
    """W1, b1, ..., WL, bL for layers_dims = [n_x, n_1, ..., n_L]: He initialisation, seed 3.

    W{l} = randn(n_l, n_{l-1}) * sqrt(2 / n_{l-1}) (drawn in the order W1, W2, ...),
    b{l} = zeros((n_l, 1)).
    """
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters[f"W{l}"] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layers_dims[l], 1))
    return parameters


def compute_cost(a3, Y):
    """The cross-entropy of the outputs a3 (1, m) against the labels Y (1, m), summed (not averaged): a float."""
    return float(-np.sum(Y * np.log(a3) + (1 - Y) * np.log(1 - a3)))
