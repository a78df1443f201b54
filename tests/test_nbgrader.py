"""nbgrader autograde on the reference solutions, the blank releases and the canned submissions.

The course used here has its notebooks' long trainings shortened (see
autograder/nbgrader_run.py): the scores do not depend on them, and
tests/test_notebooks.py runs each full training once.
"""

import json
import re
import subprocess
import sys

import pytest

from autograder import ASSIGNMENTS, ROOT, release_notebook, source_notebook
from autograder.nbgrader_run import autograde
from conftest import read

SUBMISSIONS = ROOT / "tests" / "submissions"
CANNED = sorted(SUBMISSIONS.glob("*/*.ipynb"))


@pytest.fixture(scope="module")
def scores(short_course):
    submissions = {}
    for assignment in ASSIGNMENTS:
        submissions["reference", assignment] = source_notebook(assignment)
        submissions["blank", assignment] = release_notebook(assignment)
    for path in CANNED:
        submissions[path.stem, path.parent.name] = path
    return autograde(short_course, submissions)


def by_exercise(grades):
    return {grade_id.removesuffix("_test"): score for grade_id, (score, _) in grades.items()}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solutions_get_full_marks(assignment, scores):
    grades = scores["reference", assignment]
    assert grades and all(score == maximum > 0 for score, maximum in grades.values()), grades


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_releases_get_zero(assignment, scores):
    grades = scores["blank", assignment]
    assert grades and all(score == 0 for score, _ in grades.values()), grades


@pytest.mark.parametrize("path", CANNED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_canned_submission_gets_its_expected_report(path, scores):
    expected = json.loads(path.with_suffix(".expected.json").read_text())
    assert by_exercise(scores[path.stem, path.parent.name]) == expected


def test_canned_submissions_are_up_to_date():
    done = subprocess.run([sys.executable, str(SUBMISSIONS / "make.py"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_short_course_cuts_only_the_literal_training_lengths_of_locked_cells(short_course):
    for assignment in ASSIGNMENTS:
        full, short = (read(folder / "source" / assignment / f"{assignment}.ipynb")
                       for folder in (ROOT, short_course))
        for a, b in zip(full.cells, short.cells):
            if a.source != b.source:
                assert a.metadata["nbgrader"]["locked"] and not a.metadata["nbgrader"]["grade"], a.id
                assert re.sub(r"(num_iterations|num_epochs)\s*=\s*\d+", "", a.source) == \
                    re.sub(r"(num_iterations|num_epochs)\s*=\s*\d+", "", b.source), a.id
    shortened = read(short_course / "source" / "c1w2_logistic_regression" / "c1w2_logistic_regression.ipynb")
    assert "num_iterations=201," in next(c.source for c in shortened.cells if c.id == "train")
