"""Runs students' answers INSIDE the sandbox (see sandbox.py); standard library, numpy and the engine only.

It stays up for many submissions (see serve()).  It first reads the assignment's setup, then tasks,
each message an 8-byte length followed by that much JSON:

    setup: {"code": the assignment's imports cell,
            "exercises": [exercise, ...] as in the golden files, with no expected values}
    task:  {"cells": [[exercise name, code of the student's answer cell or null], ...] in notebook order,
            "seconds": wall-clock limit per exercise, "memory": address-space limit in bytes,
            "output": limit in bytes on what the student's code may print, "result": limit on a result}

For each exercise it forks a child that defines the student's answers up to
that exercise, forbids itself to create processes (seccomp), and calls the
function on every case.  The child sends back what the function returned;
this process writes one JSON line per exercise on standard output:

    {"exercise": name, "cases": [{"output": encoded value, "after": encoded arguments after the call,
                                  "printed": characters printed} or {"error": message}, ...]}
    or {"exercise": name, "error": message}

and a line {"done": ...} when the submission is graded.  It never sees the expected outputs: the
comparison happens outside.
"""

import ctypes
import functools
import json
import operator
import os
import platform
import resource
import select
import shutil
import signal
import struct
import sys
import time
import traceback

if __name__ == "__main__":  # sandbox.py starts Python without `site` (-S: 20 ms less per sandbox, most of it
    # in the editable install's import hook): the packages' folders come as arguments instead.
    import site
    sys.path += sys.argv[1:]
    site.setquit()  # exit() and quit(), which only `site` defines, as a notebook has them
    site.setcopyright()
    site.sethelper()

import public_tests as engine  # noqa: E402 (the packages' folders first)

# --- seccomp: a child may start threads but no process -----------------------

_SYSCALLS = {  # machine: (audit arch, clone, clone3, fork or None, vfork or None,
    #                      [shmget, semget, msgget, mq_open, add_key, request_key, keyctl])
    "x86_64": (0xC000003E, 56, 435, 57, 58, [29, 64, 68, 240, 248, 249, 250]),
    "aarch64": (0xC00000B7, 220, 435, None, None, [194, 190, 186, 180, 217, 218, 219]),
}


@functools.lru_cache(maxsize=None)
def _seccomp_filter():
    """The filter of _forbid_new_processes, built once in the warm process (its children inherit it), or
    None on a machine not listed above.  Returns (libc, the filter program, the buffer it points into)."""
    if platform.machine() not in _SYSCALLS:
        return None
    arch, clone, clone3, fork, vfork, lasting = _SYSCALLS[platform.machine()]
    allow, eagain, enosys, eperm = 0x7FFF0000, 0x00050000 | 11, 0x00050000 | 38, 0x00050000 | 1
    ld, jeq, jset, ret = 0x20, 0x15, 0x45, 0x06

    program = [(ld, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, eagain), (ld, 0, 0, 0),
               (jeq, 0, 1, clone3), (ret, 0, 0, enosys)]  # glibc falls back to clone for threads
    for number in (fork, vfork):
        if number is not None:
            program += [(jeq, 0, 1, number), (ret, 0, 0, eagain)]
    for number in lasting:
        program += [(jeq, 0, 1, number), (ret, 0, 0, eperm)]
    program += [(jeq, 1, 0, clone), (ret, 0, 0, allow),
                (ld, 0, 0, 16), (jset, 0, 1, 0x00010000), (ret, 0, 0, allow), (ret, 0, 0, eagain)]
    raw = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(raw)

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
    return ctypes.CDLL(None, use_errno=True), Program(len(program), ctypes.cast(buffer, ctypes.c_void_p)), buffer


def _forbid_new_processes():
    """Install a seccomp filter: fork, vfork and clone without CLONE_THREAD fail with EAGAIN, and the
    calls that make objects outliving the process (IPC objects, message queues, keys) with EPERM."""
    built = _seccomp_filter()
    if built is None:
        return False
    libc, fprog, _ = built
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")
    return True


