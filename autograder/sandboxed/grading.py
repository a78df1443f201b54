"""One submission, in a process forked for it: its exercises run one after the other, each in a child.

It gets, from the warm process (server.py), the submission's socket and one socket per exercise, all
made by the grader for this submission alone.  It reads the task from the submission's socket:

    {"task": id, "cells": [[exercise, code of the student's answer cell or null], ...] in notebook order,
     "seconds": wall-clock limit per exercise, "memory": address-space limit in bytes,
     "output": limit in bytes on what the student's code may print}

then forks a child per exercise (exercise.py), gives it that exercise's socket only, and waits for it
until the time limit.  On the submission's socket it writes, for each exercise,

    {"task": id, "exercise": index, "ended": {"exit": status} or {"signal": number} or {"timeout": seconds}}

and {"task": id, "finished": true} at the end.  What an exercise's answers return goes to the grader on
that exercise's own socket, never through this process: the answers can kill it, but not make it say
anything of theirs.
"""

import os
import select
import signal
import time

from . import exercise, wire


def _wait(pid, seconds):
    """Wait for the child until `seconds` have passed; return how it ended."""
    pidfd = os.pidfd_open(pid)
    try:
        ready = select.select([pidfd], [], [], seconds)[0]
    finally:
        os.close(pidfd)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return {"timeout": seconds}
    _, status = os.waitpid(pid, 0)
    return {"exit": os.WEXITSTATUS(status)} if os.WIFEXITED(status) else {"signal": os.WTERMSIG(status)}


def main(setup, base, submission, channels):
    """Grade the submission whose task comes on the `submission` socket (a descriptor); never returns."""
    try:
        task = wire.read_message(submission)
        if not isinstance(task, dict):
            os._exit(0)
        for index, channel in enumerate(channels):
            started = time.monotonic()
            pid = os.fork()
            if pid == 0:  # it closes every descriptor but its channel
                exercise.main(task, setup, base, index, channel)
            os.close(channel)
            ended = _wait(pid, task["seconds"] - (time.monotonic() - started))
            wire.write_message(submission, {"task": task["task"], "exercise": index, "ended": ended})
        wire.write_message(submission, {"task": task["task"], "finished": True})
    finally:
        os._exit(0)
