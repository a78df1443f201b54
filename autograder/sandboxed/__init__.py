"""What runs inside the sandbox: the server (its first process), a submission's grading, one exercise.

Standard library and numpy only.  Mounted read-only at /grader/sandboxed and imported there as the
package `sandboxed`; outside, the grader imports wire.py and values.py of it as autograder.sandboxed.
"""
