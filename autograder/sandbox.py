"""Run a grading task under bubblewrap, never in the grader's own process.

Inside the sandbox: no network (all namespaces unshared), no capability, a
read-only view of the Python runtime and system libraries only, a private
size-limited /tmp as scratch (the only writable place), no environment but a
few settings, and of the course only the checking engine (public_tests.py),
runner.py and the assignment's helper modules (lr_utils.py, dnn_utils.py: what the student has too).  Not the repository, not
source/, not autograder/ (its golden files hold the expected outputs), not
other students' files.  runner.py adds per-exercise limits (time, memory,
output, no new processes); this module adds a wall-clock limit for the whole
submission and a cap on what comes back.
"""

import json
import os
import shutil
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
    args = [bwrap, "--unshare-all", "--cap-drop", "ALL", "--die-with-parent", "--new-session", "--clearenv"]
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
             sys.executable, "-s", "-E", "/grader/runner.py"]
    return args


def run(task, seconds, modules=(), cap=64 << 20):
    """Run runner.py on `task` in the sandbox; return (result lines as dicts, problem or None)."""
    process = subprocess.Popen(command(modules), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    received, errors = bytearray(), bytearray()

    def read(stream, into, limit):
        while chunk := stream.read(1 << 16):
            if len(into) < limit:
                into.extend(chunk[: limit - len(into)])
    readers = [threading.Thread(target=read, args=(process.stdout, received, cap)),
               threading.Thread(target=read, args=(process.stderr, errors, 1 << 16))]
    for reader in readers:
        reader.start()
    problem = None
    deadline = time.monotonic() + seconds
    try:
        process.stdin.write(json.dumps(task).encode())
        process.stdin.close()
    except BrokenPipeError:
        pass
    # The pipes close when the sandbox ends (its namespace takes every process in it along): waiting on the
    # readers returns at that moment, where Popen.wait(timeout) would poll with sleeps of up to 50 ms.
    for reader in readers:
        reader.join(max(0.0, deadline - time.monotonic()))
    try:
        process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        problem = f"the whole submission took longer than {seconds} s"
    for reader in readers:
        reader.join()
    results = []
    for line in bytes(received).decode(errors="replace").splitlines():
        try:
            results.append(json.loads(line))
        except ValueError:
            continue
    if problem is None and process.returncode != 0:
        tail = [l for l in bytes(errors).decode(errors="replace").splitlines() if l.startswith("bwrap:")]
        if not results and tail:
            raise SandboxUnavailable(f"bubblewrap could not start the sandbox: {tail[-1]}")
        problem = f"the sandbox stopped early (exit status {process.returncode})"
    return results, problem
