"""One submission, in a process forked for it: every exercise's public cases, then every exercise's hidden ones.

It gets, from the warm process (server.py), the submission's socket and two sockets per exercise (one for
its public phase, one for its hidden phase), all made by the grader for this submission alone.  It reads
the task from the submission's socket:

    {"task": id, "cells": [[exercise, code of the student's answer cell or null], ...] in notebook order,
     "seconds": wall-clock limit per exercise (its two phases together), "memory": address-space limit,
     "output": limit in bytes on a file the student's code writes}

compiles the cells once, then runs each phase in a child (exercise.py), which says on a socket when it
moves on to the next exercise, so that each exercise has its own time limit, and is sent that exercise's
socket then (it never holds another's); a child that fails (time, signal, exit) is replaced by a new one
from the next exercise.  The public phase of every exercise ends
before any hidden input is asked for (the grader checks it), so what a public case's message may carry
of the answers' own words cannot hold a hidden input, whatever an exercise left for the next one.  An
exercise that defines a value has no hidden phase.  On the submission's socket it writes, for each,

    {"task": id, "exercise": index, "phase": "public" or "hidden",
     "ended": {"exit": status} or {"signal": number} or {"timeout": seconds}}

and {"task": id, "finished": true} at the end.  What an exercise's answers return goes to the grader on
that exercise's own socket, never through this process: the answers can kill it or stop it (then the
warm process kills it, see server.py), but not make it say anything of theirs.
"""

import os
import resource
import select
import signal
import socket
import time

from . import exercise, wire

PHASES = ("public", "hidden")


def _phase(task, setup, base, phase, order, channels, limits, report):
    """Run a phase's exercises (numbers in `order`) in a process, and in a new one from the next exercise
    whenever one fails; `limits` gives each its seconds; `report(number, ended, seconds it took)` is called
    once for each exercise, in order."""
    while order:
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # it closes every descriptor but the first exercise's socket and its end of the pair
            ours.close()
            exercise.main(task, setup, base, phase, order, channels[order[0]], theirs.fileno())
        theirs.close()
        current, ended, pidfd = order[0], None, os.pidfd_open(pid)
        started, watched = time.monotonic(), [ours, pidfd]
        deadline = started + limits[current]
        try:
            while ended is None:
                ready = select.select(watched, [], [], max(0.0, deadline - time.monotonic()))[0]
                if time.monotonic() > deadline:  # whatever the process did meanwhile (it may have stopped this one)
                    ended = {"timeout": task["seconds"]}
                elif ours in ready:
                    data = _read_notice(ours)
                    if data is None:  # its end closed: only its exit is left to wait for
                        watched.remove(ours)
                        continue
                    following = order[order.index(current) + 1] if current != order[-1] else None
                    if data != following:  # only the runner writes there: the answers meddled with it
                        ended = {"exit": 1}
                        continue
                    report(current, {"exit": 0}, time.monotonic() - started)
                    os.close(channels[current])
                    current, started = data, time.monotonic()
                    deadline = started + limits[current]
                    try:
                        socket.send_fds(ours, [b"."], [channels[current]])
                    except OSError:  # its end closed meanwhile
                        ended = {"exit": 1}
                elif pidfd in ready:
                    _, status = os.waitpid(pid, 0)
                    pid = None
                    ended = {"exit": os.WEXITSTATUS(status)} if os.WIFEXITED(status) else {"signal": os.WTERMSIG(status)}
        finally:
            if pid is not None:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.waitpid(pid, 0)
            os.close(pidfd)
            ours.close()
        report(current, ended, time.monotonic() - started)
        os.close(channels[current])
        order = order[order.index(current) + 1:]


def _read_notice(notices):
    """The next exercise's number from the phase's process, or None at the end of its socket."""
    try:
        data = notices.recv(4)
    except OSError:
        return None
    if len(data) == 4:
        return int.from_bytes(data, "big")
    return -1 if data else None


def _compiled(cells):
    """{exercise: the code object of its answer cell, or the exception compiling it raised}.  Compiled here
    under the memory limit of an exercise's process, so that a cell made to exhaust the compiler fails as
    such (and one made to take long uses the submission's time)."""
    compiled = {}
    for name, code in cells:
        if code is not None:
            try:
                compiled[name] = compile(code, f"<answer cell {name}>", "exec")
            except (SyntaxError, ValueError, MemoryError, RecursionError, OverflowError) as exc:
                compiled[name] = exc
    return compiled


def main(setup, base, submission, channels):
    """Grade the submission whose task comes on the `submission` socket (a descriptor); `channels` holds
    the exercises' public sockets, then their hidden ones.  Never returns."""
    try:
        task = wire.read_message(submission)
        if not isinstance(task, dict):
            os._exit(0)
        resource.setrlimit(resource.RLIMIT_AS, (task["memory"], task["memory"]))  # for compiling the cells
        task["compiled"] = _compiled(task["cells"])  # once, for every exercise's processes
        count = len(setup["exercises"])
        left = dict.fromkeys(range(count), task["seconds"])  # an exercise's time, for both its phases
        for phase, sockets in zip(PHASES, (channels[:count], channels[count:])):
            order = [k for k in range(count) if phase == "public" or setup["exercises"][k]["kind"] == "function"]
            for k in set(range(count)) - set(order):
                os.close(sockets[k])

            def report(number, ended, seconds=0.0, phase=phase):
                left[number] -= seconds
                wire.write_message(submission, {"task": task["task"], "exercise": number, "phase": phase,
                                                "ended": ended})
            for k in [k for k in order if left[k] <= 0]:  # out of time on its public cases: not run on the
                report(k, {"skipped": "timeout"})  # hidden ones
                os.close(sockets[k])
                order.remove(k)
            _phase(task, setup, base, phase, order, dict(enumerate(sockets)), left.copy(), report)
        wire.write_message(submission, {"task": task["task"], "finished": True})
    finally:
        os._exit(0)
