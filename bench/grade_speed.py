"""Benchmark: grade the same logistic-regression submissions with nbgrader autograde and with this grader.

    python bench/grade_speed.py [--count 50] [--rounds 7] [--without-nbgrader] [--against REV]

Makes COUNT submissions (the canned correct, mistakes and hidden_only notebooks in turn, one per
student) in scratch nbgrader courses, then times, in this one run:
  1. nbgrader autograde (the baseline; it executes each whole notebook, training cells included);
  2. python -m autograder batch with 1 worker and with 2 workers (sandboxed, answers only), one right after
     the other (which first alternates), for ROUNDS rounds (default 7), keeping the median time of each
     and the median of the rounds' ratios;
     each round also grades the first COUNT/2 of the submissions (in a third course) with 1 and 2 workers,
     so that the difference is the cost of the other half without the batch's start and end: the
     speed-up of 2 workers on that marginal cost is the grader's own scaling, start-up left out.
  3. for scale, each round: the CPU time of each batch (all its processes, sandboxes included: every one is
     waited for), which bounds the 2-worker ratio (2 workers cannot take less than their CPU time divided
     by the cores); the two halves of the submissions as two independent 1-worker batches started together
     (two gradings at once that share nothing but the machine); and how much two processes speed up a pure
     CPU loop on this machine.
  4. with --against REV (a commit, say the one before a change of the grader): each round also grades
     the same submissions and their first half with that commit's grader (a git worktree of it), 1 worker,
     right beside this one's, and prints both per-submission times (the marginal cost of a submission,
     start and end left out, and the whole batch over the count) and their ratio.
It prints the wall times and the ratios. Nothing here is a test: numbers depend on the machine.
"""

import argparse
import os
import resource
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
    """The command that grades a course with this grader (or, run in a worktree of another commit, with
    that commit's: `python -m` imports the package of the folder it runs in first)."""
    return [sys.executable, "-m", "autograder", "batch", "--course", str(course), "--assignment", LR,
            "--workers", str(workers)]


