"""The sandbox's boundary, piece by piece: the seccomp program, the strict decoding of what comes back, the
grader's side of an exercise's socket, and what a hidden case's message may say."""

import errno
import json
import struct

import numpy as np
import pytest

from autograder import oracle
from autograder.engine import Mismatch, encode, engine
from autograder.judge import safe_text
from autograder.sandboxed import seccomp, values, wire

LR = "c1w2_logistic_regression"


# --- the seccomp program, run by a small classic-BPF interpreter -------------------------------------------

def run_filter(program, nr, args=(), arch=None, machine="x86_64"):
    """What the filter returns for a system call (struct seccomp_data, little-endian)."""
    arch = seccomp.SYSCALLS[machine]["audit_arch"] if arch is None else arch
    data = struct.pack("<iIQ6Q", nr, arch, 0, *(list(args) + [0] * (6 - len(args))))
    pc, accumulator = 0, 0
    for _ in range(len(program) + 1):
        code, jt, jf, k = program[pc]
        if code == seccomp.LD_W_ABS:
            accumulator = struct.unpack_from("<I", data, k)[0]
            pc += 1
        elif code in (seccomp.JEQ, seccomp.JGE, seccomp.JSET):
            taken = {seccomp.JEQ: accumulator == k, seccomp.JGE: accumulator >= k,
                     seccomp.JSET: bool(accumulator & k)}[code]
            pc += 1 + (jt if taken else jf)
        elif code == seccomp.RET:
            return k
        else:
            raise AssertionError(f"unknown instruction {code:#x}")
    raise AssertionError("the program does not end")


EPERM, EAGAIN, ENOSYS = (seccomp.ERRNO(e) for e in (errno.EPERM, errno.EAGAIN, errno.ENOSYS))


@pytest.mark.parametrize("machine", sorted(seccomp.SYSCALLS))
def test_the_seccomp_program_is_well_formed(machine):
    program = seccomp.program(machine)
    assert 0 < len(program) < 4096
    for index, (code, jt, jf, _) in enumerate(program):
        assert 0 <= jt < 256 and 0 <= jf < 256
        if code != seccomp.RET:
            assert index + 1 + max(jt, jf) < len(program), f"instruction {index} jumps past the end"
    assert program[-1] == (seccomp.RET, 0, 0, seccomp.ALLOW)


@pytest.mark.parametrize("machine", sorted(seccomp.SYSCALLS))
def test_the_seccomp_program_refuses_every_listed_call(machine):
    program, table = seccomp.program(machine), seccomp.SYSCALLS[machine]
    for name in seccomp._REFUSED:
        assert run_filter(program, table[name], machine=machine) == EPERM, name
    for name in ("fork", "vfork"):
        if table[name] is not None:
            assert run_filter(program, table[name], machine=machine) == EAGAIN, name
    assert run_filter(program, table["clone3"], machine=machine) == ENOSYS
    assert run_filter(program, table["clone"], [0x11], machine=machine) == EAGAIN  # a process (SIGCHLD)
    assert run_filter(program, table["clone"], [0x3D0F00], machine=machine) == seccomp.ALLOW  # a thread


@pytest.mark.parametrize("machine", sorted(seccomp.SYSCALLS))
def test_the_seccomp_program_lets_a_process_change_only_itself(machine):
    program, table = seccomp.program(machine), seccomp.SYSCALLS[machine]
    for name in seccomp._SELF_ONLY:
        assert run_filter(program, table[name], [0, 7], machine=machine) == seccomp.ALLOW, name
        assert run_filter(program, table[name], [1, 7], machine=machine) == EPERM, name
    setpriority, ioprio_set = table["setpriority"], table["ioprio_set"]
    assert run_filter(program, setpriority, [0, 0, 19], machine=machine) == seccomp.ALLOW  # os.nice()
    assert run_filter(program, setpriority, [0, 1, 19], machine=machine) == EPERM  # the server
    assert run_filter(program, setpriority, [2, 0, 19], machine=machine) == EPERM  # every process of the user
    assert run_filter(program, ioprio_set, [1, 0, 0], machine=machine) == seccomp.ALLOW
    assert run_filter(program, ioprio_set, [1, 1, 0], machine=machine) == EPERM
    assert run_filter(program, ioprio_set, [2, 0, 0], machine=machine) == EPERM  # a process group
    for name in ("socket", "socketpair"):
        assert run_filter(program, table[name], [1, 1, 0], machine=machine) == seccomp.ALLOW  # AF_UNIX
        assert run_filter(program, table[name], [2, 1, 0], machine=machine) == EPERM  # AF_INET
        assert run_filter(program, table[name], [10, 1, 0], machine=machine) == EPERM  # AF_INET6


