"""python -m autograder batch: a class graded in parallel, into nbgrader's gradebook, resumably."""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import ROOT, sandbox
from autograder.batch import result_path, run
from autograder.nbgrader_run import make_course

LR = "c1w2_logistic_regression"
STUDENTS = {"ada": "correct", "bob": "mistakes", "cy": "hidden_only", "dee": "correct", "eve": "mistakes"}


@pytest.fixture
def course(tmp_path):
    folder = make_course(tmp_path / "course", [LR])
    for student, canned in STUDENTS.items():
        target = folder / "submitted" / student / LR
        target.mkdir(parents=True)
        shutil.copy(ROOT / "tests" / "submissions" / LR / f"{canned}.ipynb", target / f"{LR}.ipynb")
    return folder


def expected(canned):
    return json.loads((ROOT / "tests" / "submissions" / LR / f"{canned}.expected.json").read_text())


def test_batch_grades_everyone_into_the_csv_and_the_gradebook(course):
    reports, graded = run(course, [LR], workers=2, csv_path=None)
    assert graded == len(STUDENTS)
    rows = {r["student"]: r for r in csv.DictReader(open(course / "grades.csv"))}
    assert set(rows) == set(STUDENTS)
    assert float(rows["ada"]["score"]) == 9 and float(rows["bob"]["propagate"]) == 0
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student, canned in STUDENTS.items():
            notebook = gb.find_submission_notebook(LR, LR, student)
            scores = {g.name.removesuffix("_test"): g.score for g in notebook.grades}
            full = {k for k, v in scores.items() if v == gb.find_grade_cell(f"{k}_test", LR, LR).max_score}
            assert full == {k for k, v in expected(canned).items() if v > 0}, (student, scores)
            assert notebook.comments and any("cases passed" in (c.comment or "") for c in notebook.comments)
            assert not notebook.needs_manual_grade  # as after nbgrader autograde: formgrader lists it as graded


def test_nbgrader_export_sees_the_batch_grades(course):
    reports, _ = run(course, [LR], workers=2, csv_path=None)
    exported = course / "exported.csv"
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--to", str(exported)],
                          cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = {r["student_id"]: r for r in csv.DictReader(open(exported))}
    assert {s: float(rows[s]["raw_score"]) for s in STUDENTS} == {r["student"]: r["score"] for r in reports}
    assert all(float(rows[s]["max_score"]) == 9 for s in STUDENTS)


def test_nbgrader_generate_feedback_shows_the_batch_grades_and_messages(course):
    reports, _ = run(course, [LR], workers=2, csv_path=None)
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "generate_feedback", LR],
                          cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    bob = next(r for r in reports if r["student"] == "bob")
    html = (course / "feedback" / "bob" / LR / f"{LR}.html").read_text()
    assert f"Score: {bob['score']:.1f} / 9.0" in html
    failed = next(e for e in bob["exercises"] if e["score"] < e["max_score"])
    assert failed["output"].split(";")[0] in html


def test_a_damaged_gradebook_costs_no_grade(course, capsys):
    (course / "gradebook.db").write_text("not a database")
    reports, graded = run(course, [LR], workers=2, csv_path=None)
    assert graded == len(STUDENTS) and len(list(csv.DictReader(open(course / "grades.csv")))) == len(STUDENTS)
    assert all(result_path(course, s, LR).exists() for s in STUDENTS)
    warning = capsys.readouterr().err
    assert "could not be written into" in warning and "file is not a database" in warning


