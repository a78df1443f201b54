"""Grade a class: every submission of an nbgrader course folder, in parallel, resumable.

    python -m autograder batch [--course DIR] [--assignment ID ...] [--workers N] [--csv grades.csv]

Submissions are read from nbgrader's layout, DIR/submitted/<student>/<assignment>/<assignment>.ipynb
(DIR defaults to this repository). Each grade is written, as soon as it is made, to
DIR/autograder_results/<assignment>/<student>.json (with the SHA-256 of the notebook it graded) and sent
to a low-priority helper (autograder/gradebook.py) that puts all of them into nbgrader's gradebook at the
end (DIR/gradebook.db: the scores of the test cells and a comment on each answer cell), so that formgrader
and `nbgrader export` see them (a report it cannot write is named in a warning and costs the others
nothing); a copy of the notebook is kept in
DIR/autograded/<student>/<assignment>/ for `nbgrader generate_feedback`. Started again after an
interruption, it grades only the submissions without a result for their current content, then brings the
gradebook up to date with every result: nothing twice, nothing lost.
Finally it writes the CSV of all grades (default DIR/grades.csv).

Each worker grades in a sandbox of its own (autograder/sandbox.py), launched by the batch before it loads
numpy and the golden files, so that the sandboxes load theirs meanwhile; the workers, forked after that,
share what the batch loaded and each adopts one sandbox.
"""

import argparse
import csv
import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from autograder import ASSIGNMENTS, MAX_NOTEBOOK_BYTES, ROOT, GoldenMissing, helper_modules, sandbox
from autograder.gradebook import GradebookError
from autograder.judge import safe_text
from autograder.sandbox import SandboxUnavailable


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


def keep_for_feedback(course, student, assignment, notebook):
    """Copy the graded notebook to autograded/<student>/<assignment>/, where `nbgrader generate_feedback`
    looks for it (nbgrader autograde puts its executed copy there); the feedback shows the scores and
    messages of the gradebook beside the student's cells."""
    if notebook.stat().st_size <= MAX_NOTEBOOK_BYTES:
        target = course / "autograded" / student / assignment / notebook.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, target)


def _load_grader(assignments):
    """Load the grader (numpy, the engine) and each assignment's exercises here, once, before the workers
    are forked, which then share them: 0.2 s of CPU that each worker would otherwise spend at its start,
    taking it from the others' when the cores are all busy starting."""
    from autograder import engine, grade, judge, oracle  # noqa: F401 (engine: numpy and the checking engine)
    for assignment in assignments:
        grade.sandbox_setup(assignment), helper_modules(assignment), grade.locked_cells(assignment)
        oracle.prepared(assignment)


def _grade_one(student, assignment, notebook):
    from autograder.grade import grade  # loaded already (see _load_grader)
    report = grade(notebook, assignment)
    return dict(report, student=student, sha256=digest(notebook))


class GradebookWriter:
    """The helper process of autograder/gradebook.py: started first, fed each report, finished at the end."""

    def __init__(self, course):
        self.process = subprocess.Popen([sys.executable, "-m", "autograder.gradebook", str(course)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, encoding="utf-8")

    def send(self, report):
        try:
            self.process.stdin.write(json.dumps(report) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:  # it failed: finish() says why
            pass

    def finish(self):
        """Return (the assignments that are not in the gradebook, [[student, assignment, error]] of the
        reports it could not write); raise GradebookError if it could write none."""
        try:
            out, err = self.process.communicate()
        except BrokenPipeError:
            out, err = self.process.stdout.read(), self.process.stderr.read()
            self.process.wait()
        if self.process.returncode != 0:
            raise GradebookError(err.strip().splitlines()[-1] if err.strip() else f"exit status {self.process.returncode}")
        last = json.loads(out.strip().splitlines()[-1])
        return set(last["missing"]), last["failed"]


def progress(done, total, width=30):
    filled = width * done // max(total, 1)
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} graded", end="", file=sys.stderr, flush=True)


def write_csv(path, reports):
    names = []
    for report in reports:
        names += [e["name"] for e in report["exercises"] if e["name"] not in names]
    with open(path, "w", newline="", encoding="utf-8", errors="backslashreplace") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "assignment", "score", "max_score", *names])
        for r in sorted(reports, key=lambda r: (r["assignment"], r["student"])):
            scores = {e["name"]: e["score"] for e in r["exercises"]}
            writer.writerow([r["student"], r["assignment"], r["score"], r["max_score"],
                             *[scores.get(n, "") for n in names]])


