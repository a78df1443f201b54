"""Source notebooks: their structure, and that they run with every public and hidden test passing."""

import ast
import importlib
import re

import pytest

from autograder import ASSIGNMENTS, ROOT, source_notebook
from conftest import execute, read, stream_text

NOTEBOOKS = sorted(p for p in ROOT.rglob("*.ipynb")  # tests/hostile/ holds deliberately broken files
                   if not {".venv", "build", ".ipynb_checkpoints", "hostile"} & set(p.relative_to(ROOT).parts))


def nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_notebooks_carry_no_outputs(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, \
                f"{path.relative_to(ROOT)}: cell {cell.get('id')} has outputs; clear them before committing"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_structure(assignment):
    """Every cell is locked but the answers; each answer is followed by its test cell."""
    nb = read(source_notebook(assignment))
    exercises = [e.name for e in importlib.import_module(f"autograder.{assignment}.exercises").EXERCISES]
    answers = []
    for i, cell in enumerate(nb.cells):
        meta = nbgrader(cell)
        assert meta.get("grade_id") == cell.get("id"), f"cell {i}: nbgrader grade_id must equal the cell id"
        if not meta.get("solution"):
            assert meta.get("locked"), f"cell {cell.id}: every cell but the answers is locked"
            continue
        name = meta["grade_id"]
        answers.append(name)
        assert cell.source.count("### BEGIN SOLUTION") == 1 and cell.source.count("### END SOLUTION") == 1
        tree = ast.parse(cell.source)
        if isinstance(tree.body[0], ast.FunctionDef):
            assert tree.body[0].name == name and len(tree.body) == 1
            assert ast.get_docstring(tree.body[0]), f"{name}: the stub keeps a docstring"
            before, body = cell.source.split("### BEGIN SOLUTION")
            assert before.rstrip().endswith('"""'), f"{name}: only the function body is between the markers"
            assert body.rstrip().endswith("### END SOLUTION")
        test = nb.cells[i + 1]
        assert nbgrader(test).get("grade") and nbgrader(test).get("points", 0) > 0, f"{name}: test cell with points"
        assert test.source.startswith(f"{name}_test({name})\n### BEGIN HIDDEN TESTS\n")
        assert f'check("{assignment}", "{name}", {name})\n### END HIDDEN TESTS' in test.source
    assert answers == exercises, "the answer cells and autograder/<id>/exercises.py list the same exercises"


# Notebooks whose text states what their trainings print: {assignment: (cells that print, pattern, matches
# per cell)}. The text is the cell md-results.
STATED = {
    "c1w2_logistic_regression": (["train"], r"(?:train|test) accuracy: ([\d.]+ %)", 2),
    "c1w4_deep_nn_application": (["two-layer-accuracy", "L-layer-accuracy"], r"Accuracy: ([\d.]+ %)", 2),
    "c2w1_initialization": (["zeros-accuracy", "random-accuracy", "he-accuracy"], r"Accuracy: ([\d.]+ %)", 2),
    "c2w1_regularization": (["plain-accuracy", "l2-accuracy", "dropout-accuracy"], r"Accuracy: ([\d.]+ %)", 2),
    "c2w2_optimization": (["results"], r" (\d\.\d{4}) +([\d.]+) %", 6),  # final cost and accuracy per training
}


def text(nb, cell_id):
    return next(c.source for c in nb.cells if c.id == cell_id)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_runs_with_every_test_passing(assignment):
    path = source_notebook(assignment)
    nb = read(path)
    errors = execute(nb, path.parent)
    assert errors == [], f"cells failed: {errors}"
    for cell in nb.cells:
        if nbgrader(cell).get("grade"):
            assert stream_text(nb, cell.id).strip() == "All tests passed.", cell.id
    if assignment in STATED:  # the text states the accuracies the trainings print
        cells, pattern, count = STATED[assignment]
        printed = [re.findall(pattern, stream_text(nb, cell)) for cell in cells]
        stated = text(nb, "md-results")
        values = [v for found in printed for match in found for v in ([match] if isinstance(match, str) else match)]
        assert all(len(found) == count for found in printed) and all(v in stated for v in values), (printed, stated)
    if assignment == "c1w4_deep_nn_application":  # the deep network beats Week 2's logistic regression by 5 points
        logistic = re.findall(r"([\d.]+) %", text(read(source_notebook("c1w2_logistic_regression")), "md-results"))[1]
        deep = float(printed[1][1].rstrip(" %"))
        assert f"logistic regression ({logistic} %)" in stated and deep >= float(logistic) + 5, (deep, logistic)


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_companion_notebook_runs(path):
    assert execute(read(path), path.parent) == []
