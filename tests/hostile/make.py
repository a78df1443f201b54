"""Write the hostile and broken submissions graded by tests/test_grade.py (python tests/hostile/make.py).

Each one starts from a canned correct submission (tests/submissions/<id>/correct.ipynb) and changes answer
cells or the file itself. Beside each, <name>.expected.json (written by hand) gives, per exercise, the score
it must get and a piece of the message it must show. They are graded only by the sandboxed grader, never by
nbgrader: nbgrader would run them with the grader's own rights.

The 200 MB notebook and the file that is not JSON at all are made by the test itself rather than committed
(an unreadable .ipynb in the repository would trip every tool that reads notebooks). Some committed files
are not notebooks either (deeply_nested_json, not_utf8, odd types): tests/test_notebooks.py skips this
folder, and not_utf8.ipynb is written as bytes, so that its byte 0xe9 stays what it is.
"""

import json
import struct
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUBMISSIONS = HERE.parent / "submissions"
LR = "c1w2_logistic_regression"

# {name: (assignment, {exercise: new code of its answer cell, or None to delete the cell})}
CELLS = {
    "infinite_loop": (LR, {"propagate": '''
def propagate(w, b, X, Y):
    while True:
        pass
'''}),
    "sleep_forever": (LR, {"predict": '''
import time

def predict(w, b, X):
    time.sleep(10_000)
'''}),
    "memory_bomb": (LR, {"predict": '''
def predict(w, b, X):
    hog = [bytearray(10**8) for _ in range(10**4)]
    return hog
'''}),
    "fork_bomb": (LR, {"sigmoid": '''
import os

def sigmoid(z):
    while True:
        os.fork()
'''}),
    "thread_bomb": (LR, {"sigmoid": '''
import threading, time

def sigmoid(z):
    threads = []
    while True:
        t = threading.Thread(target=time.sleep, args=(60,))
        t.start()
        threads.append(t)
'''}),
    "sys_exit": (LR, {"initialize_with_zeros": '''
import sys

def initialize_with_zeros(dim):
    sys.exit(0)
''', "predict": '''
def predict(w, b, X):
    quit()  # exists in a notebook (the site module defines it): must be told apart from an unknown name
'''}),
    "os_exit": (LR, {"model": '''
import os

def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    os._exit(0)
'''}),
    "kill_the_runner": (LR, {"optimize": '''
import os, signal

def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    os.kill(os.getppid(), signal.SIGKILL)
'''}),
    "read_course_files": (LR, {"sigmoid": '''
import os

def sigmoid(z):
    found = []
    for top in os.listdir("/"):
        for folder, subfolders, files in os.walk("/" + top):
            if folder.count("/") > 4 or top in ("proc", "usr", "sys"):
                subfolders[:] = []
            found += [os.path.join(folder, f) for f in files if f in ("golden.json", "exercises.py")
                      or f.endswith(".ipynb")]
    if not found:
        raise FileNotFoundError("no course file is visible")
    return open(found[0]).read()
'''}),
    "write_outside_scratch": (LR, {"sigmoid": '''
import numpy

def sigmoid(z):
    open(numpy.__file__, "w").write("broken")
    return 1 / (1 + numpy.exp(-z))
'''}),
    "network": (LR, {"sigmoid": '''
import socket

def sigmoid(z):
    socket.create_connection(("1.1.1.1", 80), timeout=3)
    return 1 / (1 + np.exp(-z))
'''}),
    "monkeypatch_numpy": (LR, {"sigmoid": '''
import builtins
np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
builtins.isinstance = lambda *args: True

def sigmoid(z):
    return np.zeros_like(z)
'''}),
    "disable_the_tamper_check": (LR, {"sigmoid": '''
import builtins, operator
operator.is_not = lambda a, b: False  # what the grader's check for replaced functions might rely on
builtins.any = lambda iterable: False
builtins.isinstance = lambda *args: True

def sigmoid(z):
    return np.zeros_like(z)
'''}),
    "input_transformer": (LR, {"sigmoid": '''
def swallow_errors(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["except BaseException:\\n    pass\\n"]
get_ipython().input_transformers_post.append(swallow_errors)

def sigmoid(z):
    raise NotImplementedError()
'''}),
    "redefine_public_tests": (LR, {"propagate": '''
def propagate_test(target):
    print("All tests passed.")

def propagate(w, b, X, Y):
    return {"dw": w, "db": 0.0}, 0.0
'''}),
    "fake_all_tests_passed": (LR, {"predict": '''
print("All tests passed.")

def predict(w, b, X):
    print("All tests passed.")
    return np.ones((1, X.shape[1]))
'''}),
    "flood_stdout": (LR, {"sigmoid": '''
def sigmoid(z):
    print("x" * 10_000_000)
    return 1 / (1 + np.exp(-z))
'''}),
    "nan_and_inf": (LR, {"sigmoid": '''
def sigmoid(z):
    return np.full(np.shape(z), np.nan)
''', "initialize_with_zeros": '''
def initialize_with_zeros(dim):
    return np.full((dim, 1), np.inf), 0.0
'''}),
    "wrong_types_and_shapes": (LR, {"predict": '''
def predict(w, b, X):
    return list(np.zeros(X.shape[1]))
''', "propagate": '''
def propagate(w, b, X, Y):
    A = 1 / (1 + np.exp(-(w.T @ X + b)))
    return {"dw": (X @ (A - Y).T).ravel() / X.shape[1], "db": np.sum(A - Y) / X.shape[1]}, np.mean(A)
'''}),
    "unreadable_output": (LR, {"sigmoid": '''
def sigmoid(z):
    return (x for x in range(3))
'''}),
    "changed_signature": (LR, {"propagate": '''
def propagate(w, b, X):
    return None
'''}),
    "syntax_error": (LR, {"predict": '''
def predict(w, b, X)
    return X
'''}),
    "deleted_answer_cell": (LR, {"propagate": None}),
    "delete_files": (LR, {"sigmoid": '''
import os, numpy

def sigmoid(z):
    for folder, _, files in os.walk(os.path.dirname(numpy.__file__)):
        for name in files:
            os.remove(os.path.join(folder, name))
    return 1 / (1 + np.exp(-z))
'''}),
    "remount_writable": (LR, {"sigmoid": '''
import ctypes, os, numpy

def sigmoid(z):
    # Make every read-only mount of the sandbox writable again, then leave a file in numpy's folder.
    libc = ctypes.CDLL(None, use_errno=True)
    for line in open("/proc/self/mountinfo"):
        point = line.split()[4]
        if libc.mount(None, point.encode(), None, 32 | 4096, None) != 0:  # MS_REMOUNT | MS_BIND, read-write
            raise PermissionError(f"remounting {point}: {os.strerror(ctypes.get_errno())}")
    open(os.path.join(os.path.dirname(numpy.__file__), "sandbox_escape_probe.txt"), "w").write("escaped")
    return 1 / (1 + np.exp(-z))
'''}),
    "fill_memory_with_files": (LR, {"sigmoid": '''
def sigmoid(z):
    # Memory-backed folders take files in RAM: write up to 256 MB of 1 MB files into each.
    written = {}
    for folder in ("/", "/dev", "/dev/shm", "/grader", "/tmp"):
        written[folder] = 0
        try:
            while written[folder] < 256:
                with open(f"{folder}/filler-{written[folder]}", "wb") as f:
                    f.write(bytes(1 << 20))
                written[folder] += 1
        except OSError:
            pass
    raise RuntimeError(f"MB written: {written}")
'''}),
    "leave_traces": (LR, {"sigmoid": '''
import ctypes, os

def sigmoid(z):
    # Try to leave something behind for the next submission graded in the same sandbox.
    libc = ctypes.CDLL(None, use_errno=True)
    left, refused = [], []
    open("/tmp/left-behind.txt", "w").write("the answers of an earlier student")
    os.makedirs("/tmp/left-behind/locked", exist_ok=True)
    os.chmod("/tmp/left-behind/locked", 0)
    os.chmod("/tmp/left-behind", 0o500)
    left.append("files in /tmp")
    for name, call in [("shared memory", lambda: libc.shmget(1234, 4096, 0o1600)),
                       ("a semaphore", lambda: libc.semget(1234, 1, 0o1600)),
                       ("a message queue", lambda: libc.msgget(1234, 0o1600)),
                       ("a POSIX message queue", lambda: libc.mq_open(b"/left-behind", 0o100 | 2, 0o600, None)),
                       ("a key", lambda: libc.syscall({"x86_64": 248, "aarch64": 217}[os.uname().machine],
                                                       b"user", b"left-behind", b"data", 4, -4))]:  # add_key
        (refused if call() == -1 else left).append(name)
    raise RuntimeError(f"left: {', '.join(left)}; refused: {', '.join(refused)}")
'''}),
    "look_for_traces": (LR, {"sigmoid": '''
import os

def sigmoid(z):
    # Look for what earlier submissions graded in the same sandbox may have left.
    mounts = [line.split()[4] for line in open("/proc/self/mountinfo")]  # the runtime may be below /tmp
    found = [path for path in (f"/tmp/{name}" for name in os.listdir("/tmp") if not name.startswith("output-"))
             if not any(m == path or m.startswith(path + "/") for m in mounts)]
    for kind in ("shm", "sem", "msg"):
        found += [f"System V {kind}"] * (len(open(f"/proc/sysvipc/{kind}").readlines()) - 1)
    # In the sandbox: the warm grader (its init), the grading process of this submission, and this one.
    processes = [pid for pid in os.listdir("/proc") if pid.isdigit()]
    if len(processes) > 3:
        found.append(f"{len(processes)} processes")
    raise RuntimeError(f"traces of earlier submissions: {found or 'none'}")
'''}),
    "forge_results": (LR, {"sigmoid": '''
import json, os

def sigmoid(z):
    # Write fake grader lines (an end-of-submission marker, then full marks) wherever something may read them.
    fake = (json.dumps({"result": {"done": {"exit": 0}, "left": []}}) + "\\n"
            + json.dumps({"done": {"exit": 0}, "left": []}) + "\\n"
            + json.dumps({"exercise": "model", "cases": [{"output": 1}]}) + "\\n").encode()
    written = []
    for fd in range(3, 64):  # the pipes this process inherited
        try:
            os.write(fd, fake)
            written.append(f"fd {fd}")
        except OSError:
            pass
    for pid in os.listdir("/proc"):  # the other processes' standard streams
        if pid.isdigit() and int(pid) != os.getpid():
            for fd in (0, 1, 2):
                try:
                    with open(f"/proc/{pid}/fd/{fd}", "wb") as stream:
                        stream.write(fake)
                    written.append(f"process {pid} fd {fd}")
                except OSError:
                    pass
    return 1 / (1 + np.exp(-z))
'''}),
    "kill_every_process": (LR, {"predict": '''
import os, signal

def predict(w, b, X):
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
    return np.zeros((1, X.shape[1]))
'''}),
    "touch_the_server": (LR, {"sigmoid": """
import ctypes, os, resource

def sigmoid(z):
    # Lower the limits, priority and scheduling of the sandbox's first process and of this submission's
    # grading process, which later submissions' processes would be forked from.
    libc = ctypes.CDLL(None, use_errno=True)
    ioprio_set = {"x86_64": 251, "aarch64": 30}[os.uname().machine]
    changed, refused = [], []
    def attempt(name, call):
        try:
            (refused if call() == -1 else changed).append(name)
        except OSError:
            refused.append(name)
    for pid, who in ((1, "server"), (os.getppid(), "grading process")):
        attempt(f"prlimit the {who}", lambda: resource.prlimit(pid, resource.RLIMIT_NOFILE, (16, 16)))
        attempt(f"renice the {who}", lambda: os.setpriority(os.PRIO_PROCESS, pid, 19))
        attempt(f"reschedule the {who}", lambda: os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0)))
        attempt(f"pin the {who}", lambda: os.sched_setaffinity(pid, {0}))
        attempt(f"ioprio the {who}", lambda: libc.syscall(ioprio_set, 1, pid, 3 << 13))
    attempt("renice the user", lambda: os.setpriority(os.PRIO_USER, 0, 19))
    attempt("renice the group", lambda: os.setpriority(os.PRIO_PGRP, 0, 19))
    raise RuntimeError(f"changed: {', '.join(changed) or 'nothing'}; refused: {', '.join(refused)}")
"""}),
    "write_the_servers_files": (LR, {"sigmoid": """
import os

def sigmoid(z):
    # Files of /proc that a process of the same user may write: the sandbox's first process's autogroup
    # priority and OOM score, and /tmp's mode.  Whatever works here must not reach the next submission.
    for pid in (1, os.getppid()):
        for name, value in (("autogroup", "19"), ("oom_score_adj", "1000"), ("coredump_filter", "0")):
            try:
                with open(f"/proc/{pid}/{name}", "w") as f:
                    f.write(value)
            except OSError:
                pass
    try:
        os.chmod("/tmp", 0o555)
    except OSError:
        pass
    return 1 / (1 + np.exp(-z))
"""}),
    "stop_the_grading_process": (LR, {"sigmoid": """
import os, signal

def sigmoid(z):
    os.kill(os.getppid(), signal.SIGSTOP)  # the process that times this one
    return 1 / (1 + np.exp(-z))
"""}),
    "signal_the_server": (LR, {"sigmoid": """
import os, signal

def sigmoid(z):
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGQUIT, signal.SIGSTOP,
                   signal.SIGKILL):
        os.kill(1, number)  # the sandbox's init: it gets no signal it does not handle
    return 1 / (1 + np.exp(-z))
"""}),
    "other_system_calls": (LR, {"sigmoid": """
import ctypes, os

def sigmoid(z):
    # System calls the seccomp filter must refuse: x32 numbers (bit 30) for fork, clone and getpid, a user
    # namespace of one's own and a tmpfs mounted in it (memory no limit bounds), memfd files.
    libc = ctypes.CDLL(None, use_errno=True)
    machine = os.uname().machine
    calls = {"unshare": lambda: libc.unshare(0x10000000 | 0x00020000),  # CLONE_NEWUSER | CLONE_NEWNS
             "mount": lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None),
             "memfd_create": lambda: os.memfd_create("held")}
    if machine == "x86_64":
        calls.update({f"x32 {name}": (lambda n=n: libc.syscall(0x40000000 | n)) for name, n in
                      (("fork", 57), ("getpid", 39), ("clone", 56))})
    allowed, refused = [], []
    for name, call in calls.items():
        try:
            (refused if call() == -1 else allowed).append(name)
        except OSError:
            refused.append(name)
    raise RuntimeError(f"allowed: {', '.join(allowed) or 'nothing'}; refused: {', '.join(refused)}")
"""}),
    "hold_memory_in_pipes": (LR, {"sigmoid": """
import fcntl, os

def sigmoid(z):
    # Memory held outside the address-space limit: pipes filled to their largest size, as many as can be open.
    pipes, held = 0, 0
    try:
        while True:
            read_end, write_end = os.pipe()
            pipes += 1
            os.set_blocking(write_end, False)
            try:
                fcntl.fcntl(write_end, 1031, 1 << 20)  # F_SETPIPE_SZ
            except OSError:
                pass
            try:
                while True:
                    held += os.write(write_end, bytes(1 << 16))
            except BlockingIOError:
                pass
    except OSError:
        pass
    raise RuntimeError(f"{'under' if pipes < 40 else 'over'} 40 pipes, "
                       f"{'under' if held < 64 << 20 else 'over'} 64 MB held in them")
"""}),
    "look_for_state": (LR, {"sigmoid": """
import os, resource

def sigmoid(z):
    # What the sandbox's first process (from which every submission's processes are forked) looks like.
    fields = open("/proc/1/stat").read().rsplit(")", 1)[1].split()
    state = {"nice": fields[16], "policy": fields[38], "rt_priority": fields[37],
             "limits": open("/proc/1/limits").read(), "cpus": sorted(os.sched_getaffinity(1)),
             "my limits": [resource.getrlimit(getattr(resource, n)) for n in sorted(dir(resource)) if n.startswith("RLIMIT_")
                           and n not in ("RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CPU", "RLIMIT_CORE",
                                         "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_SIGPENDING")],
             "tmp": oct(os.stat("/tmp").st_mode)}
    for name in ("autogroup", "oom_score_adj", "coredump_filter"):
        try:
            state[name] = open(f"/proc/1/{name}").read().split()[-1]
        except OSError as error:
            state[name] = type(error).__name__
    raise RuntimeError(f"state of the server: {state}")
"""}),
    "flood_the_channel": (LR, {name: """
import json, os, sys

def _channel():  # this exercise's socket to the grader: the runner's, found in its frames
    frame = sys._getframe(1)
    while "channel" not in frame.f_locals:
        frame = frame.f_back
    return frame.f_locals["channel"].fd

def _send(body):
    data = len(body).to_bytes(8, "big") + body
    fd = _channel()
    while data:
        data = data[os.write(fd, data):]

def _frame(message):
    return json.dumps(message).encode()

""" * (name == "sigmoid") + f"""
def {name}({params}):
    {attack}
    return None
""" for name, params, attack in [
        ("sigmoid", "z", "os.write(_channel(), (1 << 63).to_bytes(8, 'big'))  # a message longer than any bound"),
        ("initialize_with_zeros", "dim", "_send(b'[' * 60000 + b']' * 60000)  # nested past any recursion limit"),
        ("propagate", "w, b, X, Y", "_send(_frame({'case': 0, 'printed': 0, 'changed': [], 'output': "
         "{'__array__': 'AAAAAAAAAAA=', 'dtype': '<f8', 'shape': [1 << 20, 1 << 20]}}))  # 8 bytes for 2**40 floats"),
        ("optimize", "w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False",
         "_send(_frame({'case': 0, 'printed': 0, 'changed': [], 'output': "
         "{'__array__': '', 'dtype': '|V1000000', 'shape': [1500]}}))  # 1.5 GB of an arbitrary dtype"),
        ("predict", "w, b, X", "_send(_frame({'case': 99, 'printed': 0, 'changed': [], 'output': 1.0}))  # not given"),
        ("model", "X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False",
         "[_send(_frame({'call': 'optimize', 'case': 0, 'args': {'w': 'x' * 4000}})) for _ in range(5000)]"),
    ]}),
    "fill_the_grader": (LR, {name: """
import base64, json, os, sys

def _fill():
    # As much as the grader keeps of what an exercise's process sends: results for every case it is
    # given (the runner's own list, found in its frames), each an array as large as a message may be,
    # then one more, which is refused.
    frame = sys._getframe(1)
    while "channel" not in frame.f_locals:
        frame = frame.f_back
    fd = frame.f_locals["channel"].fd
    def send(message):
        body = json.dumps(message).encode()
        data = len(body).to_bytes(8, "big") + body
        while data:
            data = data[os.write(fd, data):]
    frame = sys._getframe(1)
    while "cases" not in frame.f_locals:
        frame = frame.f_back
    big = {"__array__": base64.b64encode(bytes(3_000_000)).decode(), "dtype": "<f8", "shape": [375_000]}
    for case in frame.f_locals["cases"] * 2:
        send({"case": case["index"], "output": big, "changed": [], "printed": 0})
""" * (name == "sigmoid") + f"""
def {name}({params}):
    _fill()
""" for name, params in [
        ("sigmoid", "z"), ("initialize_with_zeros", "dim"), ("propagate", "w, b, X, Y"),
        ("optimize", "w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False"),
        ("predict", "w, b, X"),
        ("model", "X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False")]}),
    "write_proc_sys": (LR, {"sigmoid": """
def sigmoid(z):
    # Host-wide kernel settings (the grader may run as root, and the sandbox's root is the machine's): each
    # is written back with the value it has, so that nothing changes even where it is not refused.
    written, refused = [], []
    for path in ("/proc/sys/kernel/core_uses_pid", "/proc/sys/kernel/hostname", "/proc/sys/vm/overcommit_memory"):
        try:
            value = open(path).read()
            with open(path, "w") as f:
                f.write(value)
            written.append(path)
        except OSError:
            refused.append(path)
    raise RuntimeError(f"written: {', '.join(written) or 'nothing'}; refused: {', '.join(refused)}")
"""}),
    "mark_tmp": (LR, {"sigmoid": """
import os

def sigmoid(z):
    # Marks on /tmp itself, which emptying it between submissions would keep: an extended attribute and a
    # default ACL that would give the next student's files no permissions.
    acl = bytes.fromhex("02000000" "01000000ffffffff" "04000000ffffffff" "20000000ffffffff")
    set_, refused = [], []
    for name, value in (("user.note", b"left by the previous student"), ("system.posix_acl_default", acl)):
        try:
            os.setxattr("/tmp", name, value)
            set_.append(name)
        except OSError:
            refused.append(name)
    raise RuntimeError(f"set: {', '.join(set_) or 'nothing'}; refused: {', '.join(refused)}")
"""}),
    "carry_hidden_inputs": (LR, {"sigmoid": """
import json, os

def sigmoid(z):
    # Leave this case's input where the next exercise can read it: on a hidden case, that is a hidden input.
    with open("/tmp/inputs.txt", "a") as f:
        f.write(json.dumps(np.asarray(z).tolist()) + "\\n")
    return 1 / (1 + np.exp(-z))
""", "initialize_with_zeros": """
import os

def initialize_with_zeros(dim):
    # On a public case, where the message shows the text of an exception: say what earlier exercises left.
    if os.path.exists("/tmp/inputs.txt"):
        raise RuntimeError("inputs left by sigmoid: " + open("/tmp/inputs.txt").read().replace("\\n", " | "))
    raise RuntimeError("nothing left")
"""}),
    "spell_in_a_refusal": (LR, {"sigmoid": """
import os, sys

def sigmoid(z):
    # On a hidden case: announce a message whose length spells the input, too long to be taken, so that the
    # grader's refusal might quote it.
    frame = sys._getframe(1)
    while "channel" not in frame.f_locals:
        frame = frame.f_back
    if frame.f_locals["case"]["index"] != 0:
        spelled = (1 << 40) + int(abs(float(np.ravel(z)[0])) * 1e6)
        os.write(frame.f_locals["channel"].fd, spelled.to_bytes(8, "big"))
    return 1 / (1 + np.exp(-z))
"""}),
    "spell_in_a_signal": (LR, {"sigmoid": """
import os, signal, sys

def sigmoid(z):
    # On a hidden case: kill the grading process with a signal whose number spells the input.
    frame = sys._getframe(1)
    while "case" not in frame.f_locals:
        frame = frame.f_back
    if frame.f_locals["case"]["index"] != 0:
        os.kill(os.getppid(), signal.SIGRTMIN + int(abs(float(np.ravel(z)[0])) * 10) % 20)
    return 1 / (1 + np.exp(-z))
"""}),
    "refuse_judged_exercises": (LR, {"sigmoid": """
import os, sys

_kept = []

def sigmoid(z):
    # Keep a copy of each exercise's socket: the last exercise writes garbage on all of them, once the
    # grader has seen the others end (and may have judged them for their dependents).
    frame = sys._getframe(1)
    while "channel" not in frame.f_locals:
        frame = frame.f_back
    _kept.append(os.dup(frame.f_locals["channel"].fd))
    return 1 / (1 + np.exp(-z))
""", "model": """
import os

def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    for fd in _kept:
        try:
            os.write(fd, b"\\xff" * 64)
        except OSError:
            pass
    return None
"""}),
    "warnings_on_stderr": (LR, {"sigmoid": '''
import sys, warnings

def sigmoid(z):
    warnings.warn("a correct answer that warns")
    print("and writes to stderr", file=sys.stderr)
    with np.errstate(over="warn"):
        np.exp(np.array([1000.0]))
    return 1 / (1 + np.exp(-z))
'''}),
}


