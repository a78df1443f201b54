"""lr_utils.load_dataset: the course's files, the original files, and clear messages for broken ones."""

import importlib.util
import os
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest

from conftest import ROOT

ORIGINALS = ROOT.parent / "shared" / "datasets"


def loader_in(folder):
    """A copy of lr_utils.py in `folder`, imported from there (it reads folder/datasets/)."""
    shutil.copy(ROOT / "lr_utils.py", folder / "lr_utils.py")
    spec = importlib.util.spec_from_file_location(f"lr_utils_{abs(hash(folder))}", folder / "lr_utils.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_cat_arrays(loaded, counts):
    train_x, train_y, test_x, test_y, classes = loaded
    assert train_x.shape == (209, 64, 64, 3) and train_x.dtype == np.uint8
    assert test_x.shape == (50, 64, 64, 3) and test_x.dtype == np.uint8
    assert train_y.shape == (1, 209) and test_y.shape == (1, 50)
    assert (int(train_y.sum()), int(test_y.sum())) == counts
    assert list(classes) == [b"non-cat", b"cat"]


def test_course_files_load_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = importlib.util.spec_from_file_location("lr_utils_root", ROOT / "lr_utils.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    check_cat_arrays(module.load_dataset(), (72, 33))


@pytest.mark.skipif(not (ORIGINALS / "train_catvnoncat.h5").exists(),
                    reason="the original course's files are not in ../shared/datasets/ on this machine")
def test_original_course_files_load_through_the_same_loader(tmp_path):
    (tmp_path / "datasets").mkdir()
    for name in ("train_catvnoncat.h5", "test_catvnoncat.h5"):
        os.symlink(ORIGINALS / name, tmp_path / "datasets" / name)
    check_cat_arrays(loader_in(tmp_path).load_dataset(), (72, 33))


@pytest.fixture
def broken(tmp_path):
    """A folder with lr_utils.py and a copy of the course's data, to damage."""
    shutil.copytree(ROOT / "datasets", tmp_path / "datasets", ignore=shutil.ignore_patterns("*.py", "*.png"))
    return tmp_path


def message(folder):
    module = loader_in(folder)
    with pytest.raises(module.DatasetError) as info:
        module.load_dataset()
    text = str(info.value)
    assert "python datasets/build.py" in text, "every message says how to rebuild the files"
    return text


def test_missing_file(broken):
    (broken / "datasets" / "test_catvnoncat.h5").unlink()
    assert "test_catvnoncat.h5 is missing" in message(broken)


def test_truncated_file(broken):
    path = broken / "datasets" / "train_catvnoncat.h5"
    path.write_bytes(path.read_bytes()[:100_000])
    assert "train_catvnoncat.h5 is not a readable HDF5 file" in message(broken)


def test_missing_key(broken):
    with h5py.File(broken / "datasets" / "train_catvnoncat.h5", "a") as f:
        del f["train_set_y"]
    assert "has no dataset train_set_y" in message(broken)


def test_mis_shaped_images(broken):
    with h5py.File(broken / "datasets" / "train_catvnoncat.h5", "a") as f:
        del f["train_set_x"]
        f["train_set_x"] = np.zeros((209, 64, 64), dtype=np.uint8)
    text = message(broken)
    assert "train_set_x should be square RGB images" in text and "(209, 64, 64)" in text


def test_labels_that_do_not_match_the_images(broken):
    with h5py.File(broken / "datasets" / "test_catvnoncat.h5", "a") as f:
        del f["test_set_y"]
        f["test_set_y"] = np.zeros(49, dtype=np.int64)
    assert "test_set_y should hold one 0/1 label per image, shape (50,)" in message(broken)