def test_the_seccomp_program_refuses_other_abis_and_allows_the_rest():
    program = seccomp.program("x86_64")
    for nr in (39, 57, 56, 319, 0, 1):  # getpid, fork, clone, memfd_create, read, write as x32 calls
        assert run_filter(program, nr | seccomp.X32_BIT) == ENOSYS
    assert run_filter(program, 20, arch=0x40000003) == ENOSYS  # i386 (int 0x80)
    for nr in (0, 1, 3, 9, 39, 60, 62, 231):  # read, write, close, mmap, getpid, exit, kill, exit_group
        assert run_filter(program, nr) == seccomp.ALLOW


# --- values and messages that come back ---------------------------------------------------------------------

def test_values_round_trip_with_their_types():
    value = {"a": np.array([[0.1, 1 / 3]]), "b": (1, 2.5, True, "s", None), "c": [np.float64(2 / 7)],
             "d": np.arange(3, dtype=np.uint8), "e": np.array(0.25), "f": np.array([True, False])}
    back = values.decode(json.loads(json.dumps(values.encode(value))))
    assert back["a"].dtype == np.float64 and np.array_equal(back["a"], value["a"]) and back["a"].flags.writeable
    assert back["b"] == (1, 2.5, True, "s", None) and back["c"] == [2 / 7]
    assert back["d"].dtype == np.uint8 and back["e"].shape == () and back["f"].dtype == bool


@pytest.mark.parametrize("value", [iter([]), np.array([1j]), np.array(["a"]), np.array([None], dtype=object),
                                   {(1, 2): 3}])
def test_values_that_are_not_numbers_are_not_sent(value):
    with pytest.raises(TypeError):
        values.encode(value)


def test_a_value_that_contains_itself_is_not_sent():
    loop = []
    loop.append(loop)
    with pytest.raises(TypeError, match="nested too deeply"):
        values.encode(loop)


ARRAY = {"__array__": "AAAAAAAA8D8=", "dtype": "<f8", "shape": [1]}  # [1.0]


@pytest.mark.parametrize("data, reason", [
    ({"__array__": "AAAAAAAA8D8=", "dtype": "|V8", "shape": [1]}, "dtype"),
    ({"__array__": "AAAAAAAA8D8=", "dtype": "|O", "shape": [1]}, "dtype"),
    ({"__array__": "AAAAAAAA8D8=", "dtype": "<c16", "shape": [1]}, "dtype"),
    ({"__array__": "AAAAAAAA8D8=", "dtype": "<f8", "shape": [1 << 20, 1 << 20]}, "elements"),
    ({"__array__": "AAAAAAAA8D8=", "dtype": "<f8", "shape": [2]}, "length of its shape"),
    ({"__array__": "AAAAAAAA8D8", "dtype": "<f8", "shape": [1]}, "length of its shape"),
    ({"__array__": "AAAAAAAA8D!=", "dtype": "<f8", "shape": [1]}, "base64"),
    ({"__array__": "AAAAAAAA8D8=", "dtype": "<f8", "shape": [-1]}, "shape"),
    ({"__array__": "", "dtype": "<f8", "shape": [0, 10 ** 30]}, "shape"),
    ({"__array__": "", "dtype": "<f8", "shape": [0, 1 << 31, 1 << 31, 1 << 31]}, "shape"),
    ({"__array__": "AAAAAAAA8D8=", "dtype": "<f8", "shape": [1.0]}, "shape"),
    ({"__array__": "AAAAAAAA8D8=", "dtype": "<f8", "shape": [1], "extra": 1}, "other keys"),
    ({"__tuple__": [1], "__dict__": {}}, "tagged"),
    ({"__dict__": []}, "tagged"),
    ({"plain": 1}, "tagged"),
    (1 << 70, "out of range"),
])
def test_a_malformed_value_is_refused(data, reason):
    with pytest.raises(wire.Refused, match=reason):
        values.decode(data)


