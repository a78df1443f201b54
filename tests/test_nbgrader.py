"""nbgrader autograde on the reference solutions, the blank releases and the canned submissions."""

import json
import subprocess
import sys

import pytest

from autograder import ASSIGNMENTS, ROOT, release_notebook, source_notebook
from autograder.nbgrader_run import autograde

SUBMISSIONS = ROOT / "tests" / "submissions"
CANNED = sorted(SUBMISSIONS.glob("*/*.ipynb"))


@pytest.fixture(scope="module")
def scores(nbgrader_course):
    submissions = {}
    for assignment in ASSIGNMENTS:
        submissions["reference", assignment] = source_notebook(assignment)
        submissions["blank", assignment] = release_notebook(assignment)
    for path in CANNED:
        submissions[path.stem, path.parent.name] = path
    return autograde(nbgrader_course, submissions)


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
