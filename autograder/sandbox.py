"""The grader's side of a sandbox: bubblewrap, the protocol with the sandbox's first process, a pool of warm ones.

Inside the sandbox: no network (all namespaces unshared), no capability, a read-only view of the Python
runtime and system libraries only, a private size-limited /tmp as scratch (the only writable place), no
environment but a few settings, and of the course only the code that runs the answers
(autograder/sandboxed/), the checking engine students have (public_tests.py) and the assignment's helper
modules (lr_utils.py, dnn_utils.py: what the student has too).  Not the repository, not source/, not
the golden files, not other students' files.  The processes in it are described in sandboxed/server.py.

For each submission this module makes a socket for the submission and two for each exercise (its public
phase's and its hidden phase's), passes their other ends into the sandbox, and serves them until the
sandbox says the submission is done: it writes the task, and hands every message that an exercise's
process sends, and every status of the grading process, to the submission's oracle.Submission, which
answers them.  Everything read is bounded (per message, per exercise, per
submission) and the whole submission has a wall-clock limit.  A sandbox that ran out of time, stopped,
or kept anything of a submission is closed: the next submission gets a new one.

Memory: each exercise's process has an address-space limit (RLIMIT_AS), cannot create memfd files or
System V shared memory, and has at most 64 open files, so that pipes and sockets hold little; /tmp is
64 MB.  Where this process may create memory cgroups (as root, with cgroup v2's memory controller
delegated, or cgroup v1's), each sandbox also runs in one whose limit bounds everything it holds
together (see MemoryCgroup and confinement()).
"""

import itertools
import json
import os
import selectors
import shutil
import signal
import site
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from autograder import ROOT
from autograder.sandboxed import wire

SYSTEM = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/ld.so.cache", "/etc/alternatives"]
TMP_BYTES = 64 << 20
READY_SECONDS = 60  # to start a sandbox: Python, numpy and the assignment's imports
ENDING_SECONDS = 10  # for a sandbox that was never started to end by itself (see Sandbox._end)
MESSAGE_BYTES = 4 << 20  # the largest message an exercise's process may send
EXERCISE_BYTES = 16 << 20  # all that one exercise's process may send
SUBMISSION_BYTES = 32 << 20  # all that a submission's processes may send together
PENDING_BYTES = 16 << 20  # replies an exercise's process may leave unread
STATUS_BYTES = 1 << 20  # all that the submission's grading process may send
CGROUP_EXTRA = 768 << 20  # a sandbox's cgroup: an exercise's address space and this, for Python and /tmp


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