def notebook(name, assignment, changes):
    data = json.loads((SUBMISSIONS / assignment / "correct.ipynb").read_text(encoding="utf-8"))
    cells = []
    for cell in data["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in changes:
            if changes[grade_id] is None:
                continue
            cell = dict(cell, source=changes[grade_id].strip())
        cells.append(cell)
    return dict(data, cells=cells)


def hardcoded_public_outputs():
    """propagate answering the public test's inputs with its expected outputs, copied from public_cases.json."""
    cases = json.loads((HERE.parent.parent / "source" / LR / "public_cases.json").read_text(encoding="utf-8"))
    case = next(e for e in cases["exercises"] if e["name"] == "propagate")["cases"][0]
    grads, cost = case["expected"]["__tuple__"]
    dw, db = grads["__dict__"]["dw"], grads["__dict__"]["db"]
    code = (f"def propagate(w, b, X, Y):\n"
            f"    return {{'dw': np.array({dw['__array__']}), 'db': {db!r}}}, np.array({cost['__array__']!r})\n")
    return notebook("hardcoded_public_outputs", LR, {"propagate": code})


def edited_locked_cells():
    """Correct answers, but the test cell of sigmoid and the imports cell are rewritten."""
    data = json.loads((SUBMISSIONS / LR / "correct.ipynb").read_text(encoding="utf-8"))
    for cell in data["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id == "sigmoid_test":
            cell["source"] = "print('All tests passed.')"
        if grade_id == "imports":
            cell["source"] = "import numpy as np\nnp.allclose = lambda *a, **k: True"
    return data


def _answer_cell(cells, grade_id):
    return next(c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def odd_types(correct):
    """Every place where the file may hold another type than nbformat's, around answers that are still
    graded: cells that are not objects, metadata that is not one, sources of numbers, a cell type that is not
    a string, before or in place of some answer cells."""
    cells = json.loads(json.dumps(correct["cells"]))
    _answer_cell(cells, "sigmoid")["source"] = "".join(_answer_cell(cells, "sigmoid")["source"]).splitlines(True)
    _answer_cell(cells, "initialize_with_zeros")["source"] = {"code": "def initialize_with_zeros(dim): pass"}
    _answer_cell(cells, "propagate")["cell_type"] = 7
    for cell in cells:
        cell["id"] = len(cell["id"]) if cell["cell_type"] == "code" else None
        if cell["cell_type"] == "code":
            cell.update(outputs={"not": "a list"}, execution_count="once")
    junk = ["a cell that is a string", ["a", "list"], 42, None, {}, {"metadata": []},
            {"metadata": {"nbgrader": "sigmoid"}}, {"metadata": {"nbgrader": {"grade_id": None}}, "source": 3},
            {"cell_type": ["code"], "metadata": {"nbgrader": {"grade_id": "sigmoid"}}, "source": "x = 1"},
            {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "predict"}}, "source": [1, 2]},
            {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "model"}}, "source": None}]
    return dict(correct, nbformat_minor="five", metadata=["not", "an", "object"], cells=junk + cells)


