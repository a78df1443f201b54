"""Benchmark: grade the same logistic-regression submissions with nbgrader autograde and with this grader.

    python bench/grade_speed.py [--count 50]

Makes COUNT submissions (the canned correct, mistakes and hidden_only notebooks in turn, one per
student) in two scratch nbgrader courses, then times, in this one run:
  1. nbgrader autograde (the baseline; it executes each whole notebook, training cells included);
  2. python -m autograder batch with 1 worker, then with 2 workers (sandboxed, answers only).
It prints the wall times and the ratios. Nothing here is a test: numbers depend on the machine.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.nbgrader_run import make_course, nbgrader  # noqa: E402

LR = "c1w2_logistic_regression"
CANNED = ["correct", "mistakes", "hidden_only"]


def fill(course, count):
    for i in range(count):
        target = course / "submitted" / f"student{i:03d}" / LR
        target.mkdir(parents=True)
        shutil.copy(ROOT / "tests" / "submissions" / LR / f"{CANNED[i % len(CANNED)]}.ipynb", target / f"{LR}.ipynb")


def timed(label, command, cwd):
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    print(f"{label:40s} {seconds:8.1f} s", flush=True)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as scratch:
        ours = make_course(Path(scratch) / "ours", [LR])
        theirs = make_course(Path(scratch) / "nbgrader", [LR])
        fill(ours, count)
        fill(theirs, count)
        print(f"{count} submissions of {LR}", flush=True)
        batch = [sys.executable, "-m", "autograder", "batch", "--course", str(ours), "--assignment", LR]
        one = timed("autograder batch, 1 worker", batch + ["--workers", "1"], ROOT)
        shutil.rmtree(ours / "autograder_results")
        two = timed("autograder batch, 2 workers", batch + ["--workers", "2"], ROOT)
        start = time.perf_counter()
        nbgrader("autograde", LR, "--force", cwd=theirs)
        baseline = time.perf_counter() - start
        print(f"{'nbgrader autograde (baseline)':40s} {baseline:8.1f} s")
    print(f"speed-up over nbgrader, 1 worker:  {baseline / one:6.1f}x")
    print(f"speed-up over nbgrader, 2 workers: {baseline / two:6.1f}x")
    print(f"2 workers over 1 worker:           {one / two:6.2f}x")


if __name__ == "__main__":
    main()