# --- the answers may not replace the functions the grader itself relies on -----

_GUARDED = ["builtins", "numpy", "numpy._core.numeric", "numpy._core.fromnumeric", "json", "json.encoder",
            "copy", "io", "contextlib", "types", "inspect", "public_tests"]
_SNAPSHOT = {}  # module name: (its namespace, the names in it, their values when the setup had run, a copy
#                               of the namespace, and its version or None; see _version_reader)


def _version_reader():
    """A function that reads a dict's version tag, or None where it is not known to work.

    CPython 3.11 gives every dict a version (PEP 509) that each change of the dict changes.  Read from the
    dict's memory, it tells that a module is unchanged without touching the objects in it: comparing them
    (Python adds a reference to each) made every exercise's process copy about 550 pages of its parent's
    memory, a third of the copies in a grading.  Checked here on a dict, and used only on CPython 3.11."""
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11):
        return None
    field = ctypes.c_uint64.from_address

    def version(namespace, id=id):
        return field(id(namespace) + 24).value  # after the reference count, the type and the size

    probe = {}
    first = version(probe)
    probe["key"] = 1
    second = version(probe)
    probe["key"] = 2
    return version if first != second != version(probe) else None


_VERSION = _version_reader()


def _take_snapshot():
    for name in _GUARDED:
        if name in sys.modules:
            namespace = vars(sys.modules[name])
            keys = tuple(key for key in namespace if not key.startswith("__"))  # dunders may change: not checked
            _SNAPSHOT[name] = (namespace, keys, tuple(namespace[key] for key in keys), dict(namespace),
                               _VERSION(namespace) if _VERSION else None)


def _restore(version_of=_VERSION):
    """Put back what the answers replaced, so that the runner itself can report (unchanged modules are left
    as they are)."""
    for namespace, _, _, saved, version in _SNAPSHOT.values():
        if version is None or version_of(namespace) != version:
            namespace.update(saved)


class Tampered(Exception):
    """The student's code replaced a function of Python, numpy or the grader."""


def _check_untouched(tuple=tuple, map=map, any=any, zip=zip, next=next, is_not=operator.is_not,
                     version_of=_VERSION):
    """Raise Tampered if a guarded name now stands for another object (a deleted one is put back later).
    Run twice per test case.  A module whose version did not change is not looked into; in one that
    changed, map() compares the names (1500 in all) in 0.1 ms, where a loop took 0.6 ms.  The functions it
    uses are bound when this module loads, so that answers replacing builtins.any or operator.is_not cannot
    turn the check off."""
    for name, (namespace, keys, values, _, version) in _SNAPSHOT.items():
        if version is not None and version_of(namespace) == version:
            continue
        try:
            current = tuple(map(namespace.__getitem__, keys))
        except KeyError:
            current = tuple(namespace.get(key, value) for key, value in zip(keys, values))
        if any(map(is_not, current, values)):
            key = next(k for k, now, then in zip(keys, current, values) if now is not then)
            raise Tampered(f"the answers replaced {name}.{key}: the grader does not run code that changes "
                           "Python's, numpy's or the tests' own functions")


# --- no plots while grading ----------------------------------------------------

class NoPlots:
    """Stands in for matplotlib: every attribute, call or item is another NoPlots; it is also a context
    manager and an empty iterable.  (unittest.mock's MagicMock would do, but importing it costs 45 ms of
    every submission's 0.45 s.)"""

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


# --- one exercise, in a child process ----------------------------------------

def _error(exc):
    """A student-facing description of an exception raised by the student's code."""
    if isinstance(exc, MemoryError):
        return "ran out of memory (MemoryError): the sandbox's memory limit was reached"
    if isinstance(exc, SystemExit):
        return f"called sys.exit({exc.code!r}) (or exit/quit): a graded function must return, not exit"
    if isinstance(exc, (engine.Mismatch, Tampered)):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno == 27:  # EFBIG: past RLIMIT_FSIZE on the output file
        return "printed more than the grader keeps (1 MB): remove the prints from the function"
    if isinstance(exc, NameError) and "get_ipython" in str(exc):
        return ("used get_ipython(), which does not exist when grading: answers must be plain Python "
                "(no IPython hooks or magics)")
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<answer")]
    where = f" (in {frames[-1].filename[1:-1]}, line {frames[-1].lineno})" if frames else ""
    return f"raised {type(exc).__name__}: {exc}{where}"[:2000]


