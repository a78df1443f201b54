import os
from pathlib import Path

import nbformat
import nbclient
import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("MPLBACKEND", "Agg")


def execute(nb, cwd, timeout=600):
    """Run a notebook in `cwd`; return [(cell id, error name, error value)] of the cells that failed."""
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return [(cell.get("id"), out.ename, out.evalue)
            for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", []) if out.output_type == "error"]


def stream_text(nb, cell_id):
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def read(path):
    return nbformat.read(path, as_version=4)


@pytest.fixture(scope="session")
def nbgrader_course(tmp_path_factory):
    """A scratch nbgrader course with every assignment generated from source/."""
    from autograder import ASSIGNMENTS
    from autograder.nbgrader_run import make_course
    return make_course(tmp_path_factory.mktemp("course") / "course", ASSIGNMENTS)


@pytest.fixture(scope="session")
def short_course(tmp_path_factory):
    """The same, with the notebooks' long trainings shortened (for runs that need the scores only)."""
    from autograder import ASSIGNMENTS
    from autograder.nbgrader_run import make_course
    return make_course(tmp_path_factory.mktemp("short") / "course", ASSIGNMENTS, short=True)
