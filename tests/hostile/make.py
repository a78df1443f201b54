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
import sys
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


def main():
    check = "--check" in sys.argv
    wanted = {name: json.dumps(notebook(name, a, c), indent=1) + "\n" for name, (a, c) in CELLS.items()}
    wanted.update({name: content + ("\n" if isinstance(content, str) else b"\n")
                   for name, content in whole_files().items()})
    for make in (hardcoded_public_outputs, edited_locked_cells):
        wanted[make.__name__] = json.dumps(make(), indent=1) + "\n"
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