def test_decoding_is_bounded_in_depth_elements_and_items():
    nested = [[[[1.0]]]]
    assert values.decode(nested, depth=5) == nested
    with pytest.raises(wire.Refused, match="nested"):
        values.decode(nested, depth=3)
    with pytest.raises(wire.Refused, match="elements"):
        values.decode([ARRAY] * 3, values.Limits(elements=2))
    with pytest.raises(wire.Refused, match="items"):
        values.decode([[1]] * 10, values.Limits(items=5))


def test_parsing_a_message_is_bounded_before_it_starts():
    with pytest.raises(wire.Refused, match="items"):
        wire.loads(b"[" * 70000 + b"]" * 70000)
    with pytest.raises(wire.Refused, match="nested too deeply"):
        wire.loads(b"[" * 60000 + b"]" * 60000)
    with pytest.raises(wire.Refused, match="items"):
        wire.loads(b"[" + b"0," * 300000 + b"0]")
    with pytest.raises(wire.Refused, match="not JSON"):  # not quadratic: Python refuses over 4300 digits
        wire.loads(b"[" + b"9" * 5000 + b"]")
    with pytest.raises(wire.Refused, match="out of range"):
        values.decode(wire.loads(b"[" + b"9" * 50 + b"]"))
    with pytest.raises(wire.Refused, match="not JSON"):
        wire.loads(b"\xff\xfe")
    assert wire.loads(b'{"x": NaN}')["x"] != wire.loads(b'{"x": NaN}')["x"]  # NaN is a float: compared outside


def test_a_reader_refuses_a_long_message_before_its_body_arrives():
    reader = wire.Reader(cap=100)
    assert reader.feed(wire.frame({"a": 1})[:5]) == []
    assert reader.feed(wire.frame({"a": 1})[5:] + wire.frame([2])) == [b'{"a":1}', b"[2]"]
    with pytest.raises(wire.Refused, match="a message over the") as refused:
        reader.feed((1 << 62).to_bytes(8, "big"))
    assert str(1 << 62) not in str(refused.value)  # nothing the sender chose: it could spell a hidden input


# --- the grader's side of an exercise's socket -----------------------------------------------------------------

def exchange(name, phase="public"):
    """An exercise's exchange whose process of `phase` got its cases."""
    exchanged = oracle.Exchange(oracle.prepared(LR)[name])
    exchanged.receive(phase, body({"want": "cases"}))
    exchanged.cases(phase, [])
    return exchanged


def body(message):
    return wire.frame(message)[wire.HEADER:]


def submission(passed=lambda k, phase, ended: True):
    return oracle.Submission(oracle.prepared(LR), list(oracle.prepared(LR)), passed)


def test_the_sandbox_setup_and_the_cases_hold_nothing_of_the_answer_key():
    """All that crosses into the sandbox: the imports cell, what each exercise is, and the cases' inputs.
    No expected output, tolerance, estimate, mistake or recorded result."""
    from autograder.grade import sandbox_setup
    sent = json.dumps(sandbox_setup(LR)) + "".join(p.cases["public"] + p.cases["hidden"]
                                                   for p in oracle.prepared(LR).values())
    for word in ("expected", "rtol", "atol", "numeric", "mistakes", "replay", "result", "hint", "public"):
        assert f'"{word}"' not in sent, word
    for prepared in oracle.prepared(LR).values():
        cases = json.loads(prepared.cases["public"]) + json.loads(prepared.cases["hidden"])
        assert all(set(case) <= {"index", "args", "kwargs", "seed"} for case in cases)