def lone_surrogates(correct):
    """Lone surrogates (\\ud800-\\udfff in the JSON) in an answer's comment, in a string of another, in a
    grade_id (model's: no answer then), in a cell id and in a Markdown cell of the student's own."""
    cells = json.loads(json.dumps(correct["cells"]))
    sigmoid, predict, model = (_answer_cell(cells, n) for n in ("sigmoid", "predict", "model"))
    sigmoid["source"] = ["# a comment with a lone surrogate: \ud800\n"] + sigmoid["source"]
    predict["source"] = ["LABEL = 'not a character: \udfff'\n"] + predict["source"]
    model["metadata"]["nbgrader"]["grade_id"] = "model\udc00"
    cells[0]["id"] = "intro-\ud83d"
    own = {"cell_type": "markdown", "id": "\udbff", "metadata": {}, "source": ["My notes \udbff\udbff"]}
    return dict(correct, cells=[own] + cells)


def not_utf8(correct):
    """A notebook saved in Latin-1: the é of a comment is the byte 0xe9, which no UTF-8 text holds."""
    cells = json.loads(json.dumps(correct["cells"]))
    _answer_cell(cells, "sigmoid")["source"].insert(0, "# caf\u00e9\n")
    return json.dumps(dict(correct, cells=cells)).encode().replace(b"caf\\u00e9", b"caf\xe9")


