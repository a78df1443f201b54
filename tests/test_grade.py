"""The sandboxed grader (python -m autograder grade): canned, hostile and broken submissions."""

import ctypes
import json
import os
import subprocess
import sys
import time
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from autograder import ROOT, helper_modules
from autograder import sandbox
from autograder.grade import grade

HOSTILE = sorted((ROOT / "tests" / "hostile").glob("*.ipynb"))
CANNED = sorted((ROOT / "tests" / "submissions").glob("*/*.ipynb"))
LR = "c1w2_logistic_regression"
NOT_JSON = '{"cells": [ {"cell_type": "code", "source": "def sigmoid(z):'  # a notebook cut short
# Canned submissions on which nbgrader gives marks it should not, and why (see tests/submissions/make.py).
FOOLS_NBGRADER = {"fools_nbgrader": "an IPython input transformer wraps every later cell, tests included, "
                                    "in try/except; this grader runs answers as plain Python and gives 0"}


@pytest.fixture(scope="module")
def hostile_reports():
    """Grade the whole hostile corpus once, two at a time (each thread keeps its own warm sandbox, so each
    submission is graded in a sandbox that graded others before it, or in a new one after a bad one)."""
    def graded(path):
        return grade(path, json.loads(path.with_suffix(".expected.json").read_text()).get("assignment", LR))
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(HOSTILE, pool.map(graded, HOSTILE)))


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_hostile_submission_gets_its_expected_report(path, hostile_reports):
    expected = json.loads(path.with_suffix(".expected.json").read_text())
    report = hostile_reports[path]
    assert {e["name"]: e["score"] for e in report["exercises"]} == expected["scores"]
    outputs = {e["name"]: e["output"] for e in report["exercises"]}
    for exercise, fragment in expected["messages"].items():
        assert fragment in outputs[exercise], outputs[exercise]
    assert (expected["problem"] is None) == (report["problem"] is None)
    assert bool(report["notes"]) == (path.stem == "edited_locked_cells")
    if expected["problem"]:
        assert expected["problem"] in report["problem"]


def test_the_corpus_is_large_and_up_to_date():
    assert len(HOSTILE) >= 25
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "hostile" / "make.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# Orphans of this process's descendants come back to it instead of to the machine's init, so that a
# process that escaped its sandbox's tree is still found below (PR_SET_CHILD_SUBREAPER).
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)


