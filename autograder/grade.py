"""Grade one submitted notebook: only its answer cells, run in the sandbox, judged outside it.

    python -m autograder grade SUBMISSION.ipynb --assignment ID [--results results.json]

prints a table (exercise, points, max, message) and writes a results file in
Gradescope's format.  The exit status is 0 whenever a grade was produced,
however broken the submission; 2 for a wrong command line, a missing sandbox or golden file.

What counts: the code of the cells whose nbgrader grade_id names an exercise
(the answer cells). Everything else in the file -- tests, helpers, locked
cells, outputs -- is ignored; the assignment's own imports cell is run first.
Each exercise is worth its test cell's points in the source notebook, shared
equally among its hidden cases (the public ones, whose expected outputs the
student has, earn nothing by themselves), so a function right on some inputs
gets part of them.  Exercises that call earlier ones get the reference results of those
calls (see public_tests._Replay), so one wrong function costs only its points.
"""

import argparse
import functools
import json
import sys
from pathlib import Path

from autograder import (ASSIGNMENTS, MAX_NOTEBOOK_BYTES, GoldenMissing, helper_modules, release_notebook,
                        source_notebook)
from autograder.hidden import golden
from autograder import sandbox

LIMITS = {"seconds": 20, "memory": 2 << 30, "output": 1 << 20}
SUBMISSION_SECONDS = 120


@functools.lru_cache(maxsize=None)
def assignment_facts(assignment):
    """(setup code, {exercise: points}) from the source notebook."""
    cells = json.loads(source_notebook(assignment).read_text(encoding="utf-8"))["cells"]  # json: nbformat is slow to import
    meta = [c["metadata"].get("nbgrader", {}) for c in cells]
    setup = next("".join(c["source"]) for c, m in zip(cells, meta) if m.get("grade_id") == "imports")
    points = {m["grade_id"].removesuffix("_test"): float(m["points"]) for m in meta if m.get("grade")}
    return setup, points


@functools.lru_cache(maxsize=None)
def sandbox_setup(assignment):
    """What a sandbox for this assignment loads once, before the submissions: the imports cell, and what
    each exercise is (no case: the cases' inputs are sent per exercise, see autograder/oracle.py)."""
    from autograder import oracle  # numpy: loaded by grade(), see there
    return oracle.setup(assignment, assignment_facts(assignment)[0])


@functools.lru_cache(maxsize=None)
def locked_cells(assignment):
    """{grade_id: source} of the release's locked cells, to tell the student which ones they edited."""
    cells = json.loads(release_notebook(assignment).read_text(encoding="utf-8"))["cells"]
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in cells
            if c["metadata"].get("nbgrader", {}).get("locked")}


def _source(cell):
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) and all(isinstance(x, str) for x in source) else source
    return source if isinstance(source, str) else None


def oversized(size):
    """The problem of a notebook of `size` bytes, over MAX_NOTEBOOK_BYTES."""
    return (f"the notebook is {size / 2**20:.0f} MB, over the {MAX_NOTEBOOK_BYTES >> 20} MB limit: "
            "clear its outputs (Edit > Clear Outputs of All Cells), save, and submit again")


def read_answers(source, assignment, names):
    """Return ({exercise: code}, {exercise: note}, [general notes], problem with the whole file or None).
    `source` is the notebook's path, or its bytes as the caller read them (the batch, which reads only
    regular files and grades exactly the bytes it hashed)."""
    if isinstance(source, bytes):
        content = source
    else:
        try:
            size = Path(source).stat().st_size
        except OSError as error:
            return {}, {}, [], f"the submission cannot be read ({error.strerror})"
        if size > MAX_NOTEBOOK_BYTES:
            return {}, {}, [], oversized(size)
        content = Path(source).read_bytes()
    if len(content) > MAX_NOTEBOOK_BYTES:
        return {}, {}, [], oversized(len(content))
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        return {}, {}, [], (f"the file is not a valid notebook (JSON error: {str(error)[:120]}); it may be "
                            "damaged: download it again from JupyterLab (File > Download) and submit that")
    version = data.get("nbformat") if isinstance(data, dict) else None
    if version != 4:
        return {}, {}, [], (f"the notebook is saved in format {version!r}, and the course needs format 4: open it "
                            "in JupyterLab, save it, and submit again")
    answers, notes, edited = {}, {}, []
    locked = locked_cells(assignment)
    for cell in data.get("cells") if isinstance(data.get("cells"), list) else []:
        meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
        meta = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
        name = meta.get("grade_id") if isinstance(meta, dict) else None
        source = _source(cell) if isinstance(cell, dict) else None
        if name in locked and source is not None and source != locked[name]:
            exercise = name.removesuffix("_test")
            if exercise in names:
                notes[exercise] = "its test cell was edited (the grader ignores it and runs its own tests)"
            else:
                edited.append(name)
        if name not in names or source is None or cell.get("cell_type") != "code":
            continue
        if name in answers:
            notes[name] = "several cells are marked as its answer (a copied cell?); the first one was graded"
            continue
        answers[name] = source
    for name in names:
        if name not in answers:
            notes.setdefault(name, "its answer cell is missing (deleted, or its metadata changed): "
                                   "copy your code into a fresh copy of the assignment")
    general = [f"locked cells were edited ({', '.join(edited)}); the grader ignores them and uses the "
               "assignment's own"] if edited else []
    return answers, notes, general, None