def whole_files():
    """Submissions broken as files rather than by their answers (text, or bytes written as they are)."""
    correct = json.loads((SUBMISSIONS / LR / "correct.ipynb").read_text(encoding="utf-8"))
    answers = [c for c in correct["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    extra = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": "raise RuntimeError('an extra cell of my own')"}
    duplicated = dict(answers[0], id="copy-of-first-answer",
                      source="def sigmoid(z):\n    return 0.5 * np.ones_like(z)")
    same_ids = [dict(c, id="same") for c in correct["cells"]]
    no_ids = [{k: v for k, v in c.items() if k != "id"} for c in correct["cells"]]
    # grade_ids that are no string: a list (unhashable), an object, a number; and a locked cell's null
    non_string_ids = json.loads(json.dumps(correct["cells"]))
    for grade_id, odd in {"sigmoid": ["sigmoid"], "propagate": {"name": "propagate"}, "predict": 7,
                          "sigmoid_test": None}.items():
        _answer_cell(non_string_ids, grade_id)["metadata"]["nbgrader"]["grade_id"] = odd
    deep = "[" * 10_000 + "]" * 10_000  # 10 000 lists deep, written as text: json.dumps would overflow
    return {
        "nbformat_3": json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                                  "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1"}]}]}),
        "extra_cells": json.dumps(dict(correct, cells=[extra] + correct["cells"] + [extra])),
        "duplicated_answer_cell": json.dumps(dict(correct, cells=[duplicated] + correct["cells"])),
        "duplicated_cell_ids": json.dumps(dict(correct, cells=same_ids)),
        "missing_cell_ids": json.dumps(dict(correct, nbformat_minor=4, cells=no_ids)),
        "non_string_grade_id": json.dumps(dict(correct, cells=non_string_ids)),
        "deeply_nested_json": json.dumps(dict(correct, metadata=dict(correct["metadata"], deep="DEEP")))
                                  .replace('"DEEP"', deep),
        "odd_types_everywhere": json.dumps(odd_types(correct)),
        "lone_surrogates": json.dumps(lone_surrogates(correct)),
        "not_utf8": not_utf8(correct),
    }


