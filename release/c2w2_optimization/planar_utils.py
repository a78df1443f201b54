"""Data sets and plotting for "Planar data classification with one hidden layer".

Every data set comes as X of shape (2, m), one point of the plane per column,
and Y of shape (1, m), the labels 0. or 1., and is the same on every run:

- ``load_planar_dataset()``: the "flower", 400 points whose two classes of 200
  are interleaved petals (numpy's global generator, seeded with 1);
- ``load_extra_datasets()``: four sets of 200 points from scikit-learn's
  generators (fixed random_state), in a dict by name.

``plot_decision_boundary(predict_fn, X, Y)`` colours the plane by a
classifier's predictions and draws the points on top.
"""

import numpy as np

EXTRA_POINTS = 200


def sigmoid(z):
    """1 / (1 + exp(-z)), elementwise."""
    return 1 / (1 + np.exp(-z))


def load_planar_dataset(points_per_class=200, petals=4, noise=0.2):
    """Return X (2, m) and Y (1, m) of the flower, m = 2 * points_per_class.

    Class j (j = 0, 1) lies along the curve r = petals * sin(4 t) in polar
    coordinates, for t over an interval of 3.12 radians starting at 3.12 j;
    t and r both get Gaussian noise of standard deviation `noise`.
    """
    np.random.seed(1)
    X = np.zeros((2, 2 * points_per_class))
    Y = np.zeros((1, 2 * points_per_class))
    for j in (0, 1):
        columns = slice(j * points_per_class, (j + 1) * points_per_class)
        angle = np.linspace(3.12 * j, 3.12 * (j + 1), points_per_class) + noise * np.random.randn(points_per_class)
        radius = petals * np.sin(4 * angle) + noise * np.random.randn(points_per_class)
        X[:, columns] = radius * np.sin(angle), radius * np.cos(angle)
        Y[0, columns] = j
    return X, Y


def load_extra_datasets():
    """Return {name: (X, Y)} for "noisy_circles", "noisy_moons", "blobs" and "gaussian_quantiles".

    200 points each, X of shape (2, 200) and Y of shape (1, 200). The blobs
    are six clusters, the even-numbered ones labelled 0 and the others 1.
    """
    try:  # imported here: the rest of the module needs numpy only
        from sklearn import datasets
    except ImportError:
        raise ImportError("the extra data sets are made by scikit-learn, which is not installed: "
                          "pip install scikit-learn (the course pins its version in requirements.txt)") from None
    n = EXTRA_POINTS
    made = {
        "noisy_circles": datasets.make_circles(n_samples=n, factor=0.5, noise=0.3, random_state=3),
        "noisy_moons": datasets.make_moons(n_samples=n, noise=0.2, random_state=3),
        "blobs": datasets.make_blobs(n_samples=n, n_features=2, centers=6, random_state=7),
        "gaussian_quantiles": datasets.make_gaussian_quantiles(cov=0.5, n_samples=n, n_features=2, n_classes=2,
                                                               random_state=3),
    }
    extra = {}
    for name, (points, labels) in made.items():
        if name == "blobs":
            labels = labels % 2
        extra[name] = (points.T.astype(float), labels.reshape(1, -1).astype(float))
    return extra


def plot_decision_boundary(predict_fn, X, Y, ax=None, resolution=300, margin=1.0):
    """Colour the plane by the labels predict_fn gives, then draw the points (X, Y) on top.

    predict_fn takes an array of shape (2, k), k points of the plane, and
    returns their k labels (any shape holding k values, e.g. (1, k) or (k,)).
    The plot goes to the matplotlib axes `ax` (the current axes by default).
    """
    import matplotlib.pyplot as plt

    X, Y = np.asarray(X), np.asarray(Y)
    if X.ndim != 2 or X.shape[0] != 2 or Y.size != X.shape[1]:
        raise ValueError(f"X should have shape (2, m) and Y hold m labels, but X has shape {X.shape} "
                         f"and Y shape {Y.shape}")
    ax = plt.gca() if ax is None else ax
    xs = np.linspace(X[0].min() - margin, X[0].max() + margin, resolution)
    ys = np.linspace(X[1].min() - margin, X[1].max() + margin, resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    labels = np.asarray(predict_fn(np.vstack([grid_x.ravel(), grid_y.ravel()])))
    if labels.size != grid_x.size:
        raise ValueError(f"predict_fn returned {labels.size} values for {grid_x.size} points: it should "
                         "return one label per column of its argument")
    colours = dict(cmap=plt.cm.Spectral, vmin=0, vmax=1)  # label 0 red, label 1 blue, in both layers
    ax.contourf(grid_x, grid_y, labels.reshape(grid_x.shape).astype(float), levels=[-0.5, 0.5, 1.5], alpha=0.35,
                **colours)
    ax.scatter(X[0], X[1], c=Y.ravel(), s=12, edgecolors="k", linewidths=0.3, **colours)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax
