"""python -m autograder batch on a submissions folder that students made hostile: links, pipes, devices, odd
folder names, forged outputs, a grading that stalls, a report the gradebook cannot take."""

import csv
import faulthandler
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import MAX_NOTEBOOK_BYTES, ROOT, release_notebook, submitted_folder
from autograder.batch import result_path, run
from autograder.nbgrader_run import make_course

LR = "c1w2_logistic_regression"
CORRECT = ROOT / "tests" / "submissions" / LR / "correct.ipynb"
NOTEBOOK = f"{LR}/{LR}.ipynb"
ANSWERS = ["sigmoid", "initialize_with_zeros", "propagate", "optimize", "predict", "model"]


@contextmanager
def deadline(seconds):
    """Fail (the whole run, with every thread's traceback) rather than hang, if the body outlasts `seconds`."""
    faulthandler.dump_traceback_later(seconds, exit=True, file=sys.__stderr__)  # capsys replaces sys.stderr
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("hostile") / "course", [LR])


@pytest.fixture
def course(template, tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(template, folder, symlinks=True)
    return folder


def put(course, student, source=CORRECT):
    """submitted/<student>/<id>/<id>.ipynb, a copy of `source` (student: str, or bytes for a raw name)."""
    folder = os.path.join(os.fsencode(course / "submitted"), os.fsencode(student), os.fsencode(LR))
    os.makedirs(folder)
    shutil.copy(source, os.path.join(folder, os.fsencode(f"{LR}.ipynb")))


def cells(notebook):
    return {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in notebook["cells"]}


def source(cell):
    return "".join(cell["source"])


def forged(path):
    """The correct notebook with outputs forged to say "All tests passed.", an edited test cell, a markdown
    cell of raw HTML, an answer whose comment tries to close the page's <script>, and odd metadata."""
    nb = json.loads(CORRECT.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["execution_count"] = 3
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["All tests passed.\n"]},
                               {"output_type": "display_data", "metadata": {},
                                "data": {"text/html": ["<script>alert(3)</script>"]}}]
    by_id = cells(nb)
    by_id["sigmoid_test"]["source"] = ["print('All tests passed.')"]
    by_id["sigmoid"]["source"] = by_id["sigmoid"]["source"] + ["\n# </script><script>alert(2)</script>"]
    by_id["sigmoid"]["metadata"]["odd"] = "oddity-in-cell-metadata"
    nb["cells"].insert(3, {"cell_type": "markdown", "id": "forged-md", "source": ["<script>alert(1)</script>"],
                           "metadata": {"nbgrader": {"grade": True, "grade_id": "bonus", "points": 100,
                                                     "solution": False, "locked": False, "schema_version": 3}}})
    nb["metadata"]["oddity"] = "<script>alert(4)</script>"
    path.write_text(json.dumps(nb))
    return path


def hostile_class(course, tmp_path):
    """The class of the big test; returns {student: what the refusal message must say} of the refused."""
    put(course, "ada")
    put(course, "zoë")  # a valid id that is not ASCII
    put(course, "bea", release_notebook(LR))
    put(course, "cal", release_notebook(LR))
    put(course, "fay", forged(tmp_path / "forged.ipynb"))
    sub = course / "submitted"
    (sub / "sol" / LR).mkdir(parents=True)
    (sub / "sol" / NOTEBOOK).symlink_to(course / "source" / LR / f"{LR}.ipynb")  # the solutions
    (sub / "mal").symlink_to(sub / "ada")  # a student folder that is a link
    (sub / "ama").mkdir()
    (sub / "ama" / LR).symlink_to(sub / "ada" / LR)  # an assignment folder that is a link
    (sub / "pip" / LR).mkdir(parents=True)
    os.mkfifo(sub / "pip" / NOTEBOOK)  # reading it would wait for a writer for ever
    (sub / "zed" / LR).mkdir(parents=True)
    (sub / "zed" / NOTEBOOK).symlink_to("/dev/zero")
    (sub / "dir" / NOTEBOOK).mkdir(parents=True)
    refused = {"sol": f"submitted/sol/{NOTEBOOK} is a symbolic link: the grader reads only regular files; "
                      "collect the submission again",
               "mal": "submitted/mal is a symbolic link", "ama": f"submitted/ama/{LR} is a symbolic link",
               "pip": f"submitted/pip/{NOTEBOOK} is a named pipe (FIFO)",
               "zed": f"submitted/zed/{NOTEBOOK} is a symbolic link", "dir": f"submitted/dir/{NOTEBOOK} is a folder"}
    (sub / "dev" / LR).mkdir(parents=True)
    try:
        os.mknod(sub / "dev" / NOTEBOOK, 0o666 | 0o020000, os.makedev(1, 5))  # a character device: /dev/zero's
        refused["dev"] = f"submitted/dev/{NOTEBOOK} is a device"
    except PermissionError:  # not root: the link to /dev/zero stands for it
        shutil.rmtree(sub / "dev")
    for name in [b"\xff\xfe", "new\nline", "tab\tname", "-rf", "x" * 200]:
        put(course, name)
    return refused


