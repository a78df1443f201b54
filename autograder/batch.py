"""Grade a class: every submission of an nbgrader course folder, in parallel, resumable.

    python -m autograder batch [--course DIR] [--assignment ID ...] [--workers N] [--csv grades.csv]

Submissions are read from nbgrader's layout, DIR/submitted/<student>/<assignment>/<assignment>.ipynb
(DIR defaults to this repository). Each grade is written, as soon as it is made, to
DIR/autograder_results/<assignment>/<student>.json (with the SHA-256 of the notebook it graded) and into
nbgrader's gradebook (DIR/gradebook.db: the scores of the test cells and a comment on each answer cell),
so that formgrader and `nbgrader export` see them. Started again after an interruption, it grades only
the submissions without a result for their current content: nothing twice, nothing lost.
Finally it writes the CSV of all grades (default DIR/grades.csv).
"""

import argparse
import csv
import hashlib
import json
import os
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from autograder import ASSIGNMENTS, ROOT
from autograder.grade import grade


def find_submissions(course, assignments):
    """[(student, assignment, notebook path)] in nbgrader's submitted/ layout."""
    found = []
    for assignment in assignments:
        for notebook in sorted((course / "submitted").glob(f"*/{assignment}/{assignment}.ipynb")):
            found.append((notebook.parent.parent.name, assignment, notebook))
    return found


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def result_path(course, student, assignment):
    return course / "autograder_results" / assignment / f"{student}.json"


def save(path, data):
    """Write atomically: a result file is either complete or absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.partial")
    temporary.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _grade_one(student, assignment, notebook):
    report = grade(notebook, assignment)
    return dict(report, student=student, sha256=digest(notebook))


def record_in_gradebook(gb, report):
    """Put one report's scores (and messages) into nbgrader's gradebook; False if it cannot."""
    from nbgrader.api import MissingEntry

    student, assignment = report["student"], report["assignment"]
    try:
        gb.find_assignment(assignment)
    except MissingEntry:
        return False
    gb.update_or_create_student(student)
    with warnings.catch_warnings():  # nbgrader's own submission creation warns about SQLAlchemy's autoflush
        warnings.simplefilter("ignore")
        gb.update_or_create_submission(assignment, student)
    for exercise in report["exercises"]:
        grade = gb.find_grade(f"{exercise['name']}_test", assignment, assignment, student)
        grade.auto_score = exercise["score"]
        comment = gb.find_comment(exercise["name"], assignment, assignment, student)
        comment.auto_comment = exercise["output"]
    gb.db.commit()
    return True


def progress(done, total, width=30):
    filled = width * done // max(total, 1)
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} graded", end="", file=sys.stderr, flush=True)


def write_csv(path, reports):
    names = []
    for report in reports:
        names += [e["name"] for e in report["exercises"] if e["name"] not in names]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "assignment", "score", "max_score", *names])
        for r in sorted(reports, key=lambda r: (r["assignment"], r["student"])):
            scores = {e["name"]: e["score"] for e in r["exercises"]}
            writer.writerow([r["student"], r["assignment"], r["score"], r["max_score"],
                             *[scores.get(n, "") for n in names]])


def run(course, assignments, workers, csv_path):
    """Grade what is not graded yet; return (reports, number graded now)."""
    from nbgrader.api import Gradebook

    course = Path(course).resolve()
    submissions = find_submissions(course, assignments)
    reports, todo = [], []
    for student, assignment, notebook in submissions:
        path = result_path(course, student, assignment)
        if path.exists():
            previous = json.loads(path.read_text(encoding="utf-8"))
            if previous.get("sha256") == digest(notebook):
                reports.append(previous)
                continue
        todo.append((student, assignment, notebook))
    print(f"{len(submissions)} submissions, {len(submissions) - len(todo)} already graded, "
          f"{len(todo)} to grade with {workers} workers", file=sys.stderr)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        missing = {r["assignment"] for r in reports if not record_in_gradebook(gb, r)}
        progress(0, len(todo))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_grade_one, *job) for job in todo]
            for done, future in enumerate(as_completed(futures), 1):
                report = future.result()
                save(result_path(course, report["student"], report["assignment"]), report)
                if not record_in_gradebook(gb, report):
                    missing.add(report["assignment"])
                reports.append(report)
                progress(done, len(todo))
        print(file=sys.stderr)
    for assignment in sorted(missing):
        print(f"warning: {assignment} is not in {course / 'gradebook.db'}, so its grades are only in the CSV "
              f"and autograder_results/: run `nbgrader generate_assignment {assignment}` there first",
              file=sys.stderr)
    write_csv(csv_path or course / "grades.csv", reports)
    return reports, len(todo)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder batch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", default=ROOT, type=Path, help="the nbgrader course folder (default: this repository)")
    parser.add_argument("--assignment", action="append", choices=ASSIGNMENTS, help="(repeatable; default: all)")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="parallel gradings (default: the core count)")
    parser.add_argument("--csv", type=Path, help="where to write the grades (default: COURSE/grades.csv)")
    options = parser.parse_args(argv)
    if not (options.course / "submitted").is_dir():
        print(f"no submitted/ folder in {options.course}: put the submissions at "
              "submitted/<student>/<assignment>/<assignment>.ipynb (nbgrader collect does)", file=sys.stderr)
        return 2
    reports, graded = run(options.course, options.assignment or ASSIGNMENTS, max(1, options.workers), options.csv)
    print(f"graded {graded}, {len(reports)} grades in {options.csv or options.course / 'grades.csv'}")
    return 0
