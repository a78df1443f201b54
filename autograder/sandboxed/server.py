"""The sandbox's first process (its init): loads the assignment once, then grades submission after submission.

    python -S -E -m sandboxed.server SITE_PACKAGES...      (started by autograder/sandbox.py, in the sandbox)

Its standard input is a SOCK_SEQPACKET socket to the grader; every record on it comes from the grader,
and only this process reads or writes it:

    from the grader: {"code": the assignment's imports cell, "exercises": [exercise, ...], "cpus": [...]}
                     (the setup; cpus: those to run on)
                     {"task": id}, with the descriptors of the submission's sockets attached    (a task)
    to the grader:   {"ready": true}    once the setup has run
                     {"task": id, "done": {"exit": status} or {"signal": number}, "left": [...],
                      "changed": [...]}    after each task

An exercise in the setup is {"name", "kind", "params", "outputs", "deps": {name: {"params", "defaults"}}}:
no case, no expected value.  For each task it forks a process (grading.py) that reads the submission from
its socket and runs the exercises; this process never reads a submission, so nothing of one student is
in the memory that the next one's processes are forked from.

Between submissions nothing may remain: the submission's processes must be gone (they cannot create
others), /tmp is emptied, no IPC object may exist ("left"), and this process's own limits, priority,
scheduling, CPUs, autogroup, OOM score and /tmp's mode and owner must be as they were after the setup
("changed": the seccomp filter refuses the answers the calls that change another process's, but a file
like /proc/1/autogroup can be written).  If anything is left or changed, this process ends, and the
sandbox with it: the grader starts a new one.  It is not dumpable, so the answers cannot reach its
memory or its descriptors through /proc; as the namespace's init, it gets no signal it does not handle.
"""

import ctypes
import gc
import json
import os
import platform
import resource
import shutil
import signal
import socket
import sys
import traceback

if __name__ == "__main__":  # started without `site` (-S: 20 ms less per sandbox, most of it in the
    # editable install's import hook): the packages' folders come as arguments instead.
    import site
    sys.path += sys.argv[1:]
    site.setquit()  # exit() and quit(), which only `site` defines, as a notebook has them
    site.setcopyright()
    site.sethelper()

from . import grading, guard, seccomp  # noqa: E402 (the packages' folders first)

RECORD = 1 << 18  # the largest record on the control socket
PR_SET_DUMPABLE = 4
IOPRIO_GET = {"x86_64": 252, "aarch64": 31}


class NoPlots:
    """Stands in for matplotlib: every attribute, call or item is another NoPlots; it is also a context
    manager and an empty iterable.  (unittest.mock's MagicMock would do, but importing it costs 45 ms.)"""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return NoPlots(f"{self._name}.{attribute}")

    def __call__(self, *args, **kwargs):
        return NoPlots(f"{self._name}()")

    def __getitem__(self, key):
        return NoPlots(f"{self._name}[]")

    def __iter__(self):
        return iter(())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return f"<{self._name}: no plots while grading>"


def state():
    """What the answers must not be able to change in this process, which every submission's processes
    are forked from, nor in the sandbox's /tmp."""
    found = {name: resource.getrlimit(getattr(resource, name)) for name in sorted(dir(resource))
             if name.startswith("RLIMIT_")}
    found.update(nice=os.getpriority(os.PRIO_PROCESS, 0), scheduler=os.sched_getscheduler(0),
                 scheduling_priority=os.sched_getparam(0).sched_priority, cpus=sorted(os.sched_getaffinity(0)))
    if platform.machine() in IOPRIO_GET:
        found["io_priority"] = ctypes.CDLL(None).syscall(IOPRIO_GET[platform.machine()], 1, 0)
    for name in ("autogroup", "oom_score_adj", "coredump_filter", "timerslack_ns", "mountinfo"):
        try:
            with open(f"/proc/self/{name}") as f:
                found[name] = f.read()
        except OSError:  # not in this kernel
            pass
    tmp = os.stat("/tmp")
    found["/tmp"] = (tmp.st_mode, tmp.st_uid, tmp.st_gid, os.listxattr("/tmp"))
    found["names"] = (os.uname().nodename, socket.gethostname())
    return found


