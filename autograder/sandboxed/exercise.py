"""One phase of one submission, in a process of its own: the answers called on the cases, exercise by exercise.

The process is forked for the phase (see grading.py): every exercise's public cases run first, in one
process, and only then every exercise's hidden cases, in another, so that no hidden input is anywhere in
the sandbox while the answers can still send back words of their own (an exception's message, on a
public case).  If the process fails during an exercise (it ran out of time, crashed, exited), the grading
process starts another at the next exercise.  The process limits itself (memory, files, CPU time),
installs the seccomp filter, then runs the answer cells in order, as a notebook run would, and after each
calls the exercise's function on the phase's cases.  For each exercise it talks with the grader outside
on a socket of that exercise's own, in wire.py's messages:

    to the grader:   {"want": "cases"}    first;
                     {"case": index, "output": value, "changed": [argument, ...], "printed": count}
                     {"case": index, "error": error, "printed": count}
                     {"call": name, "case": index, "args": {parameter: value}}    a dependency's call;
                     {"value": value} (an exercise that defines a value) or {"error": error};
    from the grader: {"cases": [case, ...], "trusted": [dependency, ...]}    the phase's cases' inputs,
                     and the dependencies whose own answers passed their cases (called as they are);
                     {"result": value} or {"none": true}, in answer to a call of another dependency.

A case is {"index": its number in the exercise, "args": [...], "kwargs": {...}, "seed": int or absent}.
An error is {"kind": ..., ...}, turned into the student's message outside (see autograder/judge.py).
Nothing here holds an expected value: the grader compares outside, and answers a dependency's call
with the reference result only when its arguments are the recorded ones.
"""

import builtins
import io
import os
import resource
import signal
import socket
import sys
import traceback
import types
from contextlib import redirect_stdout

import numpy as np

from . import guard, seccomp, values, wire

PRINT_ONLY = {"print_cost", "print_msg"}  # arguments that only control printing: calls ignore them
OPEN_FILES = 64  # per exercise: with few descriptors, pipes and sockets cannot hold much memory
TEXT = 2000  # characters of an exception's message that are sent


class PrintSink(io.TextIOBase):
    """Swallows what a tested function prints, counting the characters."""

    def __init__(self):
        self.count = 0

    def writable(self):
        return True

    def write(self, text):
        self.count += len(text)
        return len(text)


class Channel:
    """This process's socket to the grader (blocking)."""

    def __init__(self, fd):
        self.fd = fd

    def send(self, message):
        wire.write_message(self.fd, message)

    def receive(self):
        message = wire.read_message(self.fd)
        if not isinstance(message, dict):
            raise EOFError("the grader closed this exercise's channel")
        return message


def error_of(exc, cells=None):
    """The description of an exception raised by the student's code."""
    if isinstance(exc, NotImplementedError):
        return {"kind": "not_implemented"}
    if isinstance(exc, MemoryError):
        return {"kind": "memory"}
    if isinstance(exc, SystemExit):
        return {"kind": "exit", "code": repr(exc.code)[:200]}
    if isinstance(exc, guard.Tampered):
        return {"kind": "tampered", "text": str(exc)[:TEXT]}
    if isinstance(exc, OSError) and exc.errno == 27:  # EFBIG: past RLIMIT_FSIZE on the output file
        return {"kind": "printed_too_much"}
    if isinstance(exc, NameError) and "get_ipython" in str(exc):
        return {"kind": "get_ipython"}
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<answer cell ")]
    name = type(exc).__name__
    try:
        text = str(exc)[:TEXT]
    except BaseException:  # an exception of the answers' own whose __str__ fails
        text = ""
    return {"kind": "exception", "name": str(name)[:100], "builtin": getattr(builtins, name, None) is type(exc),
            "text": text, "cell": frames[-1].filename[len("<answer cell "):-1] if frames else None,
            "line": frames[-1].lineno if frames else None}