def test_a_hostile_class_is_graded_refused_or_skipped_each_with_its_message(course, tmp_path):
    refused = hostile_class(course, tmp_path)
    batch = subprocess.Popen([sys.executable, "-m", "autograder", "batch", "--course", str(course),
                              "--assignment", LR, "--workers", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = batch.communicate(timeout=300)  # before, the named pipe made it wait for ever
    finally:
        if batch.poll() is None:
            os.killpg(batch.pid, signal.SIGKILL)
    assert batch.returncode == 0, err
    # skipped, each named escaped (as bash's $'...' would), with the command that renames it
    for shown in ["\\xff\\xfe", "new\\x0aline", "tab\\x09name", "-rf", "x" * 200]:
        assert f"warning: submitted/{shown} is skipped: its name" in err
        assert f"mv -- $'submitted/{shown}' submitted/STUDENT_ID" in err
    graded = {"ada": 9, "zoë": 9, "fay": 9, "bea": 0, "cal": 0} | {student: 0 for student in refused}
    rows = {r["student"]: r for r in csv.DictReader(open(course / "grades.csv", encoding="utf-8"))}
    assert {s: float(r["score"]) for s, r in rows.items()} == graded
    results = {s: json.loads(result_path(course, s, LR).read_text()) for s in graded}
    for student, message in refused.items():
        report = results[student]
        assert report["problem"].startswith(message) and "collect the submission again" in report["problem"]
        assert all(e["score"] == 0 and e["output"] == report["problem"] for e in report["exercises"])
        assert f"warning: {report['problem']}" in err  # the instructor sees it at once
    assert sorted(os.listdir(course / "autograder_results" / LR)) == sorted(f"{s}.json" for s in graded)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert {s.id for s in gb.students} == set(graded)
        for student, score in graded.items():
            notebook = gb.find_submission_notebook(LR, LR, student)
            assert notebook.score == score and not notebook.needs_manual_grade
            if student in refused:
                assert {c.comment for c in notebook.comments} == {results[student]["problem"]}
    # the copies for the feedback are the release with the answers in: no solution, nothing forged
    release = json.loads(release_notebook(LR).read_text())
    for student in graded:
        copy = json.loads((course / "autograded" / student / NOTEBOOK).read_text())
        assert copy["metadata"] == release["metadata"]
        assert [(c["id"], c["metadata"]) for c in copy["cells"]] == [(c["id"], c["metadata"]) for c in release["cells"]]
        code = [c for c in copy["cells"] if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
        text = json.dumps(copy)
        for absent in ["All tests passed", "alert(1)", "alert(3)", "alert(4)", "oddity", "BEGIN SOLUTION",
                       "HIDDEN TESTS"]:
            assert absent not in text, (student, absent)
        answered = [k for k in ANSWERS if source(cells(copy)[k]) != source(cells(release)[k])]
        assert answered == (ANSWERS if graded[student] == 9 else []), student
    fay = cells(json.loads((course / "autograded" / "fay" / NOTEBOOK).read_text()))
    assert source(fay["sigmoid"]).endswith("# </script><script>alert(2)</script>")  # shown, as code
    assert source(fay["sigmoid_test"]) == source(cells(release)["sigmoid_test"])
    # nbgrader makes every feedback page from them
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "generate_feedback", LR],
                          cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for student in graded:
        page = (course / "feedback" / student / LR / f"{LR}.html").read_text()
        assert f"Score: {graded[student]:.1f} / 9.0" in page
        for absent in ["All tests passed", "alert(1)", "<script>alert(2)", "alert(3)", "alert(4)",
                       "BEGIN SOLUTION", "HIDDEN TESTS"]:
            assert absent not in page, (student, absent)
    assert refused["sol"] in (course / "feedback" / "sol" / LR / f"{LR}.html").read_text()
    # started again: nothing graded twice, the refusals included, and the skipped still named
    again = subprocess.run([sys.executable, "-m", "autograder", "batch", "--course", str(course), "--assignment", LR],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "graded 0," in again.stdout, again.stderr
    assert f"{len(graded)} already graded" in again.stderr and "\\xff\\xfe is skipped" in again.stderr


def test_a_submission_put_right_is_graded_on_the_next_run(course):
    put(course, "ada")
    (course / "submitted" / "sol" / LR).mkdir(parents=True)
    (course / "submitted" / "sol" / NOTEBOOK).symlink_to(CORRECT)
    with deadline(300):
        reports, graded = run(course, [LR], workers=1, csv_path=None)
        assert graded == 2 and {r["student"]: r["score"] for r in reports} == {"ada": 9, "sol": 0}
        (course / "submitted" / "sol" / NOTEBOOK).unlink()
        shutil.copy(CORRECT, course / "submitted" / "sol" / NOTEBOOK)
        reports, graded = run(course, [LR], workers=1, csv_path=None)
    assert graded == 1 and {r["student"]: r["score"] for r in reports} == {"ada": 9, "sol": 9}


# --- reading ----------------------------------------------------------------------------------------------------

def test_a_link_swapped_in_after_the_look_is_not_followed(course, monkeypatch):
    """lstat says "regular file", then the open meets a link (as if the student swapped it in between):
    O_NOFOLLOW refuses it, and nothing of the link's target is read."""
    (course / "submitted" / "eve" / LR).mkdir(parents=True)
    (course / "submitted" / "eve" / NOTEBOOK).symlink_to(CORRECT)
    regular, real = os.stat(CORRECT), os.stat

    def stat(path, *args, **kwargs):
        return regular if path == f"{LR}.ipynb" else real(path, *args, **kwargs)
    monkeypatch.setattr(os, "stat", stat)
    data, problem = submitted_folder.read(course, "eve", LR)
    assert data is None and problem.startswith(f"submitted/eve/{NOTEBOOK} is no longer what it was")


def test_an_oversized_notebook_is_refused_unread(course):
    (course / "submitted" / "big" / LR).mkdir(parents=True)
    with open(course / "submitted" / "big" / NOTEBOOK, "wb") as f:
        f.truncate(MAX_NOTEBOOK_BYTES + 1)
    data, problem = submitted_folder.read(course, "big", LR)
    assert data is None and "over the 20 MB limit" in problem


def test_the_bytes_graded_are_the_bytes_read(course):
    put(course, "ada")
    data, problem = submitted_folder.read(course, "ada", LR)
    assert problem is None and data == CORRECT.read_bytes()


@pytest.mark.parametrize("name", ["ada", "zoë", "ada.lovelace@uni.example", "a_b-c", "_x", "9", "x" * 128])
def test_these_folder_names_are_student_ids(name):
    assert submitted_folder.student_id_problem(name) is None


@pytest.mark.parametrize("name, why", [
    (os.fsdecode(b"\xffada"), "not valid UTF-8"), ("a\nb", "control or invisible"), ("a\tb", "control or invisible"),
    ("a\u202eb", "control or invisible"), ("-rf", "starts with '-'"), ("@x", "starts with '@'"),
    ("=1+1", "starts with '='"), ("a b", "holds ' '"), ("a*b+c", "holds '*+'"), ("a/b", "holds '/'"),
    ("x" * 129, "129 bytes long"), ("é" * 65, "130 bytes long")])
def test_these_folder_names_are_not(name, why):
    assert why in submitted_folder.student_id_problem(name)


def test_a_shown_name_is_one_printable_line_that_bash_reads_back_as_the_name():
    name = os.fsdecode(b"\xff-a\nb\tc'd\\e zo\xc3\xab\xe2\x80\xae")
    shown = submitted_folder.shown(name)
    assert shown.isprintable() and "\n" not in shown
    echoed = subprocess.run(["bash", "-c", f"printf %s $'{shown}'"], capture_output=True).stdout
    assert echoed == os.fsencode(name)


# --- the backstop -----------------------------------------------------------------------------------------------

def _sandbox_processes():
    found = set()
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            if b"sandboxed.server" in (folder / "cmdline").read_bytes():
                found.add(int(folder.name))
        except OSError:  # the process ended meanwhile
            continue
    return found


def test_the_backstop_ends_the_sandbox_of_the_grading_it_stopped_at_once():
    """Stopped by the backstop 3 s into an endless loop, which the sandbox would let run 20 s: the sandbox
    that ran it is ended at once (nothing of it runs 5 s later), not left to a garbage collection."""
    from autograder import batch, grade
    before = _sandbox_processes()
    with deadline(120), pytest.raises(batch.GradingTimeout) as stopped:
        batch._within(3, grade.grade, (ROOT / "tests" / "hostile" / "infinite_loop.ipynb").read_bytes(), LR)
    batch._close_sandboxes(stopped.value)  # `stopped` still holds the traceback, and the sandbox in it
    end = time.monotonic() + 5
    while (left := _sandbox_processes() - before) and time.monotonic() < end:
        time.sleep(0.1)
    assert left == set()


def test_a_stalled_grading_is_stopped_by_its_worker_and_the_others_are_graded(course, monkeypatch):
    from autograder import batch, grade
    put(course, "ada")
    put(course, "slo", ROOT / "tests" / "submissions" / LR / "mistakes.ipynb")
    real = grade.grade

    def stalls(source, assignment):  # for slo's notebook: a grader that never returns
        if source == (ROOT / "tests" / "submissions" / LR / "mistakes.ipynb").read_bytes():
            time.sleep(3600)
        return real(source, assignment)
    monkeypatch.setattr(grade, "grade", stalls)  # the workers are forked: they inherit it
    monkeypatch.setattr(batch, "BACKSTOP_SECONDS", 2)
    started = time.monotonic()
    with deadline(120):
        reports, graded = run(course, [LR], workers=1, csv_path=None)
    assert time.monotonic() - started < 60
    by_student = {r["student"]: r for r in reports}
    assert graded == 2 and by_student["ada"]["score"] == 9
    assert by_student["slo"]["score"] == 0 and by_student["slo"]["problem"].startswith("grading took longer than 2 s")
    rows = {r["student"]: float(r["score"]) for r in csv.DictReader(open(course / "grades.csv"))}
    assert rows == {"ada": 9, "slo": 0}


def test_the_backstop_closes_the_sandbox_it_stopped_and_the_next_submission_gets_a_new_one(course, monkeypatch):
    """An endless loop runs for 20 s before the sandbox stops it; a backstop of 4 s stops it first (as it
    would a sandbox that never stops it): that sandbox is ended, and the next submission is graded in a
    new one, in the same worker."""
    from autograder import batch
    put(course, "aaa", ROOT / "tests" / "hostile" / "infinite_loop.ipynb")
    put(course, "zzz")
    monkeypatch.setattr(batch, "BACKSTOP_SECONDS", 4)
    before = _sandbox_processes()
    with deadline(120):
        reports, _ = run(course, [LR], workers=1, csv_path=None)
    by_student = {r["student"]: r for r in reports}
    assert by_student["aaa"]["problem"].startswith("grading took longer than 4 s") and by_student["zzz"]["score"] == 9
    end = time.monotonic() + 10  # killed sandboxes take a moment to go
    while (left := _sandbox_processes() - before) and time.monotonic() < end:
        time.sleep(0.1)
    assert left == set()


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


def test_the_batch_names_the_grade_the_gradebook_could_not_take(course, monkeypatch, capsys):
    from autograder import batch
    put(course, "ada")
    put(course, "bob")
    real = batch.GradebookWriter.send

    def send(self, report):  # bob's report as a damaged result file could hold it
        return real(self, dict(report, student="bob\udcff") if report["student"] == "bob" else report)
    monkeypatch.setattr(batch.GradebookWriter, "send", send)
    with deadline(300):
        reports, graded = run(course, [LR], workers=2, csv_path=None)
    assert graded == 2
    err = capsys.readouterr().err
    assert (f"warning: the grade of bob\\xff/{LR} could not be written into {course / 'gradebook.db'} "
            "(UnicodeEncodeError: ") in err
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert {s.id for s in gb.students} == {"ada"} and gb.find_submission_notebook(LR, LR, "ada").score == 9


# The hostile submissions that attack the sandbox they are graded in (see tests/hostile/make.py), graded
# in one batch on one worker, each followed by a correct and a blank student on the same worker.
ATTACKERS = ["touch_the_server", "write_the_servers_files", "stop_the_grading_process", "signal_the_server",
             "other_system_calls", "hold_memory_in_pipes", "flood_the_channel", "fill_the_grader", "forge_results",
             "kill_every_process", "kill_the_runner", "leave_traces", "write_proc_sys", "mark_tmp",
             "carry_hidden_inputs", "fork_bomb", "memory_bomb", "monkeypatch_numpy", "find_the_answer_key_" + LR,
             "spell_in_a_refusal", "spell_in_a_signal", "refuse_judged_exercises"]


def test_no_attacker_changes_the_grade_of_the_students_after_it_on_its_worker(course):
    """Students are graded in the order of their names: attacker, correct, blank, the next attacker...
    Every attacker gets its own expected report's scores; every other student exactly 9 or 0."""
    hostile = ROOT / "tests" / "hostile"
    for number, attack in enumerate(ATTACKERS):
        put(course, f"s{number:02d}a_{attack}", hostile / f"{attack}.ipynb")
        put(course, f"s{number:02d}b_correct")
        put(course, f"s{number:02d}c_blank", release_notebook(LR))
    with deadline(900):
        reports, graded = run(course, [LR], workers=1, csv_path=None)
    assert graded == 3 * len(ATTACKERS)
    scores = {r["student"]: {e["name"]: e["score"] for e in r["exercises"]} for r in reports}
    for number, attack in enumerate(ATTACKERS):
        expected = json.loads((hostile / f"{attack}.expected.json").read_text())["scores"]
        assert scores[f"s{number:02d}a_{attack}"] == expected, attack
        assert sum(scores[f"s{number:02d}b_correct"].values()) == 9, f"the correct student after {attack}"
        assert sum(scores[f"s{number:02d}c_blank"].values()) == 0, f"the blank student after {attack}"