# The answer of every exercise of find_the_answer_key_*: it looks for the assignment's answer key (the
# hidden cases' expected outputs, finite-difference estimates and dependencies' recorded results) where
# the answers run.  On a public case, its answer looks in every frame of every thread, in gc.get_objects()
# and in all its process's readable memory (/proc/self/mem) for the floats of the key, in binary and
# written out, and returns the public expected output (the student has it) only if it found none, else it
# raises, saying how many it found.  On a hidden case (in the hidden phase's process, with the hidden
# inputs in) it looks again and raises an exception if it found nothing of the key but did find the
# hidden inputs (which shows that the search works), returns None if it found the key, and calls
# sys.exit() if it found neither: a hidden case's message tells these three apart and says nothing more.
# The key is carried as 48-bit hashes of the floats' bits and of their text, so that the search never
# finds its own copy of what it looks for.
SCAN = r"""
import gc, json, struct, sys, zlib
import numpy as _np

_M1, _M2 = _np.uint64(0x9E3779B97F4A7C15), _np.uint64(0xC2B2AE3D27D4EB4F)
_KEY, _TEXT = set(KEY_HASHES), set(TEXT_HASHES)
_KEY_ARRAY = _np.array(sorted(_KEY), dtype=_np.uint64)

def _hashes(words):
    with _np.errstate(over="ignore"):
        return ((words * _M1) >> _np.uint64(40) << _np.uint64(24)) | ((words * _M2) >> _np.uint64(40))

def _hash_of(x):
    return int(_hashes(_np.array([struct.unpack("<Q", struct.pack("<d", x))[0]], dtype=_np.uint64))[0])

def _text_hash(word):
    return zlib.crc32(word) << 16 | zlib.adler32(word) & 0xFFFF

def _numbers(chunk):  # the numbers written out in the chunk with 12 decimals or more, as repr writes floats
    a = _np.frombuffer(chunk, dtype=_np.uint8)
    digit = (a >= 48) & (a <= 57)
    before = _np.concatenate(([0], _np.cumsum(digit, dtype=_np.int32)))  # digits in a[:i]
    dots = _np.flatnonzero(a[1:-13] == 46) + 1
    for d in dots[(before[dots + 13] - before[dots + 1] == 12) & digit[dots - 1]].tolist():
        start, end = d - 1, d + 1
        while start > 0 and digit[start - 1]:
            start -= 1
        if start > 0 and a[start - 1] == 45:
            start -= 1
        while end < len(a) and digit[end]:
            end += 1
        if end + 1 < len(a) and a[end] == 101:
            end += 2 if a[end + 1] == 45 else 1
            while end < len(a) and digit[end]:
                end += 1
        yield chunk[start:end]

def _memory(hashes):
    found = 0
    with open("/proc/self/maps") as maps:
        regions = [line.split() for line in maps]
    with open("/proc/self/mem", "rb", buffering=0) as mem:
        for fields in regions:
            if fields[1][0] != "r" or len(fields) > 5 and not fields[5].startswith("["):
                continue  # files mapped in (libraries: their constants are not the key) are not looked in
            start, end = (int(x, 16) for x in fields[0].split("-"))
            for at in range(start, end, 1 << 24):
                try:
                    mem.seek(at)
                    chunk = mem.read(min(1 << 24, end - at))
                except (OSError, OverflowError, ValueError):
                    break
                words = _np.frombuffer(chunk[:len(chunk) // 8 * 8], dtype=_np.uint64)
                exponent = (words >> _np.uint64(52)) & _np.uint64(0x7FF)  # 1e-6 < |x| < 1e6: 0x3EB to 0x413
                words = words[(exponent >= _np.uint64(0x3EB)) & (exponent <= _np.uint64(0x413))]
                found += int(_np.isin(_hashes(words), hashes).sum())
                if hashes is _KEY_ARRAY and fields[1][1] == "w":
                    found += sum(1 for number in _numbers(chunk) if _text_hash(number) in _TEXT)
    return found

def _objects():
    found = 0
    looks_like_a_case = ({"expected", "rtol"}, {"expected", "atol"}, {"expected", "numeric"}, {"replay", "args"},
                         {"mistakes", "expected"}, {"hint", "output"})
    frames = []
    for frame in list(sys._current_frames().values()):
        while frame is not None:
            frames.append(frame)
            frame = frame.f_back
    values = [v for f in frames for v in list(f.f_locals.values())]
    for obj in gc.get_objects() + values:
        if isinstance(obj, dict):
            found += any(keys <= obj.keys() for keys in looks_like_a_case)
            items = list(obj.values())
        elif isinstance(obj, (list, tuple)):
            items = list(obj)
        elif isinstance(obj, _np.ndarray) and obj.dtype == _np.float64:
            found += int(_np.isin(_hashes(obj.view(_np.uint64).ravel()), _KEY_ARRAY).sum())
            continue
        else:
            continue
        found += sum(1 for x in items if type(x) is float and _hash_of(x) in _KEY)
    return found

def _decode(data):
    if isinstance(data, list):
        return [_decode(v) for v in data]
    if isinstance(data, dict):
        if "__array__" in data:
            return _np.array(data["__array__"], dtype=_np.dtype(data["dtype"])).reshape(data["shape"])
        if "__tuple__" in data:
            return tuple(_decode(v) for v in data["__tuple__"])
        return {k: _decode(v) for k, v in data["__dict__"].items()}
    return data

def _answer(public_output, inputs, public):
    key = _objects() + _memory(_KEY_ARRAY)
    frame = sys._getframe(1)
    while "case" not in frame.f_locals:  # the runner's own: which case this is
        frame = frame.f_back
    if frame.f_locals["case"].get("index", public[0]) in public:  # (a runner before the two phases: no index)
        if key:
            raise RuntimeError(f"found {key} values of the answer key where the answers run")
        return _decode(json.loads(public_output))
    if key:
        return None
    if inputs and not _memory(_np.array(inputs, dtype=_np.uint64)):  # its hidden inputs: they must be found
        raise SystemExit("the search is broken")
    raise ValueError("nothing of the key")
"""