def command(modules=()):
    """The bwrap command line; `modules` are the assignment's helper modules (e.g. dnn_utils.py), read-only."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed: run `bash course.sh`, which installs it, "
                                 "or `apt-get install bubblewrap`")
    # --cap-drop ALL: run by root, bubblewrap would otherwise keep every capability inside the sandbox's
    # user namespace, enough to remount its read-only view writable and change the grader's own files.
    # --as-pid-1: no bubblewrap process inside, whose standard streams the answers could open through
    # /proc/1/fd; the sandbox's server is its init, and not dumpable.
    args = [bwrap, "--unshare-all", "--as-pid-1", "--cap-drop", "ALL", "--die-with-parent", "--new-session",
            "--clearenv"]
    for name, value in {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "MPLCONFIGDIR": "/tmp", "MPLBACKEND": "Agg",
                        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}.items():
        args += ["--setenv", name, value]
    args += ["--size", str(TMP_BYTES), "--tmpfs", "/tmp"]  # first: the runtime may live under /tmp too
    for path in SYSTEM + _python_roots():
        args += ["--ro-bind-try", path, path]
    args += ["--ro-bind", str(ROOT / "public_tests.py"), "/grader/public_tests.py",
             "--ro-bind", str(ROOT / "autograder" / "sandboxed"), "/grader/sandboxed",
             *[a for m in modules for a in ("--ro-bind", str(m), f"/grader/{Path(m).name}")],
             "--proc", "/proc", "--dev", "/dev",
             # The sandbox's root and /dev are memory-backed and unlimited: read-only, so that only the
             # size-limited /tmp takes files (else writing files could fill the machine's memory).
             # /proc read-only too: run by root, the sandbox's uid is the machine's root, which the kernel lets
             # write /proc/sys (host-wide settings) and other processes' /proc files whatever the capabilities.
             "--remount-ro", "/dev", "--remount-ro", "/", "--remount-ro", "/proc", "--chdir", "/grader",
             sys.executable, "-S", "-E", "-B", "-m", "sandboxed.server",  # -S: see sandboxed/server.py
             *[p for p in site.getsitepackages() if os.path.isdir(p)]]
    return args


# --- memory cgroups ------------------------------------------------------------------------------------------

class MemoryCgroup:
    """A memory cgroup for one sandbox, under this process's own, or None where none can be made.

    cgroup v2 (memory.max, memory.swap.max) where the memory controller is enabled for this process's
    cgroup's children; else cgroup v1's memory controller (memory.limit_in_bytes and, where swap is
    accounted, memory.memsw.limit_in_bytes).  Both need the right to create cgroups there (root, or a
    delegated cgroup)."""

    _counter = itertools.count()

    def __init__(self, path, version):
        self.path, self.version = path, version

    @classmethod
    def create(cls, limit):
        for version, parent in _cgroup_parents():
            path = parent / f"autograder-{os.getpid()}-{next(cls._counter)}"
            try:
                path.mkdir()
            except OSError:
                continue
            try:
                if version == 2:
                    (path / "memory.max").write_text(str(limit))
                    if (path / "memory.swap.max").exists():
                        (path / "memory.swap.max").write_text("0")
                else:
                    (path / "memory.limit_in_bytes").write_text(str(limit))
                    if (path / "memory.memsw.limit_in_bytes").exists():
                        (path / "memory.memsw.limit_in_bytes").write_text(str(limit))
            except OSError:
                path.rmdir()
                continue
            return cls(path, version)
        return None

    def wrap(self, args):
        """`args` run in this cgroup: a shell moves itself there, then becomes them (before they fork)."""
        return ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(self.path), *args]

    def remove(self):
        """Once its processes have ended (the kernel removes them from it a moment after they exit)."""
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.02)


_parents = None


def _cgroup_parents():
    """[(version, folder)] where this process could create memory cgroups, best first (found once)."""
    global _parents
    if _parents is not None:
        return _parents
    found = []
    try:
        memberships = [line.rstrip("\n").split(":", 2) for line in open("/proc/self/cgroup")]
        mounts = [line.split() for line in open("/proc/self/mountinfo")]
    except OSError:
        memberships, mounts = [], []
    for fields in mounts:
        point, fstype = fields[4], fields[fields.index("-") + 1]
        options = fields[-1].split(",")
        for _, controllers, path in memberships:
            if fstype == "cgroup2" and controllers == "":
                folder = Path(point + path)
                if "memory" in _read(folder / "cgroup.subtree_control").split():
                    found.append((2, folder))
            elif fstype == "cgroup" and "memory" in controllers.split(",") and "memory" in options:
                found.append((1, Path(point + path)))
    _parents = [(v, f) for v, f in found if os.access(f, os.W_OK)]
    return _parents


def _read(path):
    try:
        return path.read_text()
    except OSError:
        return ""


def confinement():
    """How the memory of a sandbox is bounded on this machine, in words (the batch prints it)."""
    parents = _cgroup_parents()
    if parents:
        version = parents[0][0]
        return (f"a memory cgroup (v{version}) per sandbox, and RLIMIT_AS, no memfd files and at most "
                "64 open files per exercise")
    return ("RLIMIT_AS, no memfd files and at most 64 open files per exercise (no memory cgroup can be "
            "created here: run as root, or in a cgroup with the memory controller delegated, for one)")


# --- one sandbox -----------------------------------------------------------------------------------------------

class Run:
    """How a submission's run in a sandbox went: `problem` (None, or what stopped it), `ended` ({(exercise
    number, phase): how its process ended, from the grading process}), and whether the sandbox may grade
    another."""

    def __init__(self, problem=None, ended=None, reusable=False):
        self.problem, self.ended, self.reusable = problem, ended or {}, reusable


class Sandbox:
    """One warm sandbox (sandboxed/server.py): launched with an assignment's helper modules, started with
    its setup, it then grades submission after submission, each in fresh processes inside it.  Launching
    and starting are apart so that the sandbox can load Python and numpy while the grader loads its own."""

    _tasks = itertools.count(1)

    def __init__(self, modules, memory=2 << 30):
        self.modules, self.setup = tuple(modules), None
        self.owner = os.getpid()  # a forked copy of this object must not use it, unless adopted
        self.parent = os.getpid()  # the process that can wait for it
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.cgroup = MemoryCgroup.create(memory + CGROUP_EXTRA)
        args = command(modules)
        if self.cgroup is not None:
            args = self.cgroup.wrap(args)
        try:
            self.process = subprocess.Popen(args, stdin=theirs, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                            preexec_fn=None)
        finally:
            theirs.close()
        self.errors = bytearray()
        self.drain = None

    def start(self, setup):
        """Send the setup and wait until the sandbox is ready; raise SandboxUnavailable if it does not start."""
        self.setup = setup
        self.drain = threading.Thread(target=self._drain, daemon=True)  # in the process that uses it
        self.drain.start()
        # On the CPUs of the process that uses it: a batch's worker is pinned to one, and its sandbox with it,
        # so that their round trips (a dependency's call, each case's result) wake no other CPU.
        record = json.dumps(dict(setup, cpus=sorted(os.sched_getaffinity(0)))).encode()
        try:
            self.control.settimeout(READY_SECONDS)
            self.control.send(record)
            ready = json.loads(self.control.recv(1 << 16) or b"null") == {"ready": True}
        except (OSError, ValueError):
            ready = False
        if not ready:
            self.close()
            self.drain.join(5)  # the last words of a sandbox that did not start
            tail = [l for l in bytes(self.errors).decode(errors="replace").splitlines() if l.strip()]
            if tail and tail[-1].startswith("bwrap:"):
                raise SandboxUnavailable(f"bubblewrap could not start the sandbox: {tail[-1]}")
            raise SandboxUnavailable("the sandbox did not start: "
                                     + (tail[-1] if tail else f"no answer within {READY_SECONDS} s"))
        self.control.setblocking(False)

    def _drain(self):
        while chunk := self.process.stderr.read(1 << 16):
            self.errors = (self.errors + chunk)[-(1 << 16):]

    def grade(self, task, submission, seconds):
        """Grade one submission: `task` is what its grading process reads (sandboxed/grading.py), and
        `submission` (an oracle.Submission) serves the exercises' sockets.  Return a Run."""
        number = next(self._tasks)
        task = dict(task, task=number)
        ours, theirs = zip(*(socket.socketpair() for _ in range(1 + len(submission.order))))
        try:
            socket.send_fds(self.control, [json.dumps({"task": number}).encode()], [s.fileno() for s in theirs])
        except OSError:
            for s in ours:
                s.close()
            return Run("the sandbox stopped early")
        finally:
            for s in theirs:
                s.close()
        return _Serving(self, number, ours, submission).serve(wire.frame(task), time.monotonic() + seconds, seconds)

    def close(self):
        if os.getpid() != self.owner:
            return
        if os.getpid() == self.parent:
            self._end(grace=ENDING_SECONDS if self.setup is None else 0)
        elif self.setup is not None:  # adopted: its parent, the batch, waits for it (see Pool.close)
            try:
                os.kill(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._close_streams(self.control, self.process.stderr if self.drain is None else None)

    def _end(self, grace=0):
        """In the process that launched it: end the sandbox and wait for it.  With `grace` seconds, it is
        first left to end by itself at the end of its input, and killed only after that: bubblewrap (0.8)
        killed while it sets the sandbox up leaves the sandbox's first process waiting forever, so a
        sandbox that may still be setting up (launched, not started) is never killed at once."""
        self._close_streams(self.control)
        if grace:
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.cgroup is not None:
            self.cgroup.remove()

    @staticmethod
    def _close_streams(*streams):
        for stream in streams:
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    def forget(self):
        """In a process that does not use this sandbox: close its copies of the sockets and pipes, and
        leave the sandbox be."""
        self.owner = None
        self._close_streams(self.control, self.process.stderr)

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the sandbox dies with its parent anyway
            pass


class _Serving:
    """The grader's end of one submission's sockets, served until the sandbox says the submission is done.
    `submission` (an oracle.Submission) answers what the exercises' processes send; this only carries it,
    within bounds."""

    def __init__(self, sandbox, number, sockets, submission):
        self.sandbox, self.number, self.work = sandbox, number, submission
        self.submission, self.channels = sockets[0], dict(zip(sockets[1:], submission.order))
        self.sockets = {channel: s for s, channel in self.channels.items()}
        self.selector = selectors.DefaultSelector()
        self.pending = {}  # socket: bytearray still to write
        self.readers = {s: wire.Reader(STATUS_BYTES if s is self.submission else MESSAGE_BYTES) for s in sockets}
        self.received, self.total = dict.fromkeys(sockets, 0), 0
        self.problem, self.done = None, None
        for s in sockets:
            s.setblocking(False)
            self.selector.register(s, selectors.EVENT_READ)
        self.selector.register(sandbox.control, selectors.EVENT_READ)

    def serve(self, task, deadline, seconds):
        self._write(self.submission, task)
        try:
            while self.done is None and self.problem is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    self.problem = f"the whole submission took longer than {seconds} s"
                    break
                for key, events in self.selector.select(left):
                    if events & selectors.EVENT_WRITE:
                        self._flush(key.fileobj)
                    if events & selectors.EVENT_READ and key.fileobj is self.sandbox.control:
                        self._control()
                    elif events & selectors.EVENT_READ and key.fileobj in self.readers:
                        self._read(key.fileobj)
            if self.done is not None:  # every process of the submission has ended: take what they left
                for s in [self.submission, *self.channels]:
                    if s in self.readers:
                        self._read(s, until_empty=True)
        finally:
            self.selector.close()
            for s in [self.submission, *self.channels]:
                s.close()
        if self.problem is None:
            status, left, changed = self.done.get("done"), self.done.get("left"), self.done.get("changed")
            if status != {"exit": 0}:  # not the signal's number: the answers may have chosen it
                self.problem = ("the sandbox stopped early (its grading process was killed)"
                                if isinstance(status, dict) and "signal" in status else "the sandbox stopped early")
            reusable = self.problem is None and left == [] and changed == []
        else:
            reusable = False
        return Run(self.problem, dict(self.work.ended), reusable)

    def _write(self, s, data):
        if s not in self.readers:  # closed
            return
        buffered = self.pending.setdefault(s, bytearray())
        buffered += data
        if len(buffered) > PENDING_BYTES and s is not self.submission:  # the process reads none of its replies
            self._refused(s, wire.Refused(f"more than {PENDING_BYTES >> 20} MB of replies left unread"))
            return
        self._flush(s)

    def _flush(self, s):
        data = self.pending.get(s)
        if data:
            try:
                del data[:s.send(data)]
            except BlockingIOError:
                pass
            except OSError:  # the process at the other end is gone
                data.clear()
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if data else 0)
        if s in self.readers and self.selector.get_key(s).events != events:  # a system call: only on a change
            self.selector.modify(s, events)

    def _control(self):
        try:
            record = self.sandbox.control.recv(1 << 16)
        except BlockingIOError:
            return
        except OSError:
            record = b""
        if not record:
            self.problem = "the sandbox stopped early"
            return
        try:
            message = json.loads(record)
        except ValueError:
            message = None
        if not isinstance(message, dict) or message.get("task") != self.number or "done" not in message:
            self.problem = "the sandbox sent something out of turn"
            return
        self.done = message

    def _read(self, s, until_empty=False):
        while s in self.readers:
            try:
                data = s.recv(1 << 20)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._stop_reading(s)
                return
            self.received[s] += len(data)
            self.total += len(data) if s is not self.submission else 0
            try:
                cap = STATUS_BYTES if s is self.submission else EXERCISE_BYTES
                if self.received[s] > cap:
                    raise wire.Refused(f"more than {cap >> 20} MB")
                if self.total > SUBMISSION_BYTES and s is not self.submission:
                    raise wire.Refused(f"more than the {SUBMISSION_BYTES >> 20} MB a whole submission may send")
                for body in self.readers[s].feed(data):
                    self._message(s, body)
            except wire.Refused as refused:
                self._refused(s, refused)
                return
            except Exception as error:  # what the schema let through and the grader could not handle
                self._refused(s, wire.Refused(f"the grader could not handle it: {type(error).__name__}"))
                return
            if not until_empty:
                return

    def _message(self, s, body):
        if s is self.submission:
            message = wire.loads(body)
            if not isinstance(message, dict) or message.get("task") != self.number:
                raise wire.Refused("a status of another task")
            if "finished" in message:
                return
            k, phase, ended = message.get("exercise"), message.get("phase"), message.get("ended")
            if type(k) is not int or not isinstance(ended, dict) or (phase, k) not in self.sockets:
                raise wire.Refused("a malformed status")
            channel = self.sockets[phase, k]
            if channel in self.readers:  # its process has ended: all it sent is there to read, first, and
                self._read(channel, until_empty=True)  # nothing after (a copy of the socket may be kept)
                self._stop_reading(channel)
            replies = self.work.status(k, phase, ended)
        else:
            replies = self.work.receive(self.channels[s], body)
        for channel, frame in replies:
            self._write(self.sockets[channel], frame)

    def _refused(self, s, refused):
        if s is self.submission:
            self.problem = f"the sandbox's grading process sent something unreadable ({refused})"
        else:
            self.work.refuse(self.channels[s], str(refused))
        self._stop_reading(s)

    def _stop_reading(self, s):
        if s in self.readers:
            del self.readers[s]
            self.pending.pop(s, None)
            self.selector.unregister(s)
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