def _unchanged(a, b):
    """Whether the argument `b` (after the call) is exactly `a` (a fresh copy of the input)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_unchanged(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(b) is type(a) and len(a) == len(b) and all(map(_unchanged, a, b))
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype
                and a.tobytes() == b.tobytes())
    return type(a) is type(b) and a == b


class Replayed:
    """Stands in for a function the exercise depends on: a call is sent to the grader, which answers with
    the reference result when the arguments are the recorded ones; any other call goes to the student's
    own version of the function.  An argument that is one of the case's own inputs, as given and unchanged,
    is sent as {"__input__": its name} (the grader has it), which keeps most calls small."""

    def __init__(self, name, signature, channel, case, inputs, fallback):
        self.name, self.params, self.channel, self.case, self.fallback = (
            name, signature["params"], channel, case, fallback)
        self.defaults = signature["defaults"]
        self.inputs = inputs  # {id of an input as given: (its name, the object, a pristine copy)}

    def _sent(self, value):
        given = self.inputs.get(id(value))
        if given is not None and given[1] is value and _unchanged(given[2], value):
            return {"__input__": given[0]}
        return values.encode(value)

    def __call__(self, *args, **kwargs):
        bound = dict(zip(self.params, args))
        bound.update(kwargs)
        try:
            sent = {p: self._sent(bound[p]) if p in bound else self.defaults[p]
                    for p in self.params if p not in PRINT_ONLY and (p in bound or p in self.defaults)}
        except TypeError:  # an argument that is not a value: no recorded call has it
            sent = None
        if sent is not None and len(args) <= len(self.params) and set(kwargs) <= set(self.params):
            self.channel.send({"call": self.name, "case": self.case, "args": sent})
            answer = self.channel.receive()
            if "result" in answer:
                return values.decode(answer["result"])
        if self.fallback is None:
            raise NameError(f"name '{self.name}' is not defined: run the cell that defines it first")
        return self.fallback(*args, **kwargs)


def _with_replay(target, exercise, channel, case, inputs, trusted):
    """A copy of `target` whose calls to the exercise's untrusted dependencies go through Replayed."""
    deps = {d: s for d, s in (exercise.get("deps") or {}).items() if d not in trusted}
    if not deps or not isinstance(target, types.FunctionType):
        return target
    namespace = dict(target.__globals__)
    for dep, signature in deps.items():
        namespace[dep] = Replayed(dep, signature, channel, case, inputs, target.__globals__.get(dep))
    clone = types.FunctionType(target.__code__, namespace, target.__name__, target.__defaults__, target.__closure__)
    clone.__kwdefaults__ = target.__kwdefaults__
    return clone


def _signature_error(exercise, target):
    import inspect
    if not callable(target):
        return {"kind": "not_callable", "type": type(target).__name__[:100]}
    try:
        got = list(inspect.signature(target).parameters)
    except (TypeError, ValueError):
        return None
    if got != exercise["params"]:
        return {"kind": "signature", "params": [str(p)[:100] for p in got[:50]]}
    return None


def run_case(exercise, case, target, channel, trusted=()):
    """Call the target on one case; return the message for the grader."""
    printed = PrintSink()
    args, kwargs = values.decode(case["args"]), values.decode(case["kwargs"])
    pristine = dict(zip(exercise["params"], values.decode(case["args"])), **values.decode(case["kwargs"]))
    given = dict(zip(exercise["params"], args), **kwargs)
    inputs = {id(v): (name, v, pristine[name]) for name, v in given.items() if isinstance(v, (np.ndarray, list, dict))}
    function = _with_replay(target, exercise, channel, case["index"], inputs, trusted)
    if "seed" in case:  # the exercise draws from numpy's global generator without seeding it
        np.random.seed(case["seed"])
    try:
        guard.check()
        with redirect_stdout(printed):
            got = function(*args, **kwargs)
        guard.check()
        changed = [name for name, value in pristine.items() if not _unchanged(value, given[name])]
        message = {"case": case["index"], "output": values.encode(got), "changed": changed}
    except BaseException as exc:  # the student's code, or an output that cannot be sent
        if isinstance(exc, TypeError) and exc.__traceback__ and _raised_by_encode(exc):
            message = {"case": case["index"], "error": {"kind": "unsendable", "text": str(exc)[:TEXT]}}
        else:
            message = {"case": case["index"], "error": error_of(exc)}
    guard.restore()
    message["printed"] = printed.count
    return message


def _raised_by_encode(exc):
    return traceback.extract_tb(exc.__traceback__)[-1].filename == values.__file__


