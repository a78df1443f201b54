"""The data of "Initialization": two noisy concentric circles of points in the plane.

``load_dataset()`` returns train_X (2, 300), train_Y (1, 300), test_X (2, 100) and
test_Y (1, 100): points as columns, labels 0. (outer circle) or 1. (inner circle).
Both sets come from scikit-learn's ``make_circles`` (noise 0.05, the inner circle
0.8 times the size of the outer one, scikit-learn's default), with the fixed
random states 1 (training set) and 2 (test set): the same points on every run.
"""

import numpy as np

TRAIN_POINTS, TEST_POINTS = 300, 100
NOISE, FACTOR = 0.05, 0.8


def _circles(n_samples, random_state):
    try:  # imported here: the rest of the assignment needs numpy only
        from sklearn.datasets import make_circles
    except ImportError:
        raise ImportError("the circles are made by scikit-learn, which is not installed: "
                          "pip install scikit-learn (the course pins its version in requirements.txt)") from None
    X, Y = make_circles(n_samples=n_samples, noise=NOISE, factor=FACTOR, random_state=random_state)
    return X.T, Y.reshape(1, -1).astype(float)


def load_dataset():
    """Return train_X (2, 300), train_Y (1, 300), test_X (2, 100), test_Y (1, 100)."""
    train_X, train_Y = _circles(TRAIN_POINTS, 1)
    test_X, test_Y = _circles(TEST_POINTS, 2)
    return train_X, train_Y, test_X, test_Y
