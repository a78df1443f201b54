"""Student releases: in sync with the sources, free of solutions and hidden tests, self-contained."""

import filecmp
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import ASSIGNMENTS, ROOT, release_notebook, source_notebook
from autograder.nbgrader_run import shorten_trainings
from conftest import execute, read, stream_text


def files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_what_nbgrader_generates_from_the_source(assignment, nbgrader_course):
    fresh, committed = nbgrader_course / "release" / assignment, ROOT / "release" / assignment
    assert files(fresh) == files(committed), "regenerate: nbgrader generate_assignment <id> --force"
    for name in files(fresh):
        assert filecmp.cmp(fresh / name, committed / name, shallow=False), \
            f"release/{assignment}/{name} is out of date: regenerate with nbgrader generate_assignment {assignment} --force"


def solution_lines(assignment):
    """The meaningful lines written between the solution markers of the source notebook."""
    lines = set()
    for cell in read(source_notebook(assignment)).cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            lines |= {l.strip() for l in body.splitlines() if len(l.strip()) > 12}
    return lines


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_no_solution_and_no_hidden_test(assignment):
    folder = ROOT / "release" / assignment
    text = {p: (folder / p).read_text(encoding="utf-8", errors="replace") for p in files(folder)
            if p.suffix in {".ipynb", ".py", ".json"}}
    for path, content in text.items():
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "autograder", '"public": '):
            assert marker not in content, f"release/{assignment}/{path} contains {marker!r}"
    notebook = text[Path(f"{assignment}.ipynb")]
    code = "\n".join(c.source for c in nbformat.reads(notebook, as_version=4).cells if c.cell_type == "code")
    leaked = [line for line in solution_lines(assignment) if line in code]
    assert not leaked, f"solution lines in the release's code cells: {leaked}"
    assert not (folder / "golden.json").exists()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_folder_alone_runs_every_cell(assignment, tmp_path):
    """A student with only release/<id>/ can run every cell once the answers are written (trainings shortened)."""
    folder = tmp_path / assignment
    shutil.copytree(ROOT / "release" / assignment, folder)
    nb = shorten_trainings(read(release_notebook(assignment)))
    answers = {c.id: c.source for c in read(source_notebook(assignment)).cells}
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = re.sub(r"[ \t]*### (BEGIN|END) SOLUTION\n?", "", answers[cell.id])
    assert execute(nb, folder) == []
    graded = [c.id for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded and all(stream_text(nb, g).strip() == "All tests passed." for g in graded)