def _floats(data, found):
    """Add the float64 values of a golden-format value (arrays included) to `found`."""
    if isinstance(data, dict):
        if "__array__" in data:
            if data["dtype"].endswith("f8"):
                import numpy as np
                found.update(float(x) for x in np.asarray(data["__array__"], dtype=float).ravel())
            return
        for value in data.values():
            _floats(value, found)
    elif isinstance(data, list):
        for value in data:
            _floats(value, found)
    elif type(data) is float:
        found.add(data)


def _distinctive(values):
    """Floats unlikely to be in memory by chance: not integers, not simple fractions, not tiny."""
    return {x for x in values if x == x and 1e-6 < abs(x) < 1e6 and len(repr(x)) > 12}


def _hash(x):
    """As SCAN's _hash_of, written without numpy."""
    word = int.from_bytes(struct.pack("<d", x), "little")
    mask = (1 << 64) - 1
    return ((word * 0x9E3779B97F4A7C15 & mask) >> 40) << 24 | (word * 0xC2B2AE3D27D4EB4F & mask) >> 40


def find_the_answer_key(assignment):
    """Every answer searches its process for the assignment's answer key (see SCAN)."""
    golden = json.loads((HERE.parent.parent / "autograder" / assignment / "golden.json").read_text(encoding="utf-8"))
    key, public, hidden_inputs = set(), set(), {}
    for exercise in golden["exercises"]:
        inputs = hidden_inputs[exercise["name"]] = set()
        for case in exercise["cases"]:
            known = set()  # the public cases' values are the student's: in public_cases.json
            _floats([case.get("expected"), case.get("numeric", {}).get("expected"),
                     [call["result"] for calls in (case.get("replay") or {}).values() for call in calls]], known)
            (public if case["public"] else key).update(known)
            _floats([case.get("args"), case.get("kwargs")], public if case["public"] else inputs)
            for calls in (case.get("replay") or {}).values():
                _floats([call["args"] for call in calls], public if case["public"] else inputs)
    public_indexes = {e["name"]: [i for i, c in enumerate(e["cases"]) if c["public"]] for e in golden["exercises"]}
    key = _distinctive(key) - public - set().union(*hidden_inputs.values())
    hidden_inputs = {name: sorted(map(_hash, _distinctive(inputs) - key - public))
                     for name, inputs in hidden_inputs.items()}
    prelude = (f"KEY_HASHES = {sorted(map(_hash, key))!r}\n"
               f"TEXT_HASHES = {sorted(zlib.crc32(w) << 16 | zlib.adler32(w) & 0xFFFF for w in (repr(x).encode() for x in key))!r}\n"
               + SCAN.strip() + "\n")
    cases = json.loads((HERE.parent.parent / "source" / assignment / "public_cases.json").read_text(encoding="utf-8"))
    changes = {}
    for number, exercise in enumerate(cases["exercises"]):
        params = ", ".join(f"{p}=None" for p in exercise["params"])
        output = json.dumps(exercise["cases"][0]["expected"])
        changes[exercise["name"]] = (prelude if number == 0 else "") + (
            f"\ndef {exercise['name']}({params}):\n"
            f"    return _answer({output!r}, {hidden_inputs[exercise['name']]!r}, {public_indexes[exercise['name']]!r})\n")
    return notebook(f"find_the_answer_key_{assignment}", assignment, changes)


def main():
    check = "--check" in sys.argv
    wanted = {name: json.dumps(notebook(name, a, c), indent=1) + "\n" for name, (a, c) in CELLS.items()}
    wanted.update({name: content + ("\n" if isinstance(content, str) else b"\n")
                   for name, content in whole_files().items()})
    for make in (hardcoded_public_outputs, edited_locked_cells):
        wanted[make.__name__] = json.dumps(make(), indent=1) + "\n"
    for assignment in (LR, "c1w4_deep_nn_application", "c1w3_planar_data"):
        wanted[f"find_the_answer_key_{assignment}"] = json.dumps(find_the_answer_key(assignment), indent=1) + "\n"
    stale = []
    for name, content in wanted.items():
        path = HERE / f"{name}.ipynb"
        content = content.encode("utf-8") if isinstance(content, str) else content
        if path.exists() and path.read_bytes() == content:
            continue
        if check:
            stale.append(path.name)
        else:
            path.write_bytes(content)
            print(f"wrote {path.relative_to(HERE.parent.parent)}")
    if stale:
        print("out of date (run python tests/hostile/make.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
