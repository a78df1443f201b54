"""Run grading tasks under bubblewrap, never in the grader's own process.

Inside the sandbox: no network (all namespaces unshared), no capability, a
read-only view of the Python runtime and system libraries only, a private
size-limited /tmp as scratch (the only writable place), no environment but a
few settings, and of the course only the checking engine (public_tests.py),
runner.py and the assignment's helper modules (lr_utils.py, dnn_utils.py: what
the student has too).  Not the repository, not source/, not autograder/ (its
golden files hold the expected outputs), not other students' files.

A sandbox stays up (Server) and grades one submission after another, each in
fresh processes inside it (see runner.serve()).  It is launched early (prepare(),
launch()), so that it loads Python and numpy while the grader loads its own.
runner.py adds per-exercise limits (time, memory, output, no new processes);
this module adds a wall-clock limit for the whole submission and a cap on what
comes back, and closes a sandbox after any trouble.
"""

import json
import os
import select
import shutil
import signal
import site
import subprocess
import sys
import threading
import time
from pathlib import Path

from autograder import ROOT

SYSTEM = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/ld.so.cache", "/etc/alternatives"]


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create its namespaces here."""


def _python_roots():
    """The folders the interpreter and its packages live in, outside /usr."""
    roots = set()
    for path in (sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))):
        path = os.path.realpath(path)
        if not any(path == s or path.startswith(s + "/") for s in SYSTEM):
            roots.add(path)
    for path in sorted(roots):  # keep the outermost folders only
        if any(path != other and path.startswith(other + "/") for other in roots):
            roots.discard(path)
    return sorted(roots)


def command(modules=(), tmp_bytes=64 << 20):
    """The bwrap command line; `modules` are the assignment's helper modules (e.g. dnn_utils.py), read-only."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed: run `bash course.sh`, which installs it, "
                                 "or `apt-get install bubblewrap`")
    # --cap-drop ALL: run by root, bubblewrap would otherwise keep every capability inside the sandbox's
    # user namespace, enough to remount its read-only view writable and change the grader's own files.
    # --as-pid-1: no bubblewrap process inside, whose standard streams (the grader's pipes) the answers
    # could open through /proc/1/fd; runner.py is the sandbox's init, and not dumpable.
    args = [bwrap, "--unshare-all", "--as-pid-1", "--cap-drop", "ALL", "--die-with-parent", "--new-session",
            "--clearenv"]
    for name, value in {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "MPLCONFIGDIR": "/tmp", "MPLBACKEND": "Agg",
                        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}.items():
        args += ["--setenv", name, value]
    args += ["--size", str(tmp_bytes), "--tmpfs", "/tmp"]  # first: the runtime may live under /tmp too
    for path in SYSTEM + _python_roots():
        args += ["--ro-bind-try", path, path]
    args += ["--ro-bind", str(ROOT / "public_tests.py"), "/grader/public_tests.py",
             "--ro-bind", str(ROOT / "autograder" / "runner.py"), "/grader/runner.py",
             *[a for m in modules for a in ("--ro-bind", str(m), f"/grader/{Path(m).name}")],
             "--proc", "/proc", "--dev", "/dev",
             # The sandbox's root and /dev are memory-backed and unlimited: read-only, so that only the
             # size-limited /tmp takes files (else writing files could fill the machine's memory).
             "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/tmp",
             sys.executable, "-S", "-E", "/grader/runner.py",  # -S: see runner.py; its packages' folders:
             *[p for p in site.getsitepackages() if os.path.isdir(p)]]
    return args


READY_SECONDS = 60  # to start a sandbox: Python, numpy and the assignment's imports
ENDING_SECONDS = 10  # for a sandbox that was never started to end by itself (see Server._end)