# --- the warm sandboxes of a grading process --------------------------------------------------------------------

class Pool:
    """The warm sandboxes of this process: each grading thread keeps one (bubblewrap dies with the thread that
    started it), replaced after any trouble.  A batch launches one per worker before it loads numpy and
    forks the workers, each of which adopts one."""

    def __init__(self):
        self._local = threading.local()
        self._launched, self._cpus = [], []

    def _current(self):
        sandbox = getattr(self._local, "sandbox", None)
        if sandbox is not None and sandbox.owner != os.getpid():  # inherited through fork: the parent's
            sandbox = self._local.sandbox = None
        return sandbox

    def launch(self, modules, workers=0):
        """Launch sandboxes now, without waiting: each loads Python and numpy while the caller loads its own.
        With no `workers`, one for this thread; else one for each of that many workers of a batch, forked
        after this, each of which adopts one (adopt())."""
        if not workers:
            if self._current() is None:
                self._local.sandbox = Sandbox(modules)
        else:
            self._launched = [Sandbox(modules) for _ in range(workers)]
            self._cpus = _least_busy(workers)

    def adopt(self, counter):
        """In a freshly forked worker of a batch (its pool's initializer): take the launched sandbox numbered
        by `counter` (a shared integer, incremented here), and close this process's copies of the others'
        sockets, so that a sandbox sees the end of its input when its worker ends."""
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        if index < len(self._cpus):  # a CPU for each worker and its sandbox (see Sandbox.start)
            os.sched_setaffinity(0, {self._cpus[index]})
        for number, sandbox in enumerate(self._launched):
            if number == index:
                sandbox.owner = os.getpid()
                self._local.sandbox = sandbox
            else:
                sandbox.forget()
        self._launched = []

    def release(self):
        """In the batch, once its workers adopted the launched sandboxes: close its copies of their sockets
        (they stay in the list, for close() to wait for them)."""
        for sandbox in self._launched:
            sandbox.forget()

    def grade(self, modules, setup, task, submission, seconds):
        """Grade in this thread's warm sandbox for these modules and setup (started, or replaced, as needed);
        return a Run."""
        modules = tuple(modules)
        sandbox = self._current()
        if sandbox is not None and (sandbox.modules != modules or sandbox.setup not in (None, setup)):
            sandbox.close()
            sandbox = None
        if sandbox is None:
            sandbox = Sandbox(modules)
        self._local.sandbox = None
        if sandbox.setup is None:  # launched, not started yet
            sandbox.start(setup)
        run = None
        try:
            run = sandbox.grade(task, submission, seconds)
        finally:  # an exception here (the batch's backstop, say) must not leave the sandbox behind
            if run is not None and run.reusable:
                self._local.sandbox = sandbox
            else:
                sandbox.close()
        return run

    def close(self):
        """End the sandboxes this process launched for a batch's workers, once the workers ended (they end by
        themselves at the end of their input; one still running after ENDING_SECONDS had lost its worker),
        and this thread's own."""
        for sandbox in self._launched:
            sandbox.forget()
            sandbox._end(grace=ENDING_SECONDS)
        self._launched = []
        sandbox = self._current()
        if sandbox is not None:
            sandbox.close()
            self._local.sandbox = None


def _least_busy(count, seconds=0.05):
    """The `count` CPUs of this process's that were the least busy over a moment (none if there are fewer):
    another batch, or a notebook's training, may be running on the others."""
    cpus = sorted(os.sched_getaffinity(0))
    if count > len(cpus):
        return []

    def busy():
        try:
            lines = [line.split() for line in open("/proc/stat") if line[:3] == "cpu" and line[3].isdigit()]
        except OSError:
            return {}
        return {int(f[0][3:]): sum(map(int, f[1:4])) + sum(map(int, f[6:9])) for f in lines}
    before = busy()
    time.sleep(seconds)
    after = busy()
    return sorted(cpus, key=lambda cpu: (after.get(cpu, 0) - before.get(cpu, 0), cpu))[:count]


pool = Pool()
