"""Ready-made pieces for "Deep neural network for image classification: application".

The initialisations, forward and backward steps and update of Week 4's step-by-step
assignment, so that this assignment can assemble them into models; plus `predict`, which
prints the accuracy, and a grid of the pictures a model gets wrong.

A cache is what a forward step keeps for its backward step: for one layer,
((A_prev, W, b), Z).
"""

import numpy as np

from dnn_utils import relu, relu_backward, sigmoid, sigmoid_backward

ACTIVATIONS = {"relu": (relu, relu_backward), "sigmoid": (sigmoid, sigmoid_backward)}


def initialize_parameters(n_x, n_h, n_y):
    """W1 (n_h, n_x), b1, W2 (n_y, n_h), b2 for a two-layer network: seed 1, randn * 0.01, zero biases."""
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    W2 = np.random.randn(n_y, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def initialize_parameters_deep(layer_dims):
    """W1, b1, ..., WL, bL for layer_dims = [n_x, n_1, ..., n_L]: seed 1, randn / sqrt(n_{l-1}), zero biases.

    Dividing by sqrt(n_{l-1}) keeps every layer's Z of the same order as its input, so a deep
    network's activations neither vanish nor explode at the start of training.
    """
    np.random.seed(1)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = np.random.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_activation_forward(A_prev, W, b, activation):
    """One layer, LINEAR then `activation` ("relu" or "sigmoid"): returns (A, ((A_prev, W, b), Z))."""
    Z = np.dot(W, A_prev) + b
    A, _ = ACTIVATIONS[activation][0](Z)
    return A, ((A_prev, W, b), Z)


def L_model_forward(X, parameters):
    """[LINEAR->RELU] x (L-1), then LINEAR->SIGMOID: returns (AL, caches), one cache per layer."""
    L = len(parameters) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                             "sigmoid" if l == L else "relu")
        caches.append(cache)
    return A, caches


def compute_cost(AL, Y):
    """Cross-entropy of the probabilities AL (1, m) against the labels Y (1, m), as a number."""
    m = Y.shape[1]
    return np.squeeze(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


def linear_activation_backward(dA, cache, activation):
    """One layer backwards, from dA (the gradient of its output): returns (dA_prev, dW, db)."""
    (A_prev, W, b), Z = cache
    dZ = ACTIVATIONS[activation][1](dA, Z)
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, np.sum(dZ, axis=1, keepdims=True) / m


def L_model_backward(AL, Y, caches):
    """The gradients of the whole network: {"dA0", "dW1", "db1", ..., "dA{L-1}", "dW{L}", "db{L}"}."""
    L = len(caches)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads = {}
    for l in reversed(range(1, L + 1)):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1],
                                                                          "sigmoid" if l == L else "relu")
        grads[f"dA{l - 1}"] = dA
    return grads


def update_parameters(params, grads, learning_rate):
    """One gradient-descent step: new W{l}, b{l} (the arrays of `params` are left as they are)."""
    return {name: value - learning_rate * grads["d" + name] for name, value in params.items()}


def predict(X, y, parameters):
    """Predictions (1, m) of 0. and 1. for the examples X of an L-layer network; prints the accuracy against y."""
    AL, _ = L_model_forward(X, parameters)
    p = (AL > 0.5).astype(float)
    print(f"Accuracy: {100 * np.mean(p == y):.2f} %")
    return p


def print_mislabeled_images(classes, X, y, p, num_px=64):
    """Show the pictures (columns of X, scaled to [0, 1]) whose prediction p differs from the label y."""
    import matplotlib.pyplot as plt

    wrong = np.flatnonzero(p[0] != y[0])
    columns = 6
    rows = max(1, int(np.ceil(len(wrong) / columns)))
    fig, axes = plt.subplots(rows, columns, figsize=(2 * columns, 2.4 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, wrong):
        ax.imshow(X[:, index].reshape(num_px, num_px, 3))
        ax.set_title(f"said {classes[int(p[0, index])].decode()}\nis {classes[int(y[0, index])].decode()}",
                     fontsize=9)
    plt.tight_layout()
    plt.show()