class Server:
    """One warm sandbox (runner.py's serve()): launched with an assignment's helper modules, started with
    its setup (its imports cell and exercises), it then grades submission after submission, each in fresh
    processes inside it.  Launching and starting are apart so that the sandbox can load Python and numpy
    while the grader loads its own (see launch()); Server(modules, setup) does both."""

    def __init__(self, modules, setup=None):
        self.modules, self.setup = tuple(modules), None
        self.owner = os.getpid()  # a forked copy of this object must not use it, unless adopted (see adopt())
        self.parent = os.getpid()  # the process that can wait for it
        self.process = subprocess.Popen(command(modules), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.errors = bytearray()
        self.buffer = b""
        if setup is not None:
            self.start(setup)

    def start(self, setup):
        """Send the setup and wait until the sandbox is ready; raise SandboxUnavailable if it does not start."""
        self.setup = setup
        self.drain = threading.Thread(target=self._drain, daemon=True)  # in the process that uses it
        self.drain.start()
        try:
            self._send(setup)
            ready = self._lines(time.monotonic() + READY_SECONDS, 1 << 20, until="ready")[1] == "ready"
        except BrokenPipeError:
            ready = False
        if not ready:
            self.close()
            self.drain.join(5)  # the last words of a sandbox that did not start
            tail = [l for l in bytes(self.errors).decode(errors="replace").splitlines() if l.strip()]
            if tail and tail[-1].startswith("bwrap:"):
                raise SandboxUnavailable(f"bubblewrap could not start the sandbox: {tail[-1]}")
            raise SandboxUnavailable("the sandbox did not start: "
                                     + (tail[-1] if tail else f"no answer within {READY_SECONDS} s"))

    def _drain(self):
        while chunk := self.process.stderr.read(1 << 16):
            self.errors = (self.errors + chunk)[-(1 << 16):]

    def _send(self, message):
        data = json.dumps(message).encode()
        self.process.stdin.write(len(data).to_bytes(8, "big") + data)
        self.process.stdin.flush()

    def _lines(self, deadline, cap, until):
        """Read JSON lines until one with the key `until`; return (the lines, why reading stopped: `until`,
        "time" at the deadline, "size" past `cap` bytes, or "end" when the sandbox closed its output)."""
        fd, lines, received = self.process.stdout.fileno(), [], 0
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                lines.append(message)
                if isinstance(message, dict) and until in message and "exercise" not in message:
                    return lines, until
            if received > cap:
                return lines, "size"
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return lines, "time"
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return lines, "end"
            received += len(chunk)
            self.buffer += chunk

    def grade(self, task, seconds, cap):
        """Return (result lines, problem or None, whether this sandbox may grade another submission)."""
        try:
            self._send(task)
        except BrokenPipeError:
            return [], "the sandbox stopped early", False
        lines, why = self._lines(time.monotonic() + seconds, cap, until="done")
        results = [l for l in lines if isinstance(l, dict) and "exercise" in l]
        if why == "done":
            status = lines[-1]["done"] if isinstance(lines[-1]["done"], dict) else {}
            if status == {"exit": 0}:
                problem = None
            elif "signal" in status:
                problem = f"the sandbox stopped early (its grading process was killed by signal {status['signal']})"
            else:
                problem = f"the sandbox stopped early (exit status {status.get('exit')})"
            return results, problem, problem is None and not lines[-1].get("left")
        problem = {"time": f"the whole submission took longer than {seconds} s",
                   "size": f"the sandbox returned more than {cap >> 20} MB",
                   "end": "the sandbox stopped early"}[why]
        return results, problem, False

    def close(self):
        if os.getpid() != self.owner:
            return
        if os.getpid() == self.parent:
            self._end(grace=ENDING_SECONDS if self.setup is None else 0)
        elif self.setup is not None:  # adopted: its parent, the batch, waits for it (reap()); a zombie till then
            try:
                os.kill(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._close_pipes(self.process.stdin, self.process.stdout)  # stderr: the drain thread's, to its end

    def _end(self, grace=0):
        """In the process that launched it: end the sandbox and wait for it.  With `grace` seconds, it is
        first left to end by itself at the end of its input, and killed only after that: bubblewrap (0.8)
        killed while it sets the sandbox up leaves the sandbox's first process waiting forever, so a
        sandbox that may still be setting up (launched, not started) is never killed at once."""
        self._close_pipes(self.process.stdin)
        if grace:
            try:
                self.process.wait(grace)
                return
            except subprocess.TimeoutExpired:
                pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def _close_pipes(self, *streams):
        for stream in streams:
            try:
                stream.close()
            except OSError:
                pass

    def forget(self):
        """In a process that does not use this sandbox (and has no drain thread for it): close its copies
        of the pipes, and leave the sandbox be."""
        self.owner = None
        self._close_pipes(self.process.stdin, self.process.stdout, self.process.stderr)

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the sandbox dies with its parent anyway
            pass


_warm = threading.local()  # each thread keeps its own sandbox (bubblewrap dies with the thread that made it)


def prepare(modules):
    """Launch this thread's warm sandbox now (for these helper modules) unless it has one: it then loads
    Python and numpy while the caller loads its own, and is started with the first task (run())."""
    if getattr(_warm, "server", None) is None:
        _warm.server = Server(modules)


def launch(modules, count):
    """Launch `count` sandboxes for these helper modules without waiting: each loads Python and numpy
    (0.2 s of CPU) while the batch loads its own.  The batch then forks its workers, each adopts one
    (adopt()), and release() closes the batch's own copies of their pipes."""
    return [Server(modules) for _ in range(count)]


def adopt(launched, counter):
    """In a freshly forked worker (the initializer of the batch's process pool): take the sandbox numbered
    by `counter` (a shared integer, incremented here) as this process's warm sandbox, and close this
    process's copies of the others' pipes, so that a sandbox sees the end of its input when its worker ends."""
    with counter.get_lock():
        index = counter.value
        counter.value += 1
    for number, server in enumerate(launched):
        if number == index:
            server.owner = os.getpid()
            _warm.server = server
        else:
            server.forget()


def release(launched):
    """In the batch, once its workers adopted the sandboxes: close its copies of their pipes."""
    for server in launched:
        server.forget()


def reap(launched):
    """In the batch, once its workers ended (or if it stopped before it forked them): end the sandboxes it
    launched and wait for them.  They end by themselves at the end of their input, when their worker ends;
    one still running after ENDING_SECONDS had lost its worker."""
    for server in launched:
        server.forget()
        server._end(grace=ENDING_SECONDS)


def run(task, seconds, modules=(), cap=64 << 20):
    """Grade `task` (with its "setup", see runner.py) in a warm sandbox for these modules and setup, started if
    needed; return (result lines as dicts, problem or None).  A sandbox that ran out of time, overflowed, stopped,
    or kept anything of the submission is closed: the next submission gets a new one."""
    task = dict(task)
    modules, setup = tuple(modules), task.pop("setup")
    server = getattr(_warm, "server", None)
    if server is not None and server.owner != os.getpid():  # inherited through fork: the parent's
        server = _warm.server = None
    if server is not None and (server.modules != modules or server.setup is not None and server.setup != setup):
        server.close()
        server = _warm.server = None
    if server is None:
        server = Server(modules)
    if server.setup is None:  # launched, not started yet
        _warm.server = None
        server.start(setup)
    _warm.server = server
    results, problem, reusable = server.grade(task, seconds, cap)
    if not reusable:
        server.close()
        _warm.server = None
    return results, problem
