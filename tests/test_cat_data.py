"""The procedurally drawn cat / non-cat datasets: reproducible, in the original format, and learnable
by the week-2 logistic regression just as the course expects (fits the training set, overfits)."""
import importlib.util
from pathlib import Path

import h5py
import numpy as np
import pytest

DATA = Path(__file__).resolve().parents[1] / "datasets"


def load_builder():
    spec = importlib.util.spec_from_file_location("cat_data_build", DATA / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recorded_sums():
    return {name: digest for digest, name in
            (line.split(maxsplit=1) for line in (DATA / "SHA256SUMS").read_text().splitlines() if line)}


def load(split):
    with h5py.File(DATA / f"{split}_catvnoncat.h5", "r") as f:
        return f[f"{split}_set_x"][:], f[f"{split}_set_y"][:]


def test_regenerated_files_match_sha256sums(tmp_path):
    sums = load_builder().build(tmp_path)
    recorded = recorded_sums()
    assert sorted(sums) == sorted(recorded)
    for name, digest in sums.items():
        assert digest == recorded[name], (
            f"{name}: regenerated SHA-256 {digest} != SHA256SUMS {recorded[name]} "
            "(generator no longer deterministic, or SHA256SUMS stale)")


@pytest.mark.parametrize("split, m, cats", [("train", 209, 72), ("test", 50, 33)])
def test_h5_layout_matches_the_original_files(split, m, cats):
    with h5py.File(DATA / f"{split}_catvnoncat.h5", "r") as f:
        assert sorted(f.keys()) == ["list_classes", f"{split}_set_x", f"{split}_set_y"]
        x, y, classes = f[f"{split}_set_x"], f[f"{split}_set_y"], f["list_classes"]
        assert (x.dtype, x.shape) == (np.uint8, (m, 64, 64, 3))
        assert (y.dtype, y.shape) == (np.int64, (m,))
        assert (classes.dtype, list(classes[:])) == (np.dtype("S7"), [b"non-cat", b"cat"])
        for dataset in (x, y, classes):
            assert dataset.chunks is None and dataset.compression is None
        labels = y[:]
    assert set(labels) == {0, 1} and labels.sum() == cats


def test_course_logistic_regression_fits_train_and_overfits():
    (x_train, y_train), (x_test, y_test) = load("train"), load("test")
    X, Xt = x_train.reshape(len(x_train), -1).T / 255.0, x_test.reshape(len(x_test), -1).T / 255.0
    Y = y_train.reshape(1, -1)
    w, b = np.zeros((X.shape[0], 1)), 0.0
    for _ in range(2000):  # batch gradient descent on the mean cross-entropy, learning rate 0.005
        dz = 1 / (1 + np.exp(-(w.T @ X + b))) - Y
        w -= 0.005 * (X @ dz.T) / X.shape[1]
        b -= 0.005 * dz.mean()
    train = ((1 / (1 + np.exp(-(w.T @ X + b))) > 0.5) == Y).mean()
    test = ((1 / (1 + np.exp(-(w.T @ Xt + b))) > 0.5) == y_test.reshape(1, -1)).mean()
    message = f"train accuracy {train:.3f}, test accuracy {test:.3f}"
    assert train >= 0.95 and 0.60 <= test <= 0.80, message
