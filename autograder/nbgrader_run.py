"""Grade notebooks with nbgrader in a scratch course folder, and read the scores back.

The scratch folder gets a copy of nbgrader_config.py and source/ (symlinks
resolved), so the instructor's own gradebook and folders are never touched.

Long trainings: the notebooks keep the course's settings (say 2500
iterations), and the test that runs each source notebook runs them in full,
once.  Runs that only need the scores (``make_course(..., short=True)``) get
locked cells whose literal ``num_iterations=`` / ``num_epochs=`` are cut to
SHORT_TRAINING (201): nbgrader restores every locked cell of a submission from the
course's copy, so the shortening holds for every notebook graded there.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from autograder import ROOT


def nbgrader(*args, cwd):
    """Run one nbgrader command; raise with its output if it fails."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed in {cwd}:\n{done.stdout}\n{done.stderr}")
    return done


SHORT_TRAINING = 201  # long enough to record 3 costs (one per 100 iterations): the plots still draw lines
_TRAINING_LENGTH = re.compile(r"\b(num_iterations|num_epochs)(\s*=\s*)(\d+)\b")


def shorten_trainings(nb):
    """Cut the literal training lengths of the notebook's locked code cells to SHORT_TRAINING (in place)."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("locked") and not meta.get("grade"):
            cell.source = _TRAINING_LENGTH.sub(
                lambda m: f"{m[1]}{m[2]}{min(int(m[3]), SHORT_TRAINING)}", cell.source)
    return nb


def make_course(folder, assignments, short=False):
    """A fresh nbgrader course in `folder` with the given assignments generated (trainings shortened if `short`)."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    for assignment in assignments:
        shutil.copytree(ROOT / "source" / assignment, folder / "source" / assignment, symlinks=False,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        if short:
            import nbformat
            path = folder / "source" / assignment / f"{assignment}.ipynb"
            nbformat.write(shorten_trainings(nbformat.read(path, as_version=4)), path)
        nbgrader("generate_assignment", assignment, "--force", cwd=folder)
    return folder


def autograde(folder, submissions):
    """Autograde {(student, assignment): notebook path}; return {(student, assignment): {grade_id: (score, max)}}."""
    from nbgrader.api import Gradebook

    folder = Path(folder)
    for (student, assignment), notebook in submissions.items():
        target = folder / "submitted" / student / assignment
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook, target / f"{assignment}.ipynb")
    for assignment in sorted({a for _, a in submissions}):
        nbgrader("autograde", assignment, "--force", cwd=folder)
    scores = {}
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gb:
        for student, assignment in submissions:
            notebook = gb.find_submission_notebook(assignment, assignment, student)
            scores[student, assignment] = {g.name: (g.score, g.max_score) for g in notebook.grades}
    return scores
