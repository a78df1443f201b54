"""The course's main job: data, releases, and a grading run of the reference and blank notebooks.

    python -m autograder.pipeline

1. builds the cat data sets (datasets/build.py) and checks their SHA-256;
2. checks that the golden files match the reference solutions;
3. generates every student release with `nbgrader generate_assignment` (release/<id>/);
4. autogrades, with nbgrader in a scratch course (build/nbgrader/), each source
   notebook (the reference solutions) and each blank release;
5. prints the score of every exercise.
"""

import subprocess
import sys

from autograder import ASSIGNMENTS, ROOT, golden, release_notebook, source_notebook
from autograder.nbgrader_run import autograde, make_course, nbgrader


def step(title):
    print(f"\n== {title}", flush=True)


def score_table(scores, students):
    """Rows of assignment, exercise, one 'score/max' column per student."""
    lines = [f"{'assignment':28s} {'exercise':24s}" + "".join(f"{s:>12s}" for s in students)]
    for assignment in ASSIGNMENTS:
        cells = scores[students[0], assignment]
        for grade_id in cells:
            row = f"{assignment:28s} {grade_id.removesuffix('_test'):24s}"
            row += "".join(f"{scores[s, assignment][grade_id][0]:>7g} / {cells[grade_id][1]:<2g}" for s in students)
            lines.append(row)
        totals = [sum(v[0] for v in scores[s, assignment].values()) for s in students]
        lines.append(f"{assignment:28s} {'TOTAL':24s}"
                     + "".join(f"{t:>7g} / {sum(v[1] for v in cells.values()):<2g}" for t in totals))
    return "\n".join(lines)


def main():
    step("Building the data sets")
    subprocess.run([sys.executable, str(ROOT / "datasets" / "build.py")], check=True)
    step("Checking the golden files")
    if golden.main([]) != 0:
        return 1
    step("Generating the student releases with nbgrader")
    for assignment in ASSIGNMENTS:
        nbgrader("generate_assignment", assignment, "--force", cwd=ROOT)
        print(f"release/{assignment}/")
    step("Autograding the reference solutions and the blank releases with nbgrader")
    course = make_course(ROOT / "build" / "nbgrader", ASSIGNMENTS)
    submissions = {}
    for assignment in ASSIGNMENTS:
        submissions["reference", assignment] = source_notebook(assignment)
        submissions["blank", assignment] = release_notebook(assignment)
    scores = autograde(course, submissions)
    print(score_table(scores, ["reference", "blank"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