def test_hidden_inputs_come_only_once_every_public_phase_has_ended():
    work = submission()
    names, hidden = list(oracle.prepared(LR)), ("hidden", 2)
    assert work.receive(hidden, body({"want": "cases"})) == []  # asked for: kept waiting
    for k in range(len(names) - 1):
        assert work.status(k, "public", {"exit": 0}) == []
    ready = work.status(len(names) - 1, "public", {"exit": 0})
    assert ready == [(hidden, work.exchanges[2].cases("hidden", []))]
    assert json.loads(ready[0][1][wire.HEADER:])["cases"][0]["index"] in work.exchanges[2].prepared.hidden
    with pytest.raises(wire.Refused):
        work.receive(hidden, body({"want": "cases"}))  # once only
    with pytest.raises(wire.Refused):
        work.status(0, "public", {"exit": 0})  # a status given twice


def test_a_dependency_is_trusted_only_when_called_often_and_its_cases_passed():
    """optimize calls propagate at every step: trusted when propagate passed; model calls optimize once a
    case: replayed whatever optimize did."""
    verdicts = {}
    work = submission(lambda k, phase, ended: verdicts[k])
    names = list(oracle.prepared(LR))
    for k in range(names.index("optimize")):
        work.status(k, "public", {"exit": 0})
    for propagate_passed in (True, False):
        verdicts = {k: propagate_passed for k in range(len(names))}
        exchange_ = oracle.Exchange(work.exchanges[names.index("optimize")].prepared)
        work.exchanges[names.index("optimize")] = exchange_
        replies = work.receive(("public", names.index("optimize")), body({"want": "cases"}))
        assert json.loads(replies[0][1][wire.HEADER:])["trusted"] == (["propagate"] if propagate_passed else [])
    assert "optimize" not in oracle.prepared(LR)["model"].often and "propagate" in oracle.prepared(LR)["optimize"].often


def test_no_message_but_the_request_for_cases_comes_before_them():
    fresh = oracle.Exchange(oracle.prepared(LR)["sigmoid"])
    with pytest.raises(wire.Refused, match="before its cases"):
        fresh.receive("public", body({"case": 0, "output": 0.5, "changed": [], "printed": 0}))


def test_a_result_is_kept_only_for_a_case_given_and_only_once():
    sigmoid = exchange("sigmoid")
    result = {"case": 0, "output": values.encode(np.array([0.5])), "changed": [], "printed": 0}
    sigmoid.receive("public", body(result))
    for wrong in (result, dict(result, case=1), dict(result, case="0"), dict(result, printed=-1),
                  dict(result, changed=["not_a_parameter"]), dict(result, extra=1)):
        with pytest.raises(wire.Refused):
            (sigmoid if wrong is result else exchange("sigmoid")).receive("public", body(wrong))
    with pytest.raises(wire.Refused):  # a public case's result on the hidden phase's socket
        exchange("sigmoid", "hidden").receive("hidden", body(result))


def test_a_dependency_is_answered_only_for_the_recorded_arguments():
    optimize = exchange("optimize")
    recorded, _, reply = optimize.prepared.records[0, "propagate"][0]
    call = {"call": "propagate", "case": 0, "args": {p: values.encode(v) for p, v in recorded.items()}}
    ask = lambda message: optimize.receive("public", body(message))  # noqa: E731
    assert ask(call) == [reply]
    nudged = dict(recorded, w=recorded["w"] + 1e-3)
    none = [wire.frame({"none": True})]
    assert ask(dict(call, args={p: values.encode(v) for p, v in nudged.items()})) == none
    assert ask(dict(call, args={"w": "a string", "b": [1, 2]})) == none
    assert ask(dict(call, args={})) == none
    assert ask(dict(call, case=99)) == none
    assert ask(dict(call, case=optimize.prepared.hidden[0])) == none  # a hidden case's, in the public phase
    assert ask(dict(call, call="model")) == none
    named = dict(call["args"], X={"__input__": "X"}, Y={"__input__": "Y"})  # the case's own inputs, by name
    assert ask(dict(call, args=named)) == [reply]
    assert ask(dict(call, args=dict(named, X={"__input__": "Y"}))) == none
    assert ask(dict(call, args=dict(named, X={"__input__": "nothing"}))) == none


