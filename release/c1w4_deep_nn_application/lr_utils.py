"""Load the cat / non-cat image sets used by the logistic-regression and deep-network assignments.

The files live in the ``datasets/`` folder next to this module (whatever the
current working directory is):

- ``train_catvnoncat.h5``: ``train_set_x`` uint8 (m_train, 64, 64, 3), ``train_set_y`` (m_train,),
  ``list_classes`` [b'non-cat', b'cat']
- ``test_catvnoncat.h5``: ``test_set_x``, ``test_set_y``, ``list_classes`` likewise.

The course generates its own images (``python datasets/build.py`` in the
course repository). The original course's files have the same format: put
them in ``datasets/`` and everything uses them instead.
"""

from pathlib import Path

import h5py
import numpy as np

DATASETS = Path(__file__).absolute().parent / "datasets"  # absolute(), not resolve(): copies read their own folder
REBUILD = ("rebuild the course's files with `python datasets/build.py` from the course repository's root "
           "folder, or download this assignment's folder again")


class DatasetError(Exception):
    """A data file is missing or not in the expected format."""


def _read(split):
    path = DATASETS / f"{split}_catvnoncat.h5"
    x_key, y_key = f"{split}_set_x", f"{split}_set_y"
    if not path.exists():
        raise DatasetError(f"{path} is missing: {REBUILD}.")
    try:
        with h5py.File(path, "r") as f:
            missing = [k for k in (x_key, y_key, "list_classes") if k not in f]
            if missing:
                raise DatasetError(f"{path} has no dataset {', '.join(missing)} (it holds {', '.join(f.keys())}): "
                                   f"{REBUILD}.")
            x, y, classes = f[x_key][:], f[y_key][:], f["list_classes"][:]
    except OSError as error:
        raise DatasetError(f"{path} is not a readable HDF5 file, probably truncated or damaged ({error}): "
                           f"{REBUILD}.") from None
    if x.dtype != np.uint8 or x.ndim != 4 or x.shape[3] != 3 or x.shape[1] != x.shape[2]:
        raise DatasetError(f"{path}: {x_key} should be square RGB images, a uint8 array of shape "
                           f"(m, num_px, num_px, 3), but it is {x.dtype} of shape {x.shape}: {REBUILD}.")
    if y.shape != (x.shape[0],) or not np.isin(y, (0, 1)).all():
        raise DatasetError(f"{path}: {y_key} should hold one 0/1 label per image, shape ({x.shape[0]},), "
                           f"but it has shape {y.shape}: {REBUILD}.")
    return x, y, classes


def load_dataset():
    """Return train_set_x_orig, train_set_y, test_set_x_orig, test_set_y, classes.

    The images come as uint8 arrays of shape (m, 64, 64, 3), the labels as
    arrays of shape (1, m) (1 = cat, 0 = non-cat), and classes as
    array([b'non-cat', b'cat']).
    """
    train_set_x_orig, train_y, classes = _read("train")
    test_set_x_orig, test_y, _ = _read("test")
    return (train_set_x_orig, train_y.reshape(1, -1), test_set_x_orig, test_y.reshape(1, -1), classes)
