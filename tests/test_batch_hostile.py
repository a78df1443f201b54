"""python -m autograder batch on a submissions folder that students made hostile: links, pipes, devices, odd
folder names, forged outputs, a grading that stalls, a report the gradebook cannot take."""

import json
import shutil
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook

from autograder.nbgrader_run import make_course

LR = "c1w2_logistic_regression"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("hostile") / "course", [LR])


@pytest.fixture
def course(template, tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(template, folder, symlinks=True)
    return folder


# --- the gradebook ----------------------------------------------------------------------------------------------

def _report(student, output="all 3 cases passed"):
    from autograder import grade
    report = grade.refused(LR, "placeholder")
    for exercise in report["exercises"]:
        exercise["output"] = output
    return dict(report, student=student)


def test_one_report_the_gradebook_cannot_take_costs_the_others_nothing(course):
    lines = [json.dumps(_report("ada", "<script>alert(5)</script> & a lone \udcff")), json.dumps(_report("bad\udcff")),
             json.dumps(_report("bob"))]
    done = subprocess.run([sys.executable, "-m", "autograder.gradebook", str(course)], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    last = json.loads(done.stdout.splitlines()[-1])
    assert last["missing"] == [] and [f[:2] for f in last["failed"]] == [["bad\udcff", LR]]
    assert last["failed"][0][2].startswith("UnicodeEncodeError")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert {s.id for s in gb.students} == {"ada", "bob"}
        comments = {c.comment for c in gb.find_submission_notebook(LR, LR, "ada").comments}
    assert comments == {"&lt;script&gt;alert(5)&lt;/script&gt; &amp; a lone \\udcff"}


def test_the_stored_comments_render_as_text_on_the_feedback_page():
    from nbconvert.filters.markdown import markdown2html
    from autograder.gradebook import comment_text
    hostile = "<script>alert(6)</script> <img src=x onerror=alert(7)> a < b & c"
    assert "<script>" in markdown2html(hostile)  # what nbgrader's template would do with it unescaped
    rendered = markdown2html(comment_text(hostile))
    assert "<script>" not in rendered and "<img" not in rendered and "a &lt; b &amp; c" in rendered