def test_errors_that_come_back_keep_only_known_fields_within_bounds():
    sigmoid = exchange("sigmoid")
    sigmoid.receive("public", body({"case": 0, "printed": 0, "error": {"kind": "exception", "name": "E" * 500,
                                                             "text": "x" * 10 ** 5, "cell": None, "line": 3,
                                                             "secret": "dropped"}}))
    error = sigmoid.results[0]["error"]
    assert set(error) == {"kind", "name", "text", "cell", "line"}
    assert len(error["name"]) == 100 and len(error["text"]) == oracle.TEXT
    for wrong in ({"kind": "unknown"}, {"kind": "exception", "name": 1, "text": ""}, "text", {"kind": ["list"]},
                  {"kind": {"a": 1}}, {"kind": "exception", "name": "E", "text": "", "line": -1}):
        with pytest.raises(wire.Refused):
            exchange("sigmoid").receive("public", body({"case": 0, "printed": 0, "error": wrong}))
    with pytest.raises(wire.Refused):
        exchange("sigmoid").receive("public", body({"error": {"kind": ["cell_raised"]}}))


# --- what a hidden case's message may say ------------------------------------------------------------------------

def _numbers(text):
    return {float(t) for t in __import__("re").findall(r"-?\d+\.\d+(?:e-?\d+)?", text)}


@pytest.mark.parametrize("got", [
    np.array([[0.123456789], [0.987654321]]),  # wrong values
    np.array([0.123456789, 0.987654321]),  # a rank-1 array
    np.array([[0.123456789, 0.987654321]]),  # transposed
    np.ones((2, 2)),  # a square
    [0.123456789, 0.987654321],  # a list
    (np.ones((2, 1)), 0.5),  # several values
    np.array([[np.nan], [0.5]]),
    np.array([[1], [2]]),  # ints
    "a string with 0.6180339887 in it",
    None,
])
def test_a_hidden_case_says_nothing_of_any_value(got):
    expected = np.array([[0.6180339887], [0.3141592653]])
    case = {"args": [], "kwargs": {}, "expected": encode(expected), "rtol": 1e-6, "atol": 1e-9,
            "mistakes": [{"hint": "a known mistake", "output": encode(expected * 2)}]}
    exercise = {"name": "f", "kind": "function", "params": [], "outputs": ["out"], "deps": {}}
    with pytest.raises(Mismatch) as public:
        engine.judge_case(exercise, case, got)
    with pytest.raises(Mismatch) as hidden:
        engine.judge_case(exercise, case, got, hidden=True)
    assert "\n  expected: " in str(public.value) or "should return" in str(public.value)  # public: all the detail
    text = str(hidden.value)
    assert "\n  expected: " not in text and "\n  received: " not in text and "(2, 1)" not in text and "(2,)" not in text
    assert not _numbers(text), text
    assert text.startswith("out: ") or text.startswith("the function should return")


def test_a_hidden_case_names_the_known_mistake_and_a_changed_argument():
    expected = np.array([[0.6180339887], [0.3141592653]])
    case = {"args": [], "kwargs": {}, "expected": encode(expected), "rtol": 1e-6, "atol": 1e-9,
            "mistakes": [{"hint": "the known mistake", "output": encode(expected * 2)}]}
    exercise = {"name": "f", "kind": "function", "params": ["x"], "outputs": ["out"], "deps": {}}
    with pytest.raises(Mismatch, match="Hint: the known mistake") as info:
        engine.judge_case(exercise, case, expected * 2, hidden=True)
    assert not _numbers(str(info.value))
    with pytest.raises(Mismatch, match="changed one of its arguments in place") as changed:
        engine.judge_case(exercise, case, expected, ["x"], hidden=True)
    assert "`x`" not in str(changed.value)  # which one, the answers chose


def test_text_is_made_safe_to_print_store_and_render():
    text = safe_text("line\nnext\ttab \x1b[31mred\x07 \ud800 \u202egnp.exe \U0001F600" + "x" * 10000)
    text.encode("utf-8")
    assert "\x1b" not in text and "\ud800" not in text and "\u202e" not in text and "\U0001F600" in text
    assert "line\nnext\ttab" in text and len(text) <= 4000 and text.endswith("(message shortened)")
