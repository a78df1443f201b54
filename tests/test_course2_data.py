"""Course 2's data: the regularization assignment's data.mat (generated, deterministic, in the original
course's layout; read by reg_utils.load_2D_dataset, which explains broken files, and which reads the
original file too when it is there) and the initialization assignment's circles."""

import hashlib
import importlib.util
import os
import shutil

import numpy as np
import pytest
import scipy.io

from conftest import ROOT

DATA = ROOT / "datasets"
ORIGINAL = ROOT.parent / "shared" / "datasets" / "data.mat"
SIZES = {"X": 211, "Xval": 200}  # points of the training and the test season


def module_from(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def loader_in(folder):
    """A copy of reg_utils.py in `folder`, imported from there (it reads folder/datasets/data.mat)."""
    shutil.copy(ROOT / "reg_utils.py", folder / "reg_utils.py")
    return module_from(folder / "reg_utils.py", f"reg_utils_{abs(hash(folder))}")


def recorded_sums():
    return {name: digest for digest, name in
            (line.split(maxsplit=1) for line in (DATA / "SHA256SUMS").read_text().splitlines() if line)}


def test_generated_data_mat_is_deterministic_and_is_the_committed_file(tmp_path):
    builder = module_from(DATA / "build.py", "course_data_build")
    builder.write_football(tmp_path / "first.mat")
    builder.write_football(tmp_path / "second.mat")
    first = (tmp_path / "first.mat").read_bytes()
    assert first == (tmp_path / "second.mat").read_bytes(), "two builds of data.mat differ"
    assert hashlib.sha256(first).hexdigest() == recorded_sums()["data.mat"], \
        "data.mat differs from SHA256SUMS: the generator changed (re-run python datasets/build.py --record)"
    assert first == (DATA / "data.mat").read_bytes(), "datasets/data.mat is stale: run python datasets/build.py"


def test_data_mat_has_the_original_layout():
    data = scipy.io.loadmat(DATA / "data.mat")
    assert sorted(key for key in data if not key.startswith("__")) == ["X", "Xval", "y", "yval"]
    for x_key, m in SIZES.items():
        X, y = data[x_key], data[x_key.replace("X", "y")]
        assert (X.dtype, X.shape) == (np.float64, (m, 2))
        assert (y.dtype, y.shape) == (np.uint8, (m, 1))
        assert set(np.unique(y)) == {0, 1} and 0.3 < y.mean() < 0.7, "both teams win balls"
        assert X[:, 0].min() >= -0.75 and X[:, 0].max() <= 0.45 and X[:, 1].min() >= -0.75 and X[:, 1].max() <= 0.65
    header = data["__header__"]
    assert header.startswith(b"MATLAB 5.0 MAT-file") and b"Created on" not in header, "the header carries no date"


def test_loader_reads_the_course_file_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    train_X, train_Y, test_X, test_Y = module_from(ROOT / "reg_utils.py", "reg_utils_root").load_2D_dataset()
    assert (train_X.shape, train_Y.shape, test_X.shape, test_Y.shape) == ((2, 211), (1, 211), (2, 200), (1, 200))
    assert all(a.dtype == np.float64 for a in (train_X, train_Y, test_X, test_Y))
    data = scipy.io.loadmat(DATA / "data.mat")
    assert np.array_equal(train_X, data["X"].T) and np.array_equal(test_Y, data["yval"].T)


@pytest.mark.skipif(not ORIGINAL.exists(),
                    reason="the original course's data.mat is not in ../shared/datasets/ on this machine")
def test_original_file_loads_through_the_same_loader(tmp_path):
    (tmp_path / "datasets").mkdir()
    os.symlink(ORIGINAL, tmp_path / "datasets" / "data.mat")
    train_X, train_Y, test_X, test_Y = loader_in(tmp_path).load_2D_dataset()
    assert (train_X.shape, train_Y.shape, test_X.shape, test_Y.shape) == ((2, 211), (1, 211), (2, 200), (1, 200))
    assert set(np.unique(train_Y)) == set(np.unique(test_Y)) == {0.0, 1.0}


@pytest.fixture
def broken(tmp_path):
    """A folder with reg_utils.py and a copy of the course's data.mat, to damage."""
    (tmp_path / "datasets").mkdir()
    shutil.copy(DATA / "data.mat", tmp_path / "datasets" / "data.mat")
    return tmp_path


def message(folder):
    module = loader_in(folder)
    with pytest.raises(module.DatasetError) as info:
        module.load_2D_dataset()
    text = str(info.value)
    assert "python datasets/build.py" in text, "every message says how to rebuild the file"
    return text


def rewrite(folder, **changes):
    """Write data.mat again with some arrays replaced (None: removed)."""
    path = folder / "datasets" / "data.mat"
    data = {k: v for k, v in scipy.io.loadmat(path).items() if not k.startswith("__")}
    data.update(changes)
    scipy.io.savemat(path, {k: v for k, v in data.items() if v is not None})


def test_missing_file(broken):
    (broken / "datasets" / "data.mat").unlink()
    assert "data.mat is missing" in message(broken)


def test_truncated_file(broken):
    path = broken / "datasets" / "data.mat"
    path.write_bytes(path.read_bytes()[:3000])
    assert "data.mat is not a readable MATLAB file" in message(broken)


def test_missing_array(broken):
    rewrite(broken, yval=None)
    assert "has no yval" in message(broken)


def test_points_that_are_not_in_the_plane(broken):
    rewrite(broken, X=np.zeros((211, 3)))
    text = message(broken)
    assert "X should hold one point of the plane per row" in text and "(211, 3)" in text


def test_labels_that_do_not_match_the_points(broken):
    rewrite(broken, yval=np.zeros((199, 1), dtype=np.uint8))
    assert "yval should hold one 0/1 label per point of Xval, shape (200, 1)" in message(broken)


def test_circles_are_the_same_on_every_load():
    init_utils = module_from(ROOT / "init_utils.py", "init_utils_root")
    first, second = init_utils.load_dataset(), init_utils.load_dataset()
    assert [a.shape for a in first] == [(2, 300), (1, 300), (2, 100), (1, 100)]
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert (first[1].sum(), first[3].sum()) == (150, 50)
