"""Grade a class: every submission of an nbgrader course folder, in parallel, resumable.

    python -m autograder batch [--course DIR] [--assignment ID ...] [--workers N] [--csv grades.csv]

Submissions are read from nbgrader's layout, DIR/submitted/<student>/<assignment>/<assignment>.ipynb
(DIR defaults to this repository). Each grade is written, as soon as it is made, to
DIR/autograder_results/<assignment>/<student>.json (with the SHA-256 of the bytes it graded) and sent
to a low-priority helper (autograder/gradebook.py) that puts all of them into nbgrader's gradebook at the
end (DIR/gradebook.db: the scores of the test cells and a comment on each answer cell), so that formgrader
and `nbgrader export` see them; a report it cannot write is named in a warning and costs the others
nothing. The notebook that `nbgrader generate_feedback` shows, DIR/autograded/<student>/<assignment>/, is
the release with the student's answers put in (autograder/feedback_copy.py), nothing else of the
submission. Started again after an interruption, it grades only the submissions without a result for their
current content, then brings the gradebook up to date with every result: nothing twice, nothing lost.
Finally it writes the CSV of all grades (default DIR/grades.csv).

The submissions folder is the students' (autograder/submitted_folder.py reads it): a notebook is read only if
it is a regular file in real folders (no symbolic link from the student's folder down, no named pipe, no
device, no folder named like the notebook), at most MAX_NOTEBOOK_BYTES, and the bytes read are the ones
hashed and graded. Any other submission is refused: its report gives every exercise 0 and says what is
wrong and what to do ("... is a symbolic link: the grader reads only regular files; collect the submission
again"), and goes into the results, the CSV and the gradebook like any other, so the instructor sees it. So
is an assignment folder without its notebook (renamed?). A student folder that is a link is refused for
every assignment graded (the grader does not look behind it).
A submission whose grading takes longer than BACKSTOP_SECONDS (beyond the sandbox's own limit of
SUBMISSION_SECONDS and its start) is stopped by its worker, which closes its sandbox and takes a new one for
the next; its report says so.

Student folders' names become student ids, in file names, the CSV and the gradebook, so the batch grades
a folder only if its name is a plausible JupyterHub user name: valid UTF-8, printable, at most 128 bytes
(nbgrader's column), starting with a letter, a digit or '_', and made of letters, digits and _ . - @ only
(see submitted_folder.student_id_problem). The others -- bytes that are not UTF-8, newlines, tabs, a leading
dash (an option to command-line tools) or '@' (a formula to spreadsheets), spaces, slashes, names too long
-- are skipped, not renamed: a made-up id would match no student of the class, where the instructor who
renames the folder knows whose it is. Each is named in a warning, escaped as bash's $'...' does, with the
command that renames it. Hidden entries (".name") are skipped silently, as nbgrader does; files that are
not folders with a warning.

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
import signal
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from autograder import ASSIGNMENTS, ROOT, GoldenMissing, feedback_copy, grade, helper_modules, sandbox, submitted_folder
from autograder.gradebook import GradebookError
from autograder.grade import SUBMISSION_SECONDS
from autograder.judge import safe_text
from autograder.sandbox import SandboxUnavailable

# A submission's grading, sandbox start included, past which its worker stops it: the sandbox stops the
# submission's code after SUBMISSION_SECONDS, so this is only for a fault of the grader's own.
BACKSTOP_SECONDS = sandbox.READY_SECONDS + SUBMISSION_SECONDS + 30


def digest(data, problem=None):
    """The SHA-256 of the bytes graded, or, for a refused submission, of its problem: a refusal is not
    repeated either, and a submission put right is graded."""
    if problem is not None:
        data = f"refused: {problem}".encode("utf-8", "backslashreplace")
    return hashlib.sha256(data).hexdigest()


def result_path(course, student, assignment):
    return course / "autograder_results" / assignment / f"{student}.json"


def save(path, data):
    """Write atomically: a result file is either complete or absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.partial")
    temporary.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def previous_result(course, student, assignment):
    """The result file of an earlier run, if it is one of this submission's; else None."""
    try:
        previous = json.loads(result_path(course, student, assignment).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ours = isinstance(previous, dict) and (previous.get("student"), previous.get("assignment")) == (student, assignment)
    return previous if ours else None


def _load_grader(assignments):
    """Load the grader (numpy, the engine) and each assignment's exercises here, once, before the workers
    are forked, which then share them: 0.2 s of CPU that each worker would otherwise spend at its start,
    taking it from the others' when the cores are all busy starting."""
    from autograder import engine, grade, judge, oracle  # noqa: F401 (engine: numpy and the checking engine)
    for assignment in assignments:
        grade.sandbox_setup(assignment), helper_modules(assignment), grade.locked_cells(assignment)
        oracle.prepared(assignment)


class GradingTimeout(BaseException):
    """Raised in a worker by its backstop (a BaseException, so that no `except Exception` of the grader's
    takes it for an error of the submission's)."""


def _within(seconds, function, *args):
    """function(*args), or GradingTimeout after `seconds` (in a worker's main thread: signals go there)."""
    def expired(signum, frame):
        raise GradingTimeout
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _close_sandboxes(error):
    """After the backstop stopped a grading: sandbox.pool.grade closed the sandbox it was grading in (the
    exception went through it), and the next grading takes a new one."""
    sandbox.pool.close()


def timed_out(seconds):
    return (f"grading took longer than {seconds} s and was stopped, so nothing of it was graded: if a function "
            "runs for long (an endless loop?), fix it and submit again; otherwise ask the instructor to grade it again")


def _grade_one(course, student, assignment):
    """In a worker: read the submission (again: the batch read it only to see whether it changed) and grade
    exactly the bytes read, within BACKSTOP_SECONDS; write its feedback copy; return its report."""
    data, problem = submitted_folder.read(course, student, assignment)
    if problem is None:
        try:
            report = _within(BACKSTOP_SECONDS, grade.grade, data, assignment)
        except GradingTimeout as error:
            _close_sandboxes(error)
            report = grade.refused(assignment, timed_out(BACKSTOP_SECONDS))
    else:
        report = grade.refused(assignment, problem)
    feedback_copy.write(course, student, assignment, data)
    return dict(report, student=student, sha256=digest(data, problem))


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
    found, skipped = submitted_folder.find(course, assignments)
    for warning in skipped:
        print(f"warning: {warning}", file=sys.stderr)
    reports, refused, todo = [], [], []
    for student, assignment in found:  # one notebook in memory at a time: the workers read theirs again
        data, problem = submitted_folder.read(course, student, assignment)
        if problem is not None:
            print(f"warning: {problem} (graded 0, with this message)", file=sys.stderr)
        key = digest(data, problem)
        previous = previous_result(course, student, assignment)
        if previous is not None and previous.get("sha256") == key:
            reports.append(previous)
            feedback_copy.write(course, student, assignment, data)  # as this version makes it
        elif problem is not None:  # nothing to run: no worker needed
            report = dict(grade.refused(assignment, problem), student=student, sha256=key)
            save(result_path(course, student, assignment), report)
            feedback_copy.write(course, student, assignment, None)
            refused.append(report)
        else:
            todo.append((student, assignment))
    print(f"{len(found)} submissions, {len(reports)} already graded, {len(refused)} refused, "
          f"{len(todo)} to grade with {workers} workers; memory bounded by {sandbox.confinement()}", file=sys.stderr)
    workers = min(workers, len(todo))  # no idle worker
    # The workers' sandboxes first, for the first assignment to grade: they load Python and numpy while
    # this process loads the grader, and each worker adopts one when forked.
    if todo:
        sandbox.pool.launch(helper_modules(todo[0][1]), workers)
    try:
        _load_grader(sorted({assignment for _, assignment in todo}))
    except BaseException:  # a missing golden file, say: end them through their input, not by this one's end
        sandbox.pool.close()
        raise
    progress(0, len(todo))
    gradebook = GradebookWriter(course)
    reports += refused
    for report in reports:
        gradebook.send(report)
    with ProcessPoolExecutor(max_workers=max(1, workers), initializer=sandbox.pool.adopt,
                             initargs=(multiprocessing.Value("i", 0),)) as pool:
        futures = [pool.submit(_grade_one, course, *job) for job in todo]  # the first forks the workers
        sandbox.pool.release()
        jobs = dict(zip(futures, todo))
        for done, future in enumerate(as_completed(futures), 1):
            student, assignment = jobs[future]
            try:
                report = future.result()
            except SandboxUnavailable:
                raise
            except Exception as error:  # a fault of the grader's own: report it, keep grading the others
                print(f"\nerror: grading {student}/{assignment} failed ({type(error).__name__}: "
                      f"{safe_text(str(error), 400)}); it is left ungraded, and the next run tries again",
                      file=sys.stderr)
                continue
            save(result_path(course, student, assignment), report)
            reports.append(report)
            gradebook.send(report)
            if report["problem"] == timed_out(BACKSTOP_SECONDS):
                print(f"\nwarning: grading {student}/{assignment} took longer than {BACKSTOP_SECONDS} s and was "
                      f"stopped (graded 0, with a message saying so): to grade it again, delete "
                      f"{result_path(course, student, assignment)} and run the batch again", file=sys.stderr)
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
        print(f"warning: the grade of {submitted_folder.shown(student)}/{submitted_folder.shown(assignment)} could not be "
              f"written into {course / 'gradebook.db'} ({safe_text(error, 400)}): it is in the CSV and "
              "autograder_results/, and the next run tries again", file=sys.stderr)
    for assignment in sorted(missing):
        print(f"warning: {assignment} is not in {course / 'gradebook.db'}, so its grades are only in the CSV "
              f"and autograder_results/: run `nbgrader generate_assignment {assignment}` there first",
              file=sys.stderr)
    write_csv(csv_path or course / "grades.csv", reports)
    sandbox.pool.close()  # last: they end as their workers did, while the rest was written
    return reports, len(todo) + len(refused)


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