def changes(before, after):
    return [name for name in before if after.get(name) != before[name]]


def leftovers():
    """What a graded submission left in the sandbox; [] once /tmp has been emptied and nothing else is left."""
    try:  # this process is the sandbox's init: orphans of a killed grading process come to it
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
    left = [f"process {pid}" for pid in os.listdir("/proc") if pid.isdigit() and int(pid) != os.getpid()]
    # The Python runtime may be mounted below /tmp (a clone of the course in /tmp): keep those mounts and
    # the folders that lead to them, and empty everything else.
    mounts = [line.split()[4] for line in open("/proc/self/mountinfo")]
    folders = ["/tmp"]
    while folders:
        for name in os.listdir(folder := folders.pop()):
            path = os.path.join(folder, name)
            if path in mounts:
                continue
            if any(m.startswith(path + "/") for m in mounts):
                folders.append(path)
                continue
            try:
                if os.path.isdir(path) and not os.path.islink(path):
                    os.chmod(path, 0o700)  # folders made unwritable or unreadable: this process owns them all
                    for parent, subfolders, _ in os.walk(path):
                        for subfolder in subfolders:
                            if not os.path.islink(os.path.join(parent, subfolder)):
                                os.chmod(os.path.join(parent, subfolder), 0o700)
                    shutil.rmtree(path)
                else:
                    os.remove(path)
            except OSError:
                left.append(path)
    for kind in ("shm", "sem", "msg"):  # System V IPC objects (the answers may not create any; see seccomp)
        with open(f"/proc/sysvipc/{kind}") as table:
            left += [f"a System V {kind} object"] * (len(table.readlines()) - 1)
    return left


def _wait(pid):
    """Wait for the submission's grading process; one that the answers stopped (SIGSTOP) is killed, since it
    could not time them any more."""
    while True:
        _, status = os.waitpid(pid, os.WUNTRACED)
        if not os.WIFSTOPPED(status):
            return status
        os.kill(pid, signal.SIGKILL)


def _send(control, message):
    control.send(json.dumps(message).encode())


def serve(control):
    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # inherited by every child
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # so that the init of the namespace ignores it
    # Answers draw nothing while graded: matplotlib is replaced by an object that accepts every call,
    # which also saves the second its import takes.
    plots = NoPlots("matplotlib")
    sys.modules.update({"matplotlib": plots, "matplotlib.pyplot": plots.pyplot})
    record = control.recv(RECORD)
    if not record:  # closed before it was started
        os._exit(0)
    setup = json.loads(record)
    os.sched_setaffinity(0, setup["cpus"])  # those of the grader's process that uses this sandbox
    base = {"__name__": "__main__"}
    exec(compile(setup["code"], "<setup>", "exec"), base)  # the assignment's imports: ours, not the student's
    guard.snapshot()
    seccomp.prepare()
    # Every submission's processes are forked from this one: the collector, run in them, would write to
    # every object it tracks, and so make each process copy most of this one's memory page by page.
    gc.freeze()
    os.chdir("/tmp")
    baseline = state()
    sys.stdout.flush()
    _send(control, {"ready": True})
    while True:
        record, fds, _, _ = socket.recv_fds(control, RECORD, 256)
        if not record:
            os._exit(0)  # no more submissions: nothing to clean up in a sandbox that ends
        task = json.loads(record)["task"]
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                grading.main(setup, base, fds[0], fds[1:])
            except BaseException:  # a fault of the runner's own: say where, on the sandbox's stderr
                traceback.print_exc()
            finally:
                os._exit(1)
        for fd in fds:
            os.close(fd)
        status = _wait(pid)
        try:
            left, changed = leftovers(), changes(baseline, state())
        except Exception as error:  # say, a folder nested too deeply to empty: this sandbox is done with
            left, changed = [f"/tmp could not be emptied ({type(error).__name__})"], []
        done = {"exit": os.WEXITSTATUS(status)} if os.WIFEXITED(status) else {"signal": os.WTERMSIG(status)}
        _send(control, {"task": task, "done": done, "left": left, "changed": changed})
        if left or changed:
            os._exit(0)


if __name__ == "__main__":
    serve(socket.socket(fileno=0))
