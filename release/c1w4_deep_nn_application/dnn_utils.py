"""Activation functions for "Building a deep neural network, step by step", forward and backward.

Each forward function returns its output and what its backward function needs (Z itself);
each backward function turns dL/dA into dL/dZ for the same layer.
"""

import numpy as np


def sigmoid(Z):
    """A = 1 / (1 + exp(-Z)), elementwise; returns (A, Z)."""
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def relu(Z):
    """A = max(0, Z), elementwise; returns (A, Z)."""
    A = np.maximum(0, Z)
    return A, Z


def sigmoid_backward(dA, Z):
    """dZ = dA * s * (1 - s), where s = sigmoid(Z)."""
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def relu_backward(dA, Z):
    """dZ = dA where Z > 0, and 0 elsewhere (ReLU's slope is taken as 0 at Z = 0)."""
    return np.where(Z > 0, dA, 0.0)
