"""The course's grading side: per-exercise test definitions, golden files, hidden tests.

Layout, one folder per assignment id (the same id as ``source/<id>/`` and
``release/<id>/``):

- ``autograder/<id>/exercises.py``: one definition per exercise (its cases,
  public or hidden, and the common mistakes it recognises);
- ``autograder/<id>/golden.json``: every case with the reference outputs,
  written by ``python -m autograder.golden`` from the source notebook's
  solutions (``source/<id>/public_cases.json`` is its public part).
"""

import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Assignment ids, in course order.
ASSIGNMENTS = [
    "c1w2_python_basics",
    "c1w2_logistic_regression",
    "c1w3_planar_data",
    "c1w4_deep_nn_step_by_step",
    "c1w4_deep_nn_application",
    "c2w1_initialization",
    "c2w1_regularization",
    "c2w1_gradient_checking",
    "c2w2_optimization",
]


# Notebooks larger than this are refused: a clean one is well under 1 MB (the grader and the batch use it).
MAX_NOTEBOOK_BYTES = 20 << 20


def source_notebook(assignment):
    return ROOT / "source" / assignment / f"{assignment}.ipynb"


def release_notebook(assignment):
    return ROOT / "release" / assignment / f"{assignment}.ipynb"


@functools.lru_cache(maxsize=None)
def helper_modules(assignment):
    """The assignment's own modules (say dnn_utils.py), which its imports cell may import: the sandbox gets them."""
    return tuple(sorted(p.resolve() for p in source_notebook(assignment).parent.glob("*.py")
                        if p.name != "public_tests.py"))


class GoldenMissing(RuntimeError):
    """An assignment's golden file is missing or unreadable (see hidden.golden): nothing of it can be graded."""
