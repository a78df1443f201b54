"""Rebuild the notebook that nbgrader's feedback page shows: the release, with only the student's answers in.

`nbgrader generate_feedback` renders autograded/<student>/<id>/<id>.ipynb beside the gradebook's scores and
comments. A copy of the submission itself would put on that page whatever the student wrote: outputs
forged to read "All tests passed.", edited test cells, markdown cells with raw HTML (nbgrader renders it,
<script> included), metadata of any kind. So the copy is the release notebook (its cells, cell ids and
metadata) in which only the source of each answer cell (a solution cell of the release whose grade_id is
an exercise) is the student's, as the grader read it (submission.read_answers), with no output and no execution
count anywhere. Answers are code, which nbconvert shows escaped and never runs; the characters of it that
could not be encoded or would garble the page (lone surrogates, control characters) are written as escapes.
"""

import functools
import json
import os
from pathlib import Path

from autograder import release_notebook
from autograder.hidden import golden


@functools.lru_cache(maxsize=None)
def _release_text(assignment):
    return release_notebook(assignment).read_text(encoding="utf-8")


def rebuild(data, assignment):
    """The feedback copy (a notebook, as a dict) of the submitted bytes `data`; None: the release, blank."""
    from autograder.submission import read_answers
    from autograder.judge import safe_text
    notebook = json.loads(_release_text(assignment))  # a fresh copy each time
    names = list(golden(assignment))
    answers = read_answers(data, assignment, names).answers if data is not None else {}
    for cell in notebook["cells"]:
        if cell.get("cell_type") != "code":
            continue
        cell["outputs"], cell["execution_count"] = [], None
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in answers:
            source = answers[meta["grade_id"]]
            cell["source"] = safe_text(source, limit=10 * len(source) + 1)  # room for every escape
    return notebook


def write(course, student, assignment, data):
    """Write the feedback copy where `nbgrader generate_feedback` looks for it (atomically: whole or absent)."""
    target = Path(course) / "autograded" / student / assignment / f"{assignment}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".partial")
    temporary.write_text(json.dumps(rebuild(data, assignment), indent=1, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    os.replace(temporary, target)