def _sandbox_processes():
    """{pid: parent pid} of this process's descendants that run sandboxed/server.py (the sandboxes' first
    processes and their children): not those of another test run or batch on the same machine."""
    parents, servers = {}, set()
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            parents[int(folder.name)] = int((folder / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if b"sandboxed.server" in (folder / "cmdline").read_bytes():
                servers.add(int(folder.name))
        except (OSError, ValueError, IndexError):  # the process ended meanwhile
            continue

    def descends(pid):
        for _ in range(64):
            pid = parents.get(pid, 0)
            if pid == os.getpid():
                return True
            if pid <= 1:
                return False
        return False
    return {pid: parents[pid] for pid in servers if descends(pid)}


def test_no_sandboxed_process_outlives_its_grading(hostile_reports):
    """The fork bomb, the thread bomb and the endless loops leave nothing running, and the warm sandboxes
    of the grading threads end with them (this thread's own warm sandbox, if it has one, may stay).
    A thread's sandbox is killed by the kernel when the thread ends (bubblewrap's --die-with-parent), and
    its processes take a moment to exit after that: measured, up to 0.5 s after the threads were joined,
    so each gets 10 s before it counts as left over."""
    own = sandbox.pool._current()

    def ours(pid, found):  # the process of this thread's sandbox, or one of its descendants
        while own is not None and pid in found and pid != own.process.pid:
            pid = found[pid]
        return own is not None and pid == own.process.pid
    deadline = time.monotonic() + 10
    while True:
        found = _sandbox_processes()
        left = {pid: _describe(pid) for pid in found if not ours(pid, found)}
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert left == {}, "processes left over 10 s after their grading threads ended"


def test_a_sandbox_closed_as_soon_as_launched_leaves_nothing_behind():
    """bubblewrap 0.8 killed while it sets a sandbox up leaves the sandbox's first process waiting forever
    (it sets its own --die-with-parent only once set up): a sandbox that was launched but not started is
    therefore ended through its input, never killed at once.  Closed right after launching (as after a
    missing golden file), 20 of them leave no process at all (before, about a third stayed)."""
    before = set(_sandbox_processes())
    for _ in range(20):
        sandbox.Sandbox(helper_modules(LR)).close()
    assert {pid: _describe(pid) for pid in _sandbox_processes() if pid not in before} == {}


def _describe(pid):
    """The state and command line of a process, for the message."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        return state + " " + (Path("/proc") / str(pid) / "cmdline").read_bytes()[:80].decode(errors="replace")
    except OSError:
        return "ended"


def _grade_in_a_new_thread(paths):
    """Grade these submissions one after the other in one thread (so, one warm sandbox while it lasts);
    return [(report, process id of the sandbox that graded it, or None if it was closed after)]."""
    def work():
        graded = []
        for path in paths:
            report = grade(path, LR)
            server = sandbox.pool._current()
            graded.append((report, server.process.pid if server else None))
        return graded
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def test_a_warm_sandbox_keeps_nothing_of_one_submission_for_the_next():
    """One sandbox grades submission after submission; what one leaves or forges never reaches the next.
    leave_traces leaves files (in folders it made unwritable) and is refused IPC objects and keys;
    forge_results writes fake "done" and full-marks lines on every pipe it can reach; kill_every_process
    kills every process it sees, which ends its own grading: the next submission gets a new sandbox."""
    hostile = ROOT / "tests" / "hostile"
    correct = ROOT / "tests" / "submissions" / LR / "correct.ipynb"
    order = ["leave_traces", "look_for_traces", "forge_results", correct, "kill_every_process", correct,
             "look_for_traces"]
    graded = _grade_in_a_new_thread([p if isinstance(p, Path) else hostile / f"{p}.ipynb" for p in order])
    (left, warm), (look, warm2), (forge, warm3), (first, warm4), (killer, closed), (second, fresh), (look2, _) = graded
    assert warm == warm2 == warm3 == warm4 is not None and closed is None and fresh not in (None, warm)
    for report in (look, look2):
        assert "traces of earlier submissions: none" in report["exercises"][0]["output"]
    assert first["score"] == second["score"] == 9 and first["problem"] is None
    assert forge["score"] == 8 and killer["problem"].startswith("the sandbox stopped early")
    assert "refused: shared memory, a semaphore, a message queue, a POSIX message queue, a key" in \
        left["exercises"][0]["output"]


# Submissions that try to change, for the next student graded in the same warm sandbox, the process every
# submission's processes are forked from, its /tmp, or the channels to the grader (see tests/hostile/make.py).
STATE_ATTACKS = {"touch_the_server": "refused", "signal_the_server": "ignored", "other_system_calls": "refused",
                 "hold_memory_in_pipes": "bounded", "flood_the_channel": "refused", "leave_traces": "refused",
                 "forge_results": "refused", "write_the_servers_files": "replaced if it wrote",
                 "write_proc_sys": "refused", "mark_tmp": "refused", "carry_hidden_inputs": "bounded",
                 "stop_the_grading_process": "replaced", "kill_every_process": "replaced"}


@pytest.mark.parametrize("attack", sorted(STATE_ATTACKS))
def test_no_attack_reaches_the_next_student_in_a_warm_sandbox(attack):
    """In one warm sandbox: a look at the server's state, the attacker, the same look, then a correct and a
    blank submission.  The look sees the same state before and after, the correct submission gets exactly
    9, the blank one 0; an attack that is refused, ignored or bounded leaves the sandbox warm."""
    hostile = ROOT / "tests" / "hostile"
    correct, blank = ROOT / "tests" / "submissions" / LR / "correct.ipynb", ROOT / "release" / LR / f"{LR}.ipynb"
    order = [hostile / "look_for_state.ipynb", hostile / f"{attack}.ipynb", hostile / "look_for_state.ipynb",
             correct, blank]
    (before, first), (attacked, warm), (after, _), (right, _), (empty, _) = _grade_in_a_new_thread(order)
    assert "state of the server:" in before["exercises"][0]["output"]
    assert after["exercises"][0]["output"] == before["exercises"][0]["output"]
    assert right["score"] == 9 and right["problem"] is None and empty["score"] == 0
    if STATE_ATTACKS[attack] in ("refused", "ignored", "bounded"):
        assert warm == first is not None, "the attack was not refused: the sandbox had to be replaced"
    if STATE_ATTACKS[attack] == "replaced":
        assert warm is None


def test_a_sandbox_that_cannot_start_says_why():
    """The assignment's own setup failing (say a helper module missing) stops grading with its reason."""
    with pytest.raises(sandbox.SandboxUnavailable, match="ModuleNotFoundError: No module named 'no_such_helper'"):
        sandbox.Sandbox(()).start({"code": "import no_such_helper", "exercises": []})


def test_the_check_for_replaced_functions_sees_every_way_of_changing_a_module(monkeypatch):
    """sandboxed/guard.py's check skips a guarded module whose dict version (read from the dict's memory,
    see _version_reader) did not change: each way of changing a module's names must change it, and be
    caught; and a function of the grader's own changed in place (its __code__) is caught too."""
    from autograder.sandboxed import guard
    assert guard.VERSION is not None, "the course runs on CPython 3.11, where the version is read"
    module = types.ModuleType("guarded")
    module.f, namespace = len, vars(module)
    exec("def g():\n    return 1", namespace)
    namespace["g"].__module__ = "guarded"
    monkeypatch.setitem(sys.modules, "guarded", module)
    monkeypatch.setattr(guard, "GUARDED", ["guarded"])
    monkeypatch.setattr(guard, "CODE_CHECKED", ("guarded",))
    monkeypatch.setattr(guard, "_SNAPSHOT", {})
    guard.snapshot()
    guard.check()  # unchanged: passes
    changes = [lambda: setattr(module, "f", abs), lambda: namespace.update(f=max), lambda: exec("f = min", namespace),
               lambda: namespace.__setitem__("f", sum), lambda: namespace.pop("f") and namespace.setdefault("f", id)]
    for change in changes:
        version = guard.VERSION(namespace)
        change()
        assert guard.VERSION(namespace) != version
        with pytest.raises(guard.Tampered, match="the answers replaced guarded.f"):
            guard.check()
        guard.restore()
        assert module.f is len
        guard.check()  # put back: passes again
    module.g.__code__ = (lambda: 2).__code__
    with pytest.raises(guard.Tampered, match="the answers changed the code of guarded.g"):
        guard.check()
    guard.restore()
    assert module.g() == 1
    guard.check()


MEMORY_BOUND_MB = 64  # what the grader may hold above a correct submission's peak, whatever comes back


def _peak_megabytes(path):
    """The grader's peak memory (RSS) while grading one submission, in a fresh process."""
    script = (f"import resource\nfrom autograder.grade import grade\ngrade({str(path)!r}, {LR!r})\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1]) / 1024


def test_the_grader_memory_stays_bounded_whatever_comes_back():
    """fill_the_grader sends, from every exercise, results as large as the schema accepts, for every case it
    is given, until its allowance is spent: the grader holds at most the 32 MB a submission may send, each
    message parsed within bounds (see autograder/sandboxed/wire.py)."""
    correct = _peak_megabytes(ROOT / "tests" / "submissions" / LR / "correct.ipynb")
    worst = _peak_megabytes(ROOT / "tests" / "hostile" / "fill_the_grader.ipynb")
    assert worst - correct < MEMORY_BOUND_MB, (correct, worst)


def test_a_sandbox_runs_in_a_memory_cgroup_that_bounds_all_it_holds(tmp_path):
    """Where memory cgroups can be made (root, or a delegated controller), each sandbox gets one: given 768 MB
    in all (memory=0), an answer that fills 1.5 GB (under its 2 GB address-space limit) is killed by the
    kernel, not the sandbox's first process, which grades the next submission; the cgroup goes with its
    sandbox."""
    if not sandbox._cgroup_parents():
        pytest.skip("no memory cgroup can be made here (not root, no delegated memory controller): "
                    "the sandbox then relies on RLIMIT_AS, no memfd files and 64 open files per exercise")
    from autograder import grade as grading
    hog = tmp_path / "hog.ipynb"
    data = json.loads((ROOT / "tests" / "submissions" / LR / "correct.ipynb").read_text())
    for cell in data["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "sigmoid":
            cell["source"] = "def sigmoid(z):\n    hog = bytearray(3 << 29)\n    return 1 / (1 + np.exp(-z))"
    hog.write_text(json.dumps(data))

    def work():
        small = sandbox.Sandbox(helper_modules(LR), memory=0)
        limit = small.cgroup.path / ("memory.max" if small.cgroup.version == 2 else "memory.limit_in_bytes")
        assert int(limit.read_text()) == sandbox.CGROUP_EXTRA
        sandbox.pool._local.sandbox = small
        first = grading.grade(hog, LR)
        assert str(small.process.pid) in (small.cgroup.path / "cgroup.procs").read_text().split()
        second = grading.grade(ROOT / "tests" / "submissions" / LR / "correct.ipynb", LR)
        assert sandbox.pool._current() is small  # the first process survived: the sandbox stayed warm
        sandbox.pool.close()
        return first, second, small.cgroup.path
    with ThreadPoolExecutor(1) as pool:
        first, second, path = pool.submit(work).result()
    assert "killed by signal 9" in first["exercises"][0]["output"] and first["score"] == 8
    assert second["score"] == 9
    assert not path.exists()


def test_the_sandbox_cannot_make_its_read_only_view_writable(hostile_reports):
    """remount_writable tries to remount every mount read-write and leave a file in numpy's folder: the
    sandbox holds no capability (even when the grader runs as root), so the file must not exist."""
    import numpy
    probe = Path(numpy.__file__).parent / "sandbox_escape_probe.txt"
    assert ROOT / "tests" / "hostile" / "remount_writable.ipynb" in hostile_reports
    assert not probe.exists(), f"a sandboxed submission wrote {probe}"


@pytest.mark.parametrize("path", CANNED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_canned_submission_gets_the_same_verdicts_as_with_nbgrader(path):
    """tests/test_nbgrader.py checks the same expected reports with nbgrader autograde.

    nbgrader scores a test cell all or nothing; this grader gives points per case. So an exercise has
    full marks under both or under neither, and where nbgrader gives 0 this grader may give part.
    """
    with_nbgrader = json.loads(path.with_suffix(".expected.json").read_text())
    report = grade(path, path.parent.name)
    if path.stem in FOOLS_NBGRADER:
        assert all(v > 0 for v in with_nbgrader.values()) and report["score"] == 0, report
        return
    for e in report["exercises"]:
        full = e["score"] == e["max_score"]
        assert full == (with_nbgrader[e["name"]] == e["max_score"]), (e, with_nbgrader[e["name"]])
        assert full or with_nbgrader[e["name"]] == 0


def _hidden_values(case):
    """The ways a hidden case's expected floats could be written in a message (as repr, and as the public
    messages print arrays, with 8 decimals)."""
    import numpy as np
    from autograder.engine import decode
    found = set()

    def walk(value):
        if isinstance(value, dict):
            [walk(v) for v in value.values()]
        elif isinstance(value, (list, tuple)):
            [walk(v) for v in value]
        elif isinstance(value, np.ndarray) and value.dtype.kind == "f":
            [walk(float(v)) for v in value.ravel()]
        elif isinstance(value, float) and abs(value) > 1e-3 and value != round(value, 2):
            found.update({repr(value), f"{value:.8f}".rstrip("0"), np.format_float_positional(value, 8)})
    walk(decode(case["expected"]))
    return found


@pytest.mark.parametrize("path", [p for p in CANNED if p.stem in ("mistakes", "hidden_only")],
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_hidden_case_of_a_canned_submission_quotes_no_expected_value(path):
    """Where a canned mistake fails a hidden case first, its message holds none of that case's expected values."""
    from autograder.hidden import golden
    exercises = golden(path.parent.name)
    checked = 0
    for e in grade(path, path.parent.name)["exercises"]:
        first = e["output"].split("; case ", 1)[-1] if "; case " in e["output"] else ""
        number = first.split(" ", 1)[0].rstrip(":")
        if not number.isdigit() or "(hidden)" not in first.split(":", 1)[0]:
            continue
        case = exercises[e["name"]]["cases"][int(number) - 1]
        assert not case["public"]
        leaked = [v for v in _hidden_values(case) if v in e["output"]]
        assert not leaked, (e["name"], leaked, e["output"])
        checked += 1
    if path.stem == "hidden_only":
        assert checked, "no hidden case failed first: the test checked nothing"


def test_the_whole_submission_has_the_time_of_all_its_exercises():
    """A submission whose every exercise keeps within its time limit is never stopped by the whole one."""
    from autograder import ASSIGNMENTS
    from autograder.grade import LIMITS, SUBMISSION_SECONDS
    from autograder.hidden import golden
    assert all(LIMITS["seconds"] * len(golden(a)) + 10 <= SUBMISSION_SECONDS for a in ASSIGNMENTS)


def test_blank_release_gets_zero_with_a_message_per_exercise():
    report = grade(ROOT / "release" / LR / f"{LR}.ipynb", LR)
    assert report["score"] == 0 and all("not implemented yet" in e["output"] for e in report["exercises"])


def test_partial_credit_inside_an_exercise():
    report = grade(ROOT / "tests" / "submissions" / LR / "hidden_only.ipynb", LR)
    scores = {e["name"]: e["score"] for e in report["exercises"]}
    # Points come from the hidden cases. initialize_with_zeros hard-codes the public dim=3: right on none of
    # its 2 hidden cases; optimize's wrong default learning rate fails 1 of its 3 hidden cases.
    assert (scores["initialize_with_zeros"], scores["optimize"]) == (0, 1.33)


def test_a_200_megabyte_notebook_is_refused_with_a_message(tmp_path):
    big = tmp_path / "big.ipynb"
    with open(big, "wb") as f:
        f.truncate(200 << 20)
    report = grade(big, LR)
    assert report["score"] == 0 and "200 MB, over the 20 MB limit" in report["problem"]


def test_a_file_that_is_not_json_is_refused_with_a_message(tmp_path):
    broken = tmp_path / "invalid_json.ipynb"
    broken.write_text(NOT_JSON)
    report = grade(broken, LR)
    assert report["score"] == 0 and "the file is not a valid notebook (JSON error" in report["problem"]
    assert all("not a valid notebook" in e["output"] for e in report["exercises"])


def test_the_grade_command_launches_its_sandbox_before_it_loads_numpy():
    """So that the sandbox loads its Python and numpy while the grader loads its own (0.1 s of a 0.4 s
    grading): grade.py and hidden.py import numpy only when grade() runs, after sandbox.prepare()."""
    script = f"""if True:
        import sys
        from autograder import grade, sandbox
        launched, real = [], sandbox.Sandbox.__init__
        def init(self, *args, **kwargs):
            launched.append("numpy" in sys.modules)
            real(self, *args, **kwargs)
        sandbox.Sandbox.__init__ = init
        grade.main([{str(ROOT / "tests" / "submissions" / LR / "correct.ipynb")!r}, "--assignment", {LR!r}])
        print(launched, "numpy" in sys.modules)"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "TOTAL" in done.stdout and done.stdout.splitlines()[-1] == "[False] True"


def test_command_line_prints_a_table_and_writes_gradescope_results(tmp_path):
    results = tmp_path / "results.json"
    broken = tmp_path / "invalid_json.ipynb"
    broken.write_text(NOT_JSON)
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(broken),
                           "--assignment", LR, "--results", str(results)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "TOTAL" in done.stdout and "not a valid notebook" in done.stdout
    data = json.loads(results.read_text())
    assert data["score"] == 0 and len(data["tests"]) == 6
    assert set(data["tests"][0]) == {"name", "score", "max_score", "output", "visibility"}


def _raising_notebook(tmp_path, message_code):
    """The correct submission, but sigmoid's answer cell raises ValueError(<message_code>) (Python source)."""
    notebook = json.loads((ROOT / "tests" / "submissions" / LR / "correct.ipynb").read_text(encoding="utf-8"))
    answer = next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "sigmoid")
    answer["source"] = f"raise ValueError({message_code})"
    path = tmp_path / "raising.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def test_command_line_prints_any_character_of_a_message_escaped(tmp_path):
    """An exception whose message holds a lone surrogate, a terminal escape, a NUL and an é, printed to an
    ASCII terminal: each is escaped (the report's safe_text, then backslashreplace), nothing fails."""
    results = tmp_path / "results.json"
    path = _raising_notebook(tmp_path, '"\\ud800\\x1b[31m\\x00 red \u00e9"')
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path), "--assignment", LR,
                           "--results", str(results)], capture_output=True,
                          env=dict(os.environ, PYTHONIOENCODING="ascii"))
    assert done.returncode == 0, done.stderr
    assert b"\x1b" not in done.stdout and b"\x00" not in done.stdout
    assert b"the answer cell raised ValueError: \\ud800\\x1b[31m\\x00 red \\xe9 (in answer cell sigmoid" in done.stdout
    sigmoid = json.loads(results.read_text(encoding="utf-8"))["tests"][0]
    assert sigmoid["score"] == 0 and "ValueError: \\ud800\\x1b[31m\\x00 red \u00e9" in sigmoid["output"]


def test_command_line_writes_the_results_before_printing(tmp_path):
    """Its output closed before it prints, the command fails to print, but the grade is in the results file."""
    results = tmp_path / "results.json"
    command = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(_raising_notebook(tmp_path, "'x'")),
                                "--assignment", LR, "--results", str(results)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    command.stdout.close()  # long before it prints: grading takes a few tenths of a second
    command.wait(60)
    assert b"BrokenPipeError" in command.stderr.read()
    assert json.loads(results.read_text(encoding="utf-8"))["score"] == 8