def run(course, assignments, workers, csv_path):
    """Grade what is not graded yet; return (reports, number graded now)."""
    course = Path(course).resolve()
    submissions = find_submissions(course, assignments)
    reports, todo = [], []
    for student, assignment, notebook in submissions:
        path = result_path(course, student, assignment)
        if path.exists():
            previous = json.loads(path.read_text(encoding="utf-8"))
            if previous.get("sha256") == digest(notebook):
                reports.append(previous)
                keep_for_feedback(course, student, assignment, notebook)
                continue
        todo.append((student, assignment, notebook))
    print(f"{len(submissions)} submissions, {len(submissions) - len(todo)} already graded, "
          f"{len(todo)} to grade with {workers} workers", file=sys.stderr)
    workers = min(workers, len(todo))  # no idle worker
    # The workers' sandboxes first, for the first assignment to grade: they load Python and numpy while
    # this process loads the grader, and each worker adopts one when forked.
    if todo:
        sandbox.pool.launch(helper_modules(todo[0][1]), workers)
    try:
        _load_grader(sorted({assignment for _, assignment, _ in todo}))
    except BaseException:  # a missing golden file, say: end them through their input, not by this one's end
        sandbox.pool.close()
        raise
    progress(0, len(todo))
    gradebook = GradebookWriter(course)
    for report in reports:
        gradebook.send(report)
    with ProcessPoolExecutor(max_workers=max(1, workers), initializer=sandbox.pool.adopt,
                             initargs=(multiprocessing.Value("i", 0),)) as pool:
        futures = [pool.submit(_grade_one, *job) for job in todo]  # the first forks the workers
        sandbox.pool.release()
        jobs = dict(zip(futures, todo))
        for done, future in enumerate(as_completed(futures), 1):
            try:
                report = future.result()
            except SandboxUnavailable:
                raise
            except Exception as error:  # a fault of the grader's own: report it, keep grading the others
                student, assignment, _ = jobs[future]
                print(f"\nerror: grading {student}/{assignment} failed ({type(error).__name__}: {error}); "
                      "it is left ungraded, and the next run tries again", file=sys.stderr)
                continue
            save(result_path(course, report["student"], report["assignment"]), report)
            keep_for_feedback(course, *jobs[future])
            reports.append(report)
            gradebook.send(report)
            progress(done, len(todo))
    print(file=sys.stderr)
    try:
        missing, failed = gradebook.finish()
    except GradebookError as error:
        missing, failed = set(), []
        print(f"warning: the grades could not be written into {course / 'gradebook.db'} ({error}); they are in "
              "the CSV and autograder_results/, and the next run writes them again. If the file is damaged, "
              "move it away and run `nbgrader generate_assignment <id>` there to make a new one", file=sys.stderr)
    for student, assignment, error in failed:
        print(f"warning: the grade of {student!r}/{assignment!r} could not be written into "
              f"{course / 'gradebook.db'} ({safe_text(error, 400)}): it is in the CSV and autograder_results/, "
              "and the next run tries again", file=sys.stderr)
    for assignment in sorted(missing):
        print(f"warning: {assignment} is not in {course / 'gradebook.db'}, so its grades are only in the CSV "
              f"and autograder_results/: run `nbgrader generate_assignment {assignment}` there first",
              file=sys.stderr)
    write_csv(csv_path or course / "grades.csv", reports)
    sandbox.pool.close()  # last: they end as their workers did, while the rest was written
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
    try:
        reports, graded = run(options.course, options.assignment or ASSIGNMENTS, max(1, options.workers), options.csv)
    except (SandboxUnavailable, GoldenMissing) as error:
        print(f"\ncannot grade: {error}", file=sys.stderr)
        return 2
    print(f"graded {graded}, {len(reports)} grades in {options.csv or options.course / 'grades.csv'}")
    return 0
