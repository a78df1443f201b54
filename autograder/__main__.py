"""python -m autograder grade SUBMISSION.ipynb --assignment ID [--results results.json]"""

import sys

from autograder import grade

COMMANDS = {"grade": grade.main}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
