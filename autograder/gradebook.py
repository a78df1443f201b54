"""Put batch grades into nbgrader's gradebook, from a helper process at the lowest priority.

    python -m autograder.gradebook COURSE_DIR   < reports, one JSON object per line

Importing nbgrader costs about 3 s of CPU (1 s as done here). The batch starts this helper first; it imports nbgrader and
records each report as it arrives, in its own session at nice 19, so it runs on CPU time the graders
leave idle. (A low-priority thread in the batch itself is not enough: each sandbox starts a new session,
and Linux's autogroup scheduler shares the CPU between sessions before looking at nice values.)
At the end of its input it commits everything in one transaction and prints, as one JSON line, the
assignments that are not in the gradebook.
"""

import json
import os
import queue
import sys
import threading
import warnings
from pathlib import Path


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


def record(gb, report, known):
    """Write one report's scores (test cells) and messages (answer cells); False if its assignment is unknown.

    `known` caches, per assignment, whether the gradebook has it.
    """
    from nbgrader.api import BaseCell, Comment, Grade, MissingEntry
    student, assignment = report["student"], report["assignment"]
    if assignment not in known:
        try:
            gb.find_assignment(assignment)
            known[assignment] = True
        except MissingEntry:
            known[assignment] = False
    if not known[assignment]:
        return False
    gb.update_or_create_student(student)
    submission = gb.update_or_create_submission(assignment, student)
    notebook = next(n for n in submission.notebooks if n.name == assignment)
    # One query each, with the cells' names: reading `grade.name` would load every cell one by one.
    grades = dict(gb.db.query(BaseCell.name, Grade).join(Grade.cell).filter(Grade.notebook_id == notebook.id))
    comments = dict(gb.db.query(BaseCell.name, Comment).join(Comment.cell).filter(Comment.notebook_id == notebook.id))
    for exercise in report["exercises"]:
        grades[f"{exercise['name']}_test"].auto_score = exercise["score"]
        comments[exercise["name"]].auto_comment = exercise["output"]
    return True


def main(course):
    lowest_priority()
    lines = queue.Queue()

    def read():  # take the reports off the pipe at once, so that the batch never waits on this process
        for line in sys.stdin:
            lines.put(line)
        lines.put(None)
    threading.Thread(target=read, daemon=True).start()

    # The slow import, meanwhile. Of its 3 s, 1.4 s go to jsonschema compiling a grammar for IRI syntax
    # (package rfc3987_syntax, optional for jsonschema): nothing here validates notebooks, so leave it out.
    sys.modules.setdefault("rfc3987_syntax", None)
    from nbgrader.api import Gradebook

    missing, known = set(), {}
    with Gradebook(f"sqlite:///{Path(course) / 'gradebook.db'}") as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nbgrader's own submission creation warns about SQLAlchemy's autoflush
        while (line := lines.get()) is not None:
            try:
                report = json.loads(line)
            except ValueError:  # a line cut short by an interrupted batch: its result file has it
                continue
            if not record(gb, report, known):
                missing.add(report["assignment"])
        gb.db.commit()
    print(json.dumps(sorted(missing)), flush=True)


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as error:  # one line for the batch to show: the database, not a traceback, is the problem
        print(f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}", file=sys.stderr)
        sys.exit(1)
    sys.stderr.flush()
    os._exit(0)  # committed and closed: skip the 0.7 s of tearing down nbgrader's thousands of modules