def grade(source, assignment):
    """Grade a notebook (its path, or its bytes); return a report {"exercises": [{name, score, max_score,
    output}], "score", "problem"}."""
    from autograder import judge, oracle  # numpy and the engine, loaded here while the sandbox starts (see main)
    exercises = list(golden(assignment).values())
    names = [e["name"] for e in exercises]
    points = assignment_facts(assignment)[1]
    answers, notes, general, problem = read_answers(source, assignment, names)
    prepared = oracle.prepared(assignment)
    exchanges = [oracle.Exchange(prepared[name]) for name in names]
    ended = {}
    if problem is None and answers:
        task = dict(LIMITS, cells=[[n, answers.get(n)] for n in names])
        run = sandbox.pool.grade(helper_modules(assignment), sandbox_setup(assignment), task, exchanges,
                                 SUBMISSION_SECONDS)
        problem, ended = run.problem, run.ended
        problem = problem or (None if len(ended) == len(names) else "the sandbox did not report on every exercise")
    stopped_in = next((k for k in range(len(names)) if k not in ended), None)
    verdicts = []
    for k, (exercise, exchange) in enumerate(zip(exercises, exchanges)):
        name = exercise["name"]
        if name not in answers:
            messages = [notes.get(name) or problem]
        elif k not in ended and k == stopped_in:
            messages = [f"{problem}, while this exercise ran: did its code stop the grader's process?"]
        elif k not in ended:
            messages = [f"not graded: {problem}, while {names[stopped_in]} ran"]
        else:
            messages = judge.judge(exercise, points[name], exchange, ended[k], LIMITS["seconds"])
        verdicts.append(judge.verdict(exercise, points[name], messages, notes.get(name) if name in answers else None,
                                      exchange.printed))
    report = [v.as_dict() for v in verdicts]
    return {"assignment": assignment, "exercises": report, "score": round(sum(e["score"] for e in report), 2),
            "max_score": sum(e["max_score"] for e in report),
            "problem": None if problem is None else judge.safe_text(problem), "notes": general}


def refused(assignment, problem):
    """The report of a submission that was not graded at all (say a symbolic link, which the batch does not
    read): every exercise at 0, with `problem` (what is wrong, and what to do) as its message."""
    from autograder import judge
    points = assignment_facts(assignment)[1]
    problem = judge.safe_text(problem)
    report = [judge.Verdict(name, 0.0, points[name], problem).as_dict() for name in golden(assignment)]
    return {"assignment": assignment, "exercises": report, "score": 0.0,
            "max_score": sum(e["max_score"] for e in report), "problem": problem, "notes": []}


def gradescope(report):
    """The report in Gradescope's results.json format."""
    return {"score": report["score"],
            "output": " ".join([report["problem"] or f"{report['score']:g} / {report['max_score']:g} points",
                                *report["notes"]]),
            "visibility": "visible", "stdout_visibility": "hidden",
            "tests": [{"name": e["name"], "score": e["score"], "max_score": e["max_score"],
                       "output": e["output"], "visibility": "visible"} for e in report["exercises"]]}


def table(report):
    lines = [f"{'exercise':24s} {'points':>7s} {'max':>5s}  message"]
    for e in report["exercises"]:
        message = e["output"].replace("\n", " ")
        lines.append(f"{e['name']:24s} {e['score']:>7g} {e['max_score']:>5g}  {message[:160]}")
    lines.append(f"{'TOTAL':24s} {report['score']:>7g} {report['max_score']:>5g}"
                 + (f"  {report['problem']}" if report["problem"] else ""))
    lines += [f"note: {note}" for note in report["notes"]]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("submission", help="the student's .ipynb file")
    parser.add_argument("--assignment", required=True, choices=ASSIGNMENTS)
    parser.add_argument("--results", help="write Gradescope's results.json here")
    options = parser.parse_args(argv)
    try:
        sandbox.pool.launch(helper_modules(options.assignment))  # it loads Python and numpy as this process does
        report = grade(options.submission, options.assignment)
    except (sandbox.SandboxUnavailable, GoldenMissing) as error:
        print(f"cannot grade: {error}", file=sys.stderr)
        return 2
    finally:
        sandbox.pool.close()
    if options.results:  # first: whatever happens to the printing, the grade is kept
        Path(options.results).write_text(json.dumps(gradescope(report), indent=1) + "\n", encoding="utf-8")
    sys.stdout.reconfigure(errors="backslashreplace")  # a terminal that cannot show every character
    print(table(report))
    return 0