def limit(task):
    """Limits of this process, before any answer runs."""
    memory, output, seconds = task["memory"], task["output"], task["seconds"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))
    cpu = seconds * len(task["cells"]) + 5  # the exercises of a phase together; the wall clock is the real limit
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_MEMLOCK, (0, 0))
    resource.setrlimit(resource.RLIMIT_MSGQUEUE, (0, 0))
    resource.setrlimit(resource.RLIMIT_SIGPENDING, (1024, 1024))
    try:  # the first process the kernel's OOM killer ends in this sandbox (raising it is always allowed)
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:
        pass
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # printing past the cap fails with an OSError instead


def main(task, setup, base, phase, order, first, notify):
    """A phase's process: the exercises of `order` (numbers), from the first on, each on its own socket:
    `first` is the first one's; before each of the others it writes that exercise's number on the `notify`
    socket, and the grading process, which times each exercise apart, sends the exercise's socket back
    (SCM_RIGHTS): the process never holds another exercise's socket.  Never returns: it exits with 0 once
    all are done, with 1 on a fault of this runner's own (the answers may have broken its world)."""
    # What the answers write on their standard streams themselves (print() is counted and dropped in
    # run_case): dropped, without taking /tmp's room, whatever they did to /tmp.
    sink = os.open("/dev/null", os.O_WRONLY)
    os.dup2(sink, 1)
    os.dup2(sink, 2)
    os.closerange(0, 1)  # closerange: no error if it was closed already
    kept = sorted({notify, first})
    for low, high in zip([3] + [fd + 1 for fd in kept], kept + [1 << 16]):
        os.closerange(low, high)  # keep only the standard streams, the channel and the notify socket
    status = 0
    try:
        limit(task)
        seccomp.install()
        namespace = dict(base)
        for name, _ in task["cells"][:order[0]]:  # started after an earlier exercise's process failed
            _run_cell(task, name, namespace)
        guard.restore()  # what those cells replaced was charged to their own exercise
        fd, grading = first, socket.socket(fileno=notify)
        for number in order:
            if number != order[0]:
                grading.send(number.to_bytes(4, "big"))
                fd = socket.recv_fds(grading, 16, 1)[1][0]
            exercise = setup["exercises"][number]
            channel = Channel(fd)
            raised, tampered = _run_cell(task, exercise["name"], namespace), None
            try:  # before this runner's own code runs again: the cell may have broken what it relies on
                guard.check()
            except guard.Tampered as error:
                guard.restore()
                tampered = str(error)
            channel.send({"want": "cases"})
            given = channel.receive()
            _grade(exercise, namespace, raised, tampered, given["cases"], set(given["trusted"]), channel)
            os.close(fd)
    except BaseException:
        guard.restore()
        status = 1
    os._exit(status)


def _run_cell(task, name, namespace):
    """Run an exercise's answer cell in the namespace; return what it raised, or None."""
    code = task["compiled"].get(name)  # compiled by the grading process, or the exception it raised
    if code is None:
        return None
    try:
        if isinstance(code, BaseException):
            raise code
        exec(code, namespace)
    except BaseException as exc:  # the student's code: anything may come out of it
        guard.restore()
        return exc
    return None


def _grade(exercise, namespace, raised, tampered, cases, trusted, channel):
    if raised is not None:
        channel.send({"error": {"kind": "cell_raised", "error": error_of(raised)}})
        return
    if tampered is not None:
        channel.send({"error": {"kind": "tampered", "text": tampered}})
        return
    if exercise["name"] not in namespace:
        channel.send({"error": {"kind": "undefined"}})
        return
    target = namespace[exercise["name"]]
    if exercise["kind"] == "value":
        try:
            channel.send({"value": values.encode(target)})
        except TypeError as exc:
            channel.send({"error": {"kind": "unsendable", "text": str(exc)[:TEXT]}})
        return
    wrong = _signature_error(exercise, target)
    if wrong is not None:
        channel.send({"error": wrong})
        return
    for case in cases:
        message = run_case(exercise, case, target, channel, trusted)
        channel.send(message)
        if "error" in message and message["error"]["kind"] == "tampered":
            return