def _child(task, base, index, out):
    limits = task["memory"], task["output"]
    resource.setrlimit(resource.RLIMIT_AS, (limits[0], limits[0]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits[1], limits[1]))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # printing past the cap fails with an OSError instead
    sink = os.open(f"/tmp/output-{index}.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(sink, 1)
    os.dup2(sink, 2)
    os.close(0)
    os.closerange(3, out.fileno())  # keep only the output file and the pipe back to the parent
    os.closerange(out.fileno() + 1, 1 << 16)
    _forbid_new_processes()

    exercise = task["exercises"][index]
    namespace = dict(base)
    reached = False
    for name, code in task["cells"]:  # the answers up to this exercise, as a notebook run would define them
        if code is not None:
            try:
                exec(compile(code, f"<answer cell {name}>", "exec"), namespace)
            except BaseException as exc:  # the student's code: anything may come out of it
                if name == exercise["name"]:
                    return {"error": f"the answer cell {_error(exc)}"}
        if name == exercise["name"]:
            reached = True
            break
    if not reached or exercise["name"] not in namespace:
        return {"error": f"`{exercise['name']}` is not defined: is its answer cell missing, or was the "
                         "name or the cell changed?"}
    try:
        _check_untouched()
    except Tampered as tampered:
        return {"error": str(tampered)}
    target = namespace[exercise["name"]]
    if exercise["kind"] == "value":
        return {"cases": [{"output": engine.encode(target)} for _ in exercise["cases"]]}
    try:
        engine.check_signature(exercise, target)
    except engine.Mismatch as exc:
        return {"error": str(exc)}
    results = []
    for case in exercise["cases"]:
        try:
            printed = engine.PrintSink()
            _check_untouched()
            got, after = engine.call_case(exercise, case, target, printed)
            _check_untouched()
            results.append({"output": engine.encode(got), "after": engine.encode(after), "printed": printed.count})
        except BaseException as exc:  # the student's code, or an output that cannot be sent back
            if isinstance(exc, TypeError) and "cannot store" in str(exc):
                results.append({"error": f"returned a value that is not a number, array, list, tuple or dict ({exc})"})
            else:
                results.append({"error": _error(exc)})
        _restore()
        out.write((json.dumps({"progress": len(results)}) + "\n").encode())
        if "error" in results[-1] and results[-1]["error"].startswith("the answers replaced"):
            return {"error": results[-1]["error"]}
    return {"cases": results}


def _run_child(task, base, index):
    """Fork a child for one exercise; return its result, or an error if it died or ran out of time."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        out = os.fdopen(write_end, "wb", buffering=0)
        try:
            try:
                result = _child(task, base, index, out)
            except BaseException as exc:
                _restore()  # the runner's own code failed: the student's changed its world
                result = {"error": f"the grader could not run it after the answers changed Python or numpy "
                                   f"({type(exc).__name__}: {str(exc)[:200]}): do not replace built-in or "
                                   "library functions"}
            _restore()
            out.write((json.dumps({"result": result}) + "\n").encode())
        finally:
            os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + task["seconds"]
    data, finished = b"", False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([read_end], [], [], left)
        if ready:
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                finished = True
                break
            data += chunk
            if len(data) > task["result"]:
                break
    if not finished:
        os.kill(pid, signal.SIGKILL)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    progress = 0
    for line in data.decode(errors="replace").splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict) and "result" in message:
            return message["result"]
        if isinstance(message, dict) and "progress" in message:
            progress = message["progress"]
    case = f"case {progress + 1}" if progress < len(task["exercises"][index].get("cases", [])) else "the end"
    if not finished and len(data) > task["result"]:
        return {"error": f"returned more data than the grader accepts ({task['result'] // 2**20} MB)"}
    if not finished:
        return {"error": f"did not finish within {task['seconds']} s (stopped during {case}): "
                         "an endless loop, or far too much work?"}
    if os.WIFSIGNALED(status):
        return {"error": f"the process running it was killed by signal {os.WTERMSIG(status)} during {case} "
                         "(out of memory, or a crash in compiled code)"}
    return {"error": f"the process running it exited during {case} (os._exit?) without a result"}


# --- the warm process: one sandbox grades submission after submission ----------

def _read_exactly(count):
    data = b""
    while len(data) < count:
        chunk = os.read(0, count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _receive():
    """One message from the grader: an 8-byte length, then that many bytes of JSON; None at the end."""
    header = _read_exactly(8)
    body = _read_exactly(int.from_bytes(header, "big")) if header else None
    return None if body is None else json.loads(body)


def _send(message):
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(1, data):]


_END = 3  # the exit status of a child that found no more tasks


def _grade_one(base, exercises):
    """In a fresh child of the warm process: read one task, grade its exercises, write their results."""
    task = _receive()
    if task is None:
        os._exit(_END)
    task["exercises"] = exercises  # decoded once, with the setup
    os.dup2(os.open("/dev/null", os.O_RDONLY), 0)  # what comes next on this pipe is another submission's
    for index, exercise in enumerate(task["exercises"]):
        result = _run_child(task, base, index)
        # Rebuilt key by key: the answers can write anything on their pipe, and must not be able to pass
        # on a line of this process's own (such as {"done": ...}).
        if isinstance(result, dict) and isinstance(result.get("cases"), list):
            _send({"exercise": exercise["name"], "cases": result["cases"]})
        else:
            error = result.get("error") if isinstance(result, dict) else None
            _send({"exercise": exercise["name"], "error": error if isinstance(error, str) else
                   "sent back a malformed result (did the code write on the grader's own pipe?)"})
    os._exit(0)


def _leftovers():
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


def serve():
    """Read the assignment's setup, run its code once, then grade each task sent, each in a child of this
    process, so that Python, numpy and the setup are loaded once per sandbox, not once per submission.

    Between submissions nothing may remain: the child and its exercise processes must be gone (the
    exercise processes cannot create others), /tmp is emptied, and no IPC object may exist; if anything
    is left, this process ends, and the sandbox with it (the grader starts a new one). This process is
    not dumpable, so the answers cannot reach its pipes through /proc. After each task it writes
    {"done": {"exit": code} or {"signal": number}, "left": [...]}.
    """
    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0; inherited by every child
    # Answers draw nothing while graded: matplotlib is replaced by an object that accepts every call,
    # which also saves the second its import takes.
    plots = NoPlots("matplotlib")
    sys.modules.update({"matplotlib": plots, "matplotlib.pyplot": plots.pyplot})
    setup = _receive()
    if setup is None:  # closed before it was started
        os._exit(0)
    base = {"__name__": "__main__"}
    exec(compile(setup["code"], "<setup>", "exec"), base)  # the assignment's imports: ours, not the student's
    _take_snapshot()
    _seccomp_filter()
    sys.stdout.flush()
    _send({"ready": True})
    while True:
        pid = os.fork()
        if pid == 0:
            try:
                _grade_one(base, setup["exercises"])
            except BaseException:  # a fault of the runner's own: say where, on the sandbox's stderr
                traceback.print_exc()
            finally:
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == _END:
            os._exit(0)  # no more submissions: nothing to clean up in a sandbox that ends
        left = _leftovers()
        done = {"exit": os.WEXITSTATUS(status)} if os.WIFEXITED(status) else {"signal": os.WTERMSIG(status)}
        _send({"done": done, "left": left})
        if left:
            return


if __name__ == "__main__":
    serve()
