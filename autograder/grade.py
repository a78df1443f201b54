"""Grade one submitted notebook: only its answer cells, run in the sandbox, judged outside it.

    python -m autograder grade SUBMISSION.ipynb --assignment ID [--results results.json]

prints a table (exercise, points, max, message) and writes a results file in
Gradescope's format.  The exit status is 0 whenever a grade was produced,
however broken the submission; 2 for a wrong command line, a missing sandbox or golden file.

What counts: the code of the cells whose nbgrader grade_id names an exercise
(the answer cells, found by autograder/submission.py, which turns any file into
answers or a message). Everything else in the file -- tests, helpers, locked
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

from autograder import ASSIGNMENTS, GoldenMissing, helper_modules, source_notebook
from autograder.hidden import golden
from autograder import sandbox, submission
from autograder.submission import locked_cells  # noqa: F401 (the batch loads it through this module)

LIMITS = {"seconds": 20, "memory": 2 << 30, "output": 1 << 20}
# The whole submission's wall-clock limit: every exercise's LIMITS["seconds"] (its public and hidden cases
# together), for the assignment with the most exercises (tests/test_grade.py checks that it covers them
# all), and the rest.
SUBMISSION_SECONDS = 230


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


def grade(source, assignment):
    """Grade a notebook, given as its path (a str or a Path) or its bytes (its content); return a report
    {"exercises": [{name, score, max_score, output}], "score", "problem", "notes"}."""
    from autograder import judge, oracle  # numpy and the engine, loaded here while the sandbox starts (see main)
    exercises = list(golden(assignment).values())
    names = [e["name"] for e in exercises]
    points = assignment_facts(assignment)[1]
    content = (submission.Content(bytes(source)) if isinstance(source, (bytes, bytearray))
               else submission.read_file(source))
    found = (submission.Answers(problem=content.problem) if content.problem is not None
             else submission.read_answers(content.data, assignment, names))
    answers, notes, general, problem = found.answers, found.notes, found.general, found.problem
    phases = [(k, phase) for phase in oracle.PHASES for k, e in enumerate(exercises)
              if phase == "public" or e["kind"] == "function"]  # the order the processes run in

    def ran(k, ended):
        return {phase: ended[k, phase] for phase in oracle.PHASES if (k, phase) in ended}

    def passed(k, phase, ended):  # for the exercises that call exercise k: may its own answer be called?
        messages = judge.judge(exercises[k], work.exchanges[k], ran(k, ended), LIMITS["seconds"])
        cases = exercises[k]["cases"]
        return len(messages) == len(cases) and all(m is None for m, c in zip(messages, cases)
                                                   if c["public"] or phase == "hidden")
    work = oracle.Submission(oracle.prepared(assignment), names, passed)
    ended = {}
    if problem is None and answers:
        task = dict(LIMITS, cells=[[n, answers.get(n)] for n in names])
        run = sandbox.pool.grade(helper_modules(assignment), sandbox_setup(assignment), task, work,
                                 SUBMISSION_SECONDS)
        problem, ended = run.problem, run.ended
        problem = problem or (None if all(p in ended for p in phases) else "the sandbox did not report on every exercise")
    stopped_in = next((k for k, phase in phases if (k, phase) not in ended), None)
    verdicts = []
    for k, (exercise, exchange) in enumerate(zip(exercises, work.exchanges)):
        name = exercise["name"]
        complete = all(p in ended for p in phases if p[0] == k)
        if name not in answers:
            messages = [notes.get(name) or problem]
        elif not complete and k == stopped_in:
            messages = [f"{problem}, while this exercise ran: did its code stop the grader's process?"]
        elif not complete:
            messages = [f"not graded: {problem}, while {names[stopped_in]} ran"]
        else:
            messages = judge.judge(exercise, exchange, ran(k, ended), LIMITS["seconds"])
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
