"""The course's grader.

    python -m autograder grade SUBMISSION.ipynb --assignment ID [--results results.json]
    python -m autograder batch [--course DIR] [--assignment ID ...] [--workers N] [--csv grades.csv]
"""

import importlib
import os
import sys

if __name__ == "__main__":
    # The grader's own numpy only compares small arrays: one BLAS thread, rather than one more per core
    # spinning while numpy loads (0.1 s of CPU, taken from the sandboxes that start meanwhile).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if len(sys.argv) < 2 or sys.argv[1] not in ("grade", "batch"):
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    # Only the module of the command: a batch with nothing to grade does not even load numpy.
    sys.exit(importlib.import_module(f"autograder.{sys.argv[1]}").main(sys.argv[2:]))