def test_a_missing_golden_file_stops_grading_with_one_message(course, tmp_path, monkeypatch, capsys):
    """Without its golden file nothing of an assignment can be graded: one line says which file and how
    to write it, exit status 2, and no result is written (rather than a traceback per submission)."""
    from autograder import batch, grade, hidden, oracle
    monkeypatch.setattr(hidden, "ROOT", tmp_path)  # an autograder/ folder without golden files
    hidden.golden.cache_clear(), grade.sandbox_setup.cache_clear(), oracle.prepared.cache_clear()
    try:
        assert batch.main(["--course", str(course), "--assignment", LR, "--workers", "2"]) == 2
        assert grade.main([str(course / "submitted" / "ada" / LR / f"{LR}.ipynb"), "--assignment", LR]) == 2
    finally:
        hidden.golden.cache_clear(), grade.sandbox_setup.cache_clear(), oracle.prepared.cache_clear()
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("cannot grade")]
    assert len(lines) == 2 and all(f"autograder/{LR}/golden.json cannot be read (FileNotFoundError" in line
                                   and "python -m autograder.golden --refresh" in line for line in lines), lines
    assert not (course / "autograder_results").exists()


def _children():
    """The child processes of this one (zombies included): {pid: name}."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = stat.read_text().rsplit(")", 1)
        except OSError:  # the process ended meanwhile
            continue
        if int(fields.split()[1]) == os.getpid():
            found[stat.parent.name] = name.split("(", 1)[1]
    return found


def test_the_workers_grade_in_the_sandboxes_launched_before_the_grader_loaded(course, tmp_path, monkeypatch):
    """The batch launches one sandbox per worker before it loads numpy, and each worker it forks adopts
    one: no sandbox is started in a worker, and none is left behind (not even as a zombie) at the end."""
    log, real = tmp_path / "sandboxes", sandbox.command

    def command(*args, **kwargs):  # inherited by the forked workers: every sandbox started, and where
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)
    monkeypatch.setattr(sandbox, "command", command)
    before = _children()  # this thread's warm sandbox, if an earlier test left one
    reports, graded = run(course, [LR], workers=2, csv_path=None)
    assert graded == len(STUDENTS)
    assert sorted(r["student"] for r in reports if r["score"] == 9 and r["problem"] is None) == ["ada", "dee"]
    assert log.read_text().split() == [str(os.getpid())] * 2
    assert {pid: name for pid, name in _children().items() if pid not in before} == {}


def test_started_again_it_grades_only_what_is_new_or_changed(course):
    run(course, [LR], workers=2, csv_path=None)
    stamps = {s: result_path(course, s, LR).stat().st_mtime_ns for s in STUDENTS}
    assert run(course, [LR], workers=2, csv_path=None)[1] == 0
    result_path(course, "ada", LR).unlink()
    shutil.copy(ROOT / "tests" / "submissions" / LR / "correct.ipynb", course / "submitted" / "bob" / LR / f"{LR}.ipynb")
    reports, graded = run(course, [LR], workers=2, csv_path=None)
    assert graded == 2 and len(reports) == len(STUDENTS)
    assert {s for s in STUDENTS if result_path(course, s, LR).stat().st_mtime_ns != stamps[s]} == {"ada", "bob"}
    assert next(r for r in reports if r["student"] == "bob")["score"] == 9


def test_an_interrupted_batch_loses_nothing_and_grades_nothing_twice(course):
    batch = subprocess.Popen([sys.executable, "-m", "autograder", "batch", "--course", str(course), "--workers", "1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(result_path(course, s, LR).exists() for s in STUDENTS):
        time.sleep(0.05)
    os.killpg(batch.pid, signal.SIGKILL)  # the batch and its workers, as a power cut would
    batch.wait()
    done = {s for s in STUDENTS if result_path(course, s, LR).exists()}
    assert 1 <= len(done) < len(STUDENTS), "the batch was stopped in the middle"
    stamps = {s: result_path(course, s, LR).stat().st_mtime_ns for s in done}
    reports, graded = run(course, [LR], workers=2, csv_path=None)
    assert graded == len(STUDENTS) - len(done)
    assert all(result_path(course, s, LR).stat().st_mtime_ns == stamps[s] for s in done)
    assert sorted(r["student"] for r in reports) == sorted(STUDENTS)
