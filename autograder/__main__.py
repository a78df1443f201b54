"""The course's grader.

    python -m autograder grade SUBMISSION.ipynb --assignment ID [--results results.json]
    python -m autograder batch [--course DIR] [--assignment ID ...] [--workers N] [--csv grades.csv]
"""

import sys

from autograder import batch, grade

COMMANDS = {"grade": grade.main, "batch": batch.main}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