def _cpu():
    """CPU seconds of this process's children that ended (and of theirs that they waited for)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(label, command, cwd):
    """Run a command; return (wall seconds, CPU seconds of all its processes)."""
    cpu, start = _cpu(), time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    print(f"{label:40s} {seconds:8.1f} s  ({cpu:.1f} s of CPU)", flush=True)
    return seconds, cpu


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=7, help="times each batch configuration runs (median kept)")
    parser.add_argument("--without-nbgrader", action="store_true", help="skip the (slow) baseline")
    parser.add_argument("--against", metavar="REV", help="also time this commit's grader, 1 worker, in each round")
    options = parser.parse_args()
    if options.count < 2 or options.rounds < 1:
        parser.error("--count must be at least 2 (the submissions are also graded in two halves) "
                     "and --rounds at least 1")
    count = options.count
    with tempfile.TemporaryDirectory() as scratch:
        against = Path(scratch) / "against"
        if options.against:
            subprocess.run(["git", "worktree", "add", "--detach", str(against), options.against], cwd=ROOT,
                           check=True, capture_output=True)
        try:
            baseline = _run(options, count, Path(scratch), against if options.against else None)
        finally:
            if options.against:
                subprocess.run(["git", "worktree", "remove", "--force", str(against)], cwd=ROOT, capture_output=True)
    if baseline is not None:
        one, two, baseline = baseline
        print(f"speed-up over nbgrader, 1 worker:  {baseline / one:6.1f}x")
        print(f"speed-up over nbgrader, 2 workers: {baseline / two:6.1f}x")


def _run(options, count, scratch, against):
    """The rounds; return (1-worker median, 2-worker median, nbgrader's time) or None without nbgrader."""
    if True:
        ours = make_course(scratch / "ours", [LR])
        half = make_course(scratch / "half", [LR])
        other = make_course(scratch / "other_half", [LR])
        theirs = make_course(scratch / "nbgrader", [LR])
        fill(ours, count)
        fill(half, count // 2)
        fill(other, count - count // 2, first=count // 2)
        fill(theirs, count)
        print(f"{count} submissions of {LR}", flush=True)
        runs, halves, apart, loops = {1: [], 2: []}, {1: [], 2: []}, [], []  # runs: (wall s, CPU s)
        old = {"full": [], "half": []}  # the other commit's 1-worker runs
        for round_ in range(1, options.rounds + 1):
            # The two configurations run one after the other, first one then the other first in turn, so
            # that a slow spell of the machine (they come and go within seconds here) hits both alike.
            order = (1, 2) if round_ % 2 else (2, 1)
            for course, size in ((ours, count), (half, count // 2)):
                for workers in order:
                    record = runs[workers] if course == ours else halves[workers]
                    shutil.rmtree(course / "autograder_results", ignore_errors=True)
                    record.append(timed(f"round {round_}: autograder batch, {size}, {workers} worker"
                                        f"{'s' * (workers > 1)}", batch(course, workers), ROOT))
            if against is not None:
                for course, size, key in ((ours, count, "full"), (half, count // 2, "half")):
                    shutil.rmtree(course / "autograder_results", ignore_errors=True)
                    old[key].append(timed(f"round {round_}: {options.against[:12]}, {size}, 1 worker",
                                          batch(course, 1), against))
            for course in (half, other):
                shutil.rmtree(course / "autograder_results", ignore_errors=True)
            apart.append(side_by_side([half, other]))
            print(f"{f'round {round_}: two 1-worker batches at once':40s} {apart[-1]:8.1f} s", flush=True)
            loops.append(cpu_scaling())
        ones, twos = [wall for wall, _ in runs[1]], [wall for wall, _ in runs[2]]
        one, two = statistics.median(ones), statistics.median(twos)
        print(f"{'autograder batch, 1 worker (median)':40s} {one:8.1f} s")
        print(f"{'autograder batch, 2 workers (median)':40s} {two:8.1f} s")
        # Each round's two runs follow each other, so their ratio is the one a drift of the machine's speed
        # over the run (seen here: 5.0 s for the first 1-worker run, 7.0 s for the fifth) disturbs least.
        ratios = [a / b for a, b in zip(ones, twos)]
        print(f"2 workers over 1 worker:           {statistics.median(ratios):6.2f}x  (median of the rounds: "
              f"{', '.join(f'{r:.2f}x' for r in ratios)}; ratio of the medians {one / two:.2f}x)")
        marginal = [(a - a2) / (b - b2)
                    for (a, _), (a2, _), (b, _), (b2, _) in zip(runs[1], halves[1], runs[2], halves[2]) if b > b2]
        print(f"2 workers over 1 on the marginal cost of the last {count - count // 2} submissions (start and end "
              f"left out): {statistics.median(marginal or [float('nan')]):.2f}x  "
              f"(rounds: {', '.join(f'{r:.2f}x' for r in marginal)})")
        ceiling = [a / b for a, b in zip(ones, apart)]
        print(f"the same {count} submissions as two 1-worker batches of half each, started together, over 1 "
              f"worker: {statistics.median(ceiling):.2f}x  (rounds: {', '.join(f'{r:.2f}x' for r in ceiling)}; "
              "what this machine gives two gradings at once that share nothing)")
        print(f"(this machine's own 2-process speed-up on a pure CPU loop, per round: "
              f"{', '.join(f'{x:.2f}x' for x in loops)})")
        # The bound: 2 workers cannot take less wall time than their CPU time spread evenly over the cores.
        # One worker already keeps more than one core busy (its sandbox loads numpy while the batch loads its
        # own; the batch writes each grade while the worker grades the next), so on two cores the bound is
        # below 2x even if the second worker cost no CPU at all.
        cores = len(os.sched_getaffinity(0))
        used = statistics.median(cpu / wall for wall, cpu in runs[1])
        busy = statistics.median(cpu / wall / cores for wall, cpu in runs[2])
        more = statistics.median(b / a for (_, a), (_, b) in zip(runs[1], runs[2]))
        bound = [a / (cpu / cores) for a, (_, cpu) in zip(ones, runs[2])]
        print(f"CPU (medians): 1 worker kept {used:.2f} cores busy; 2 workers kept the {cores} cores {busy:.0%} "
              f"busy and used {more:.2f}x the CPU time of 1 worker")
        print(f"the most 2 workers could be faster than 1 on {cores} cores, given the CPU time they used: "
              f"{statistics.median(bound):.2f}x  (rounds: {', '.join(f'{r:.2f}x' for r in bound)})")
        if against is not None:
            rest = count - count // 2
            for label, full, part in (("this commit", runs[1], halves[1]), (options.against, old["full"], old["half"])):
                marginal = statistics.median((a - b) / rest for (a, _), (b, _) in zip(full, part))
                whole = statistics.median(a / count for a, _ in full)
                print(f"per submission, 1 worker, {label[:12]:12s}: {1000 * marginal:6.1f} ms marginal, "
                      f"{1000 * whole:6.1f} ms over the whole batch (medians of the rounds)")
            ratio = [(a - b) / (c - d) for (a, _), (b, _), (c, _), (d, _) in
                     zip(runs[1], halves[1], old["full"], old["half"]) if c > d]
            whole = [a / c for (a, _), (c, _) in zip(runs[1], old["full"])]
            print(f"this commit over {options.against[:12]}: {statistics.median(ratio):.2f}x the marginal time of a "
                  f"submission (rounds: {', '.join(f'{r:.2f}' for r in ratio)}), {statistics.median(whole):.2f}x "
                  f"the whole batch's (rounds: {', '.join(f'{r:.2f}' for r in whole)})")
        if options.without_nbgrader:
            return None
        start = time.perf_counter()
        nbgrader("autograde", LR, "--force", cwd=theirs)
        baseline = time.perf_counter() - start
        print(f"{'nbgrader autograde (baseline)':40s} {baseline:8.1f} s")
        return one, two, baseline


if __name__ == "__main__":
    main()
