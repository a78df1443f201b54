"""The reference solutions, taken from the source notebooks themselves."""

import sys

import nbformat

from autograder import source_notebook


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def is_answer(cell):
    return cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution", False)


def answers_namespace(path, label):
    """Run a notebook's `imports` cell and every answer cell; return the namespace they define."""
    nb = nbformat.read(path, as_version=4)
    namespace = {"__name__": label}
    sys.path.insert(0, str(path.parent))
    try:
        for cell in nb.cells:
            if cell.cell_type == "code" and (grade_id(cell) == "imports" or is_answer(cell)):
                exec(compile(cell.source, f"<{label}:{grade_id(cell)}>", "exec"), namespace)
    finally:
        sys.path.remove(str(path.parent))
    return namespace


def reference_namespace(assignment):
    """The reference solutions: the answer cells of the source notebook.

    They hold the solutions between nbgrader's solution markers (comments,
    so the cells run as they are).
    """
    return answers_namespace(source_notebook(assignment), f"reference_{assignment}")
