"""Put batch grades into nbgrader's gradebook, from a helper process at the lowest priority.

    python -m autograder.gradebook COURSE_DIR   < reports, one JSON object per line

It writes nbgrader's own tables with Python's sqlite3, exactly the rows nbgrader itself makes: a student,
and for a new submission what Gradebook.add_submission creates (the submitted assignment and notebook,
a grade per grade cell, a comment per answer cell), then what `nbgrader autograde` sets (SaveAutoGrades):
each test cell's auto_score and needs_manual_grade, each answer cell's auto_comment. Importing nbgrader's
API would cost over 1 s of CPU, far more than the writing, and that CPU is taken from the graders.
tests/test_batch.py reads the result back with nbgrader's own Gradebook and `nbgrader export`.

The batch starts this helper first, in its own session at nice 19 (Linux's autogroup scheduler shares the
CPU between sessions before looking at nice values, and every sandbox is a session); it records each
report as it arrives, each in a savepoint of its own (a report that cannot be written is rolled back alone,
the others stay), commits them all at the end of its input, and prints, as one JSON line, the assignments
that are not in the gradebook and the reports that could not be written ({"missing": [assignment],
"failed": [[student, assignment, error]]}).

Comments are rendered as Markdown on nbgrader's feedback page (its markdown2html passes raw HTML through),
so they are stored with &, < and > as HTML entities, and with lone surrogates (which SQLite cannot encode)
as backslash escapes.
"""

import html
import json
import os
import queue
import sqlite3
import sys
import threading
from pathlib import Path
from uuid import uuid4

SCHEMA = "e43177bfe90b"  # the gradebook schema (alembic revision) of the pinned nbgrader 0.9.6


class GradebookError(RuntimeError):
    """The gradebook cannot be written (raised here, and by the batch when this helper failed)."""


def lowest_priority():
    """Leave the CPU to everything else: a session (autogroup) of its own, at nice 19."""
    try:
        os.setsid()
    except OSError:  # already a session leader
        pass
    try:
        Path("/proc/self/autogroup").write_text("19")
    except OSError:  # no autogroup scheduler here: nice alone does it
        pass
    os.nice(19)


def open_gradebook(course):
    path = Path(course) / "gradebook.db"
    if not path.exists():
        raise GradebookError(f"there is no {path}")
    db = sqlite3.connect(path, timeout=30)  # formgrader may hold it for a moment
    version = db.execute("SELECT version_num FROM alembic_version").fetchone()
    if version != (SCHEMA,):
        raise GradebookError(f"its schema is {version[0] if version else 'unknown'}, not nbgrader 0.9.6's "
                             f"{SCHEMA}: install the course's requirements.txt")
    return db


def _new_submission(db, assignment_id, student):
    """The rows nbgrader's Gradebook.add_submission makes: every cell of every notebook, not graded yet."""
    submission = uuid4().hex
    db.execute("INSERT INTO submitted_assignment (id, assignment_id, student_id) VALUES (?, ?, ?)",
               (submission, assignment_id, student))
    for (notebook,) in db.execute("SELECT id FROM notebook WHERE assignment_id = ?", (assignment_id,)).fetchall():
        submitted = uuid4().hex
        db.execute("INSERT INTO submitted_notebook (id, assignment_id, notebook_id, flagged) VALUES (?, ?, ?, 0)",
                   (submitted, submission, notebook))
        for cell, kind in db.execute("SELECT id, type FROM base_cell WHERE notebook_id = ?", (notebook,)).fetchall():
            if kind in ("GradeCell", "TaskCell"):
                db.execute("INSERT INTO grade (id, notebook_id, cell_id, needs_manual_grade) VALUES (?, ?, ?, 1)",
                           (uuid4().hex, submitted, cell))
            if kind in ("SolutionCell", "TaskCell"):
                db.execute("INSERT INTO comment (id, notebook_id, cell_id) VALUES (?, ?, ?)",
                           (uuid4().hex, submitted, cell))
    return submission


def comment_text(text):
    """A message as it can be stored (no lone surrogate) and rendered (no HTML of its own)."""
    text = str(text).encode("utf-8", "backslashreplace").decode("utf-8")
    return html.escape(text, quote=False)


def record(db, report):
    """Write one report's scores (test cells) and messages (answer cells); False if its assignment is unknown."""
    student, assignment = report["student"], report["assignment"]
    found = db.execute("SELECT id FROM assignment WHERE name = ?", (assignment,)).fetchone()
    if found is None:
        return False
    db.execute("INSERT OR IGNORE INTO student (id) VALUES (?)", (student,))
    submission = db.execute("SELECT id FROM submitted_assignment WHERE assignment_id = ? AND student_id = ?",
                            (found[0], student)).fetchone()
    submission = submission[0] if submission else _new_submission(db, found[0], student)
    notebook, submitted = db.execute(
        "SELECT n.id, s.id FROM submitted_notebook s JOIN notebook n ON s.notebook_id = n.id "
        "WHERE s.assignment_id = ? AND n.name = ?", (submission, assignment)).fetchone()
    for exercise in report["exercises"]:
        # As SaveAutoGrades does: an automatic score needs no manual grading, unless one was given by hand.
        db.execute("UPDATE grade SET auto_score = ?, needs_manual_grade = (manual_score IS NOT NULL) "
                   "WHERE notebook_id = ? AND cell_id = (SELECT id FROM base_cell "
                   "WHERE notebook_id = ? AND name = ? AND type = 'GradeCell')",
                   (exercise["score"], submitted, notebook, f"{exercise['name']}_test"))
        db.execute("UPDATE comment SET auto_comment = ? WHERE notebook_id = ? AND cell_id = (SELECT id FROM "
                   "base_cell WHERE notebook_id = ? AND name = ? AND type = 'SolutionCell')",
                   (comment_text(exercise["output"]), submitted, notebook, exercise["name"]))
    return True


def main(course):
    lowest_priority()
    lines = queue.Queue()

    def read():  # take the reports off the pipe at once, so that the batch never waits on this process
        for line in sys.stdin:
            lines.put(line)
        lines.put(None)
    threading.Thread(target=read, daemon=True).start()

    missing, failed = set(), []
    db = open_gradebook(course)
    db.isolation_level = None  # the transaction and its savepoints are this function's
    db.execute("BEGIN")
    while (line := lines.get()) is not None:
        try:
            report = json.loads(line)
        except ValueError:  # a line cut short by an interrupted batch: its result file has it
            continue
        db.execute("SAVEPOINT report")
        try:
            if not record(db, report):
                missing.add(report["assignment"])
        except Exception as error:  # this report alone: say which, and keep the others
            db.execute("ROLLBACK TO report")  # raises if SQLite dropped the whole transaction: all fail then
            failed.append([_field(report, "student"), _field(report, "assignment"), f"{type(error).__name__}: {error}"])
        db.execute("RELEASE report")
    db.execute("COMMIT")
    db.close()
    print(json.dumps({"missing": sorted(missing), "failed": failed}), flush=True)


def _field(report, key):
    value = report.get(key) if isinstance(report, dict) else None
    return value if isinstance(value, str) else repr(value)


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except (GradebookError, sqlite3.Error) as error:  # one line for the batch to show, not a traceback
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
