"""The data and the starting point of "Regularization".

``load_2D_dataset()`` reads ``datasets/data.mat`` next to this module (whatever the
current working directory is): positions on a football field where our keeper's
long kicks came down, and which team won the ball there (1. ours, 0. theirs).
It returns train_X (2, m), train_Y (1, m), test_X (2, k) and test_Y (1, k), as
float arrays, examples as columns.

The file is in the original course's MATLAB v5 layout: ``X`` (m, 2), ``y`` (m, 1),
``Xval`` (k, 2), ``yval`` (k, 1). The course generates its own (``python
datasets/build.py`` in the course repository: 211 training and 200 test points);
put the original course's file in ``datasets/`` instead and everything uses it.

``initialize_parameters(layers_dims)`` gives the model of the assignment its
starting weights.
"""

from pathlib import Path

import numpy as np

DATA_FILE = Path(__file__).absolute().parent / "datasets" / "data.mat"  # absolute(), not resolve(): copies read their own folder
REBUILD = ("rebuild the course's files with `python datasets/build.py` from the course repository's root "
           "folder, or download this assignment's folder again")


class DatasetError(Exception):
    """The data file is missing or not in the expected format."""


def _points(data, x_key, y_key):
    """(X (2, m), Y (1, m)) from the file's (m, 2) positions and (m, 1) labels, checked."""
    X, y = np.asarray(data[x_key]), np.asarray(data[y_key])
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0 or X.dtype.kind not in "iuf":
        raise DatasetError(f"{DATA_FILE}: {x_key} should hold one point of the plane per row, numbers of shape "
                           f"(m, 2), but it is {X.dtype} of shape {X.shape}: {REBUILD}.")
    if y.shape != (X.shape[0], 1) or y.dtype.kind not in "iufb" or not np.isin(y, (0, 1)).all():
        raise DatasetError(f"{DATA_FILE}: {y_key} should hold one 0/1 label per point of {x_key}, shape "
                           f"({X.shape[0]}, 1), but it has shape {y.shape}: {REBUILD}.")
    return X.T.astype(float), y.T.astype(float)


def load_2D_dataset():
    """Return train_X (2, m), train_Y (1, m), test_X (2, k), test_Y (1, k): positions and labels (1. ours, 0. theirs)."""
    if not DATA_FILE.exists():
        raise DatasetError(f"{DATA_FILE} is missing: {REBUILD}.")
    try:  # imported here: the rest of the assignment needs numpy only
        from scipy.io import loadmat
    except ImportError:
        raise ImportError("reading data.mat needs scipy, which is not installed: pip install scipy "
                          "(the course pins its version in requirements.txt)") from None
    try:
        data = loadmat(DATA_FILE)
    except Exception as error:  # scipy raises many kinds of errors on a damaged file
        raise DatasetError(f"{DATA_FILE} is not a readable MATLAB file, probably truncated or damaged "
                           f"({type(error).__name__}: {error}): {REBUILD}.") from None
    missing = [key for key in ("X", "y", "Xval", "yval") if key not in data]
    if missing:
        held = ", ".join(key for key in data if not key.startswith("__")) or "nothing"
        raise DatasetError(f"{DATA_FILE} has no {', '.join(missing)} (it holds {held}): {REBUILD}.")
    train_X, train_Y = _points(data, "X", "y")
    test_X, test_Y = _points(data, "Xval", "yval")
    return train_X, train_Y, test_X, test_Y


def initialize_parameters(layers_dims):
    """Starting weights for layers_dims = [n_x, n_1, ..., n_L]: seed 3, W{l} = randn / sqrt(n_{l-1}), zero biases."""
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters[f"W{l}"] = np.random.randn(layers_dims[l], layers_dims[l - 1]) / np.sqrt(layers_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layers_dims[l], 1))
    return parameters
