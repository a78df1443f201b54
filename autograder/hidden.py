"""Entry point of the hidden tests in the source notebooks.

A test cell of a source notebook ends with

    ### BEGIN HIDDEN TESTS
    from autograder.hidden import check
    check("<assignment id>", "<exercise>", <exercise>)
    ### END HIDDEN TESTS

which runs every case of the exercise (the public ones and the hidden ones)
against the golden file and raises AssertionError on the first difference.
"""

import functools
import json

from autograder import ROOT, GoldenMissing


@functools.lru_cache(maxsize=None)
def golden(assignment):
    path = ROOT / "autograder" / assignment / "golden.json"
    try:
        with open(path, encoding="utf-8") as f:
            return {e["name"]: e for e in json.load(f)["exercises"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GoldenMissing(f"{path.relative_to(ROOT)} cannot be read ({type(error).__name__}: {error}): "
                            "run `python -m autograder.golden --refresh` to write it again") from None


def check(assignment, name, target):
    from autograder.engine import run_exercise  # numpy: not loaded by golden()'s users before they need it
    exercise = golden(assignment)[name]
    run_exercise(exercise, target, exercise["cases"])
