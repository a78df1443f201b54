"""Benchmark: grade the same logistic-regression submissions with nbgrader autograde and with this grader.

    python bench/grade_speed.py [--count 50] [--rounds 7] [--without-nbgrader]

Makes COUNT submissions (the canned correct, mistakes and hidden_only notebooks in turn, one per
student) in scratch nbgrader courses, then times, in this one run:
  1. nbgrader autograde (the baseline; it executes each whole notebook, training cells included);
  2. python -m autograder batch with 1 worker and with 2 workers (sandboxed, answers only), one right after
     the other (which first alternates), for ROUNDS rounds (default 7), keeping the median time of each
     and the median of the rounds' ratios;
     each round also grades the first COUNT/2 of the submissions (in a third course) with 1 and 2 workers,
     so that the difference is the cost of the other half without the batch's start and end: the
     speed-up of 2 workers on that marginal cost is the grader's own scaling, start-up left out.
  3. for scale, each round: the two halves of the submissions as two independent 1-worker batches started
     together (two gradings at once that share nothing but the machine), how much two processes speed up
     a pure CPU loop on this machine, and a stream of short processes that start Python and import numpy:
     the ceilings for the 2-worker ratio.
It prints the wall times and the ratios. Nothing here is a test: numbers depend on the machine.
"""

import argparse
import os
import shutil
import statistics
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


def fill(course, count, first=0):
    for i in range(first, first + count):
        target = course / "submitted" / f"student{i:03d}" / LR
        target.mkdir(parents=True)
        shutil.copy(ROOT / "tests" / "submissions" / LR / f"{CANNED[i % len(CANNED)]}.ipynb", target / f"{LR}.ipynb")


def batch(course, workers):
    """The command that grades a course with this grader."""
    return [sys.executable, "-m", "autograder", "batch", "--course", str(course), "--assignment", LR,
            "--workers", str(workers)]


def timed(label, command, cwd):
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    print(f"{label:40s} {seconds:8.1f} s", flush=True)
    return seconds


def side_by_side(courses):
    """Wall time of 1-worker batches of these courses, started together: two gradings at once, sharing
    nothing but the machine (the most two cores give this grader with no coordination at all)."""
    start = time.perf_counter()
    batches = [subprocess.Popen(batch(course, 1), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for course in courses]
    if any(process.wait() for process in batches):
        raise SystemExit("a batch failed")
    return time.perf_counter() - start


def _spin(_=None):
    total = 0
    for i in range(15_000_000):
        total += i
    return total


def cpu_scaling():
    """How much faster this machine does two equal CPU-bound jobs in two processes than one after the other."""
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, range(2)))  # warm up both processes
        start = time.perf_counter()
        list(pool.map(_spin, range(2)))
        parallel = time.perf_counter() - start
    start = time.perf_counter()
    _spin(), _spin()
    return (time.perf_counter() - start) / parallel


_STARTUP = [sys.executable, "-c", "import numpy as np; a = np.random.rand(100, 100); [a @ a for _ in range(50)]"]


def _starts(count):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")  # as in the sandbox
    for _ in range(count):
        subprocess.run(_STARTUP, check=True, env=env)


def startup_scaling(count=20):
    """The same for work shaped like a grading: COUNT processes that each start Python and import numpy."""
    from concurrent.futures import ThreadPoolExecutor
    start = time.perf_counter()
    _starts(count), _starts(count)
    serial = time.perf_counter() - start
    with ThreadPoolExecutor(2) as pool:
        start = time.perf_counter()
        list(pool.map(_starts, [count, count]))
        return serial / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=7, help="times each batch configuration runs (median kept)")
    parser.add_argument("--without-nbgrader", action="store_true", help="skip the (slow) baseline")
    options = parser.parse_args()
    count = options.count
    with tempfile.TemporaryDirectory() as scratch:
        ours = make_course(Path(scratch) / "ours", [LR])
        half = make_course(Path(scratch) / "half", [LR])
        other = make_course(Path(scratch) / "other_half", [LR])
        theirs = make_course(Path(scratch) / "nbgrader", [LR])
        fill(ours, count)
        fill(half, count // 2)
        fill(other, count - count // 2, first=count // 2)
        fill(theirs, count)
        print(f"{count} submissions of {LR}", flush=True)
        ones, twos, loops, starts, halves, apart = [], [], [], [], {1: [], 2: []}, []
        for round_ in range(1, options.rounds + 1):
            # The two configurations run one after the other, first one then the other first in turn, so
            # that a slow spell of the machine (they come and go within seconds here) hits both alike.
            order = (1, 2) if round_ % 2 else (2, 1)
            for course, size in ((ours, count), (half, count // 2)):
                for workers in order:
                    record = (ones if workers == 1 else twos) if course == ours else halves[workers]
                    shutil.rmtree(course / "autograder_results", ignore_errors=True)
                    record.append(timed(f"round {round_}: autograder batch, {size}, {workers} worker"
                                        f"{'s' * (workers > 1)}", batch(course, workers), ROOT))
            for course in (half, other):
                shutil.rmtree(course / "autograder_results", ignore_errors=True)
            apart.append(side_by_side([half, other]))
            print(f"{f'round {round_}: two 1-worker batches at once':40s} {apart[-1]:8.1f} s", flush=True)
            loops.append(cpu_scaling())
            starts.append(startup_scaling())
        one, two = statistics.median(ones), statistics.median(twos)
        print(f"{'autograder batch, 1 worker (median)':40s} {one:8.1f} s")
        print(f"{'autograder batch, 2 workers (median)':40s} {two:8.1f} s")
        # Each round's two runs follow each other, so their ratio is the one a drift of the machine's speed
        # over the run (seen here: 5.0 s for the first 1-worker run, 7.0 s for the fifth) disturbs least.
        ratios = [a / b for a, b in zip(ones, twos)]
        print(f"2 workers over 1 worker:           {statistics.median(ratios):6.2f}x  (median of the rounds: "
              f"{', '.join(f'{r:.2f}x' for r in ratios)}; ratio of the medians {one / two:.2f}x)")
        marginal = [(a - a2) / (b - b2) for a, a2, b, b2 in zip(ones, halves[1], twos, halves[2]) if b > b2]
        print(f"2 workers over 1 on the marginal cost of the last {count - count // 2} submissions (start and end "
              f"left out): {statistics.median(marginal or [float('nan')]):.2f}x  "
              f"(rounds: {', '.join(f'{r:.2f}x' for r in marginal)})")
        ceiling = [a / b for a, b in zip(ones, apart)]
        print(f"the same {count} submissions as two 1-worker batches of half each, started together, over 1 "
              f"worker: {statistics.median(ceiling):.2f}x  (rounds: {', '.join(f'{r:.2f}x' for r in ceiling)}; "
              "what this machine gives two gradings at once that share nothing)")
        print(f"(this machine's own 2-process speed-up on a pure CPU loop, per round: "
              f"{', '.join(f'{x:.2f}x' for x in loops)})")
        print(f"(and on processes that start Python and import numpy, as each grading does, per round: "
              f"{', '.join(f'{x:.2f}x' for x in starts)})")
        if options.without_nbgrader:
            return
        start = time.perf_counter()
        nbgrader("autograde", LR, "--force", cwd=theirs)
        baseline = time.perf_counter() - start
        print(f"{'nbgrader autograde (baseline)':40s} {baseline:8.1f} s")
    print(f"speed-up over nbgrader, 1 worker:  {baseline / one:6.1f}x")
    print(f"speed-up over nbgrader, 2 workers: {baseline / two:6.1f}x")


if __name__ == "__main__":
    main()
