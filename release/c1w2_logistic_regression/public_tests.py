"""Public tests for the graded exercises of this assignment.

Run an exercise's test from the notebook with ``<exercise>_test(<exercise>)``,
for example ``propagate_test(propagate)``.  Each test calls your function on
the fixed inputs stored in ``public_cases.json`` (next to this file) and
checks what comes back, in this order:

1. the type (a float, a numpy array, a dict with the right keys, ...),
2. the shape of every array,
3. the values, within the tolerances written in the message.

The first difference stops the test with an ``AssertionError`` that names
the output, what was expected, what was received and, where a common mistake
explains the difference, that mistake.  "All tests passed." is printed only
when every check holds.

The expected values were computed from the reference solutions by the
course's golden-file script; nothing here is typed by hand.  The same checks,
with more cases, are used to grade your notebook.
"""

import copy
import inspect
import io
import itertools
import json
import math
import types
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np

CASES_FILE = Path(__file__).absolute().parent / "public_cases.json"  # not resolve(): a symlinked copy reads its own folder

# Argument names that only control printing: replayed calls ignore them.
_PRINT_ONLY = {"print_cost", "print_msg"}


# --------------------------------------------------------------------------
# JSON encoding of test values (also used by the script that writes them)
# --------------------------------------------------------------------------

def encode(value):
    """Turn a test value into JSON-compatible data that `decode` restores."""
    if isinstance(value, np.ndarray):
        return {"__array__": value.tolist(), "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"__dict__": {str(k): encode(v) for k, v in value.items()}}
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in a test case")


def decode(data):
    """Inverse of `encode`."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if isinstance(data, dict):
        if "__array__" in data:
            return np.array(data["__array__"], dtype=np.dtype(data["dtype"])).reshape(data["shape"])
        if "__tuple__" in data:
            return tuple(decode(v) for v in data["__tuple__"])
        return {k: decode(v) for k, v in data["__dict__"].items()}
    return data


def load_cases(path=CASES_FILE):
    """Read a cases file: {"assignment": id, "exercises": [...]}."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# --------------------------------------------------------------------------
# Describing values for messages
# --------------------------------------------------------------------------

def _is_real_scalar(x):
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, (float, np.floating)):
        return True
    return isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind == "f"


def _describe(x):
    if x is None:
        return "None"
    if isinstance(x, np.ndarray):
        return f"a numpy array of shape {x.shape} and dtype {x.dtype}"
    if isinstance(x, (dict, list, tuple)):
        return f"a {type(x).__name__} of length {len(x)}"
    return f"{type(x).__name__} {x!r}"


def _show(x):
    if isinstance(x, np.ndarray):
        text = np.array2string(x, precision=8, threshold=24, edgeitems=3, separator=", ")
        return text.replace("\n", "\n            ")
    if isinstance(x, (float, np.floating)):
        return repr(float(x))
    return repr(x)


def _key(path, key):
    return f'{path}["{key}"]'


# --------------------------------------------------------------------------
# Comparing one output with its expected value
# --------------------------------------------------------------------------

class Mismatch(AssertionError):
    """An output differs from the expected one; the message says how.

    `hidden` is the same message without any value, length, shape, type or dtype received, nor any value,
    length or shape expected: what the grader says on a hidden case, whose expected outputs and inputs
    students must not be able to collect (what was received, the answers chose: they could spell an input
    with it)."""

    def __init__(self, message, hidden=None):
        super().__init__(message)
        self.hidden = message if hidden is None else hidden


def _fail(path, problem, expected, received, hint=None, safe=None, safe_hint=None):
    """Raise Mismatch; `safe` and `safe_hint` say the problem and the hint without any value (for hidden cases)."""
    lines = [f"{path}: {problem}", f"  expected: {expected}", f"  received: {received}"]
    if hint:
        lines.append(f"  Hint: {hint}")
    hidden = [f"{path}: {safe or problem}"] + ([f"  Hint: {safe_hint}"] if safe_hint else [])
    raise Mismatch("\n".join(lines), "\n".join(hidden))


def _type_hint(expected, got):
    if got is None:
        return "the function returned None: is the return statement missing?"
    if isinstance(got, (int, np.integer)) and not isinstance(got, (bool, np.bool_)) and _is_real_scalar(expected):
        return "this is an int where a float is expected: write 0.0 rather than 0, or convert with float(...)."
    if isinstance(got, np.ndarray) and _is_real_scalar(expected) and got.size == 1:
        return "return a single number, not an array: np.squeeze(...) or float(...) turns a 1-element array into one."
    if isinstance(got, np.ndarray) and _is_real_scalar(expected):
        return "this is an array where a single number is expected: did you forget to add its entries up (np.sum)?"
    if isinstance(got, list) and isinstance(expected, np.ndarray):
        return "convert the list to a numpy array with np.array(...)."
    if isinstance(got, tuple) and isinstance(expected, np.ndarray):
        return "you returned several values where one array is expected."
    return None


def _check_type(path, expected, got):
    if _is_real_scalar(expected):
        if _is_real_scalar(got):
            return
        hint = _type_hint(expected, got)
        _fail(path, "wrong type", "a real number (float)", _describe(got), hint,
              "wrong type: a real number (float) is expected", hint)
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray) or type(got) is not np.ndarray:
            hint = _type_hint(expected, got)
            _fail(path, "wrong type", "a numpy array (np.ndarray)", _describe(got), hint,
                  "wrong type: a numpy array is expected", hint)
        ek, gk = expected.dtype.kind, got.dtype.kind
        if ek == "f" and gk != "f":
            hint = ("a boolean array: convert it with .astype(float)." if gk == "b" else
                    "an integer array where floats are expected: build it from floats "
                    "(np.zeros gives floats; np.array([0, 1]) gives ints) or use .astype(float).")
            _fail(path, "wrong dtype", f"an array of dtype {expected.dtype}", f"an array of dtype {got.dtype}", hint,
                  f"wrong dtype: {expected.dtype} is expected", hint)
        if ek in "iu" and gk not in "iu":
            _fail(path, "wrong dtype", f"an array of dtype {expected.dtype}", f"an array of dtype {got.dtype}",
                  safe=f"wrong dtype: {expected.dtype} is expected")
        return
    if isinstance(expected, bool):
        if not isinstance(got, (bool, np.bool_)):
            _fail(path, "wrong type", "a bool", _describe(got), safe="wrong type: a bool is expected")
        return
    if isinstance(expected, int):
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
            hint = _type_hint(expected, got)
            _fail(path, "wrong type", "an int", _describe(got), hint,
                  "wrong type: an int is expected", hint)
        return
    for kind in (str, dict, tuple, list):
        if isinstance(expected, kind):
            if not isinstance(got, kind):
                hint = _type_hint(expected, got)
                _fail(path, "wrong type", f"a {kind.__name__}", _describe(got), hint,
                      f"wrong type: a {kind.__name__} is expected", hint)
            return


def _shape_hint(expected, got, safe=False):
    """The likely cause of a wrong shape; with `safe`, said without the shapes (for hidden cases)."""
    es, gs = expected.shape, got.shape
    if got.ndim == 1 and expected.ndim == 2 and got.size == expected.size and 1 in es:
        return ("this is a rank-1 array where a 2-D one is expected: keep vectors 2-D with keepdims=True or "
                ".reshape(...)." if safe else
                f"{gs} is a rank-1 array; keep the 2-D shape {es} with keepdims=True or .reshape{es}.")
    if got.ndim == 2 and len(es) == 2 and gs == es[::-1]:
        return "the result is transposed: check the order of the operands of np.dot and where a .T belongs."
    if got.ndim == 2 and expected.ndim == 2 and 1 in es and gs == (max(es), max(es)):
        return ("a square result where a vector is expected usually comes from combining a rank-1 array with a "
                "2-D one, which broadcasts to a square; keep every vector 2-D." if safe else
                f"a {gs} result usually comes from combining a rank-1 array of shape ({max(es)},) "
                f"with a 2-D one, which broadcasts to a square; keep every vector 2-D.")
    if got.ndim == 0 or got.size == 1:
        return "you returned one number: did you sum or average over every axis instead of one?"
    if got.size == expected.size:
        return "the right number of values arranged differently: check your reshape and the axis you reduce over."
    if got.ndim == expected.ndim:
        return "check the axis you sum or reduce over."
    return None


def _value_hint(expected, got, mistakes):
    for hint, output in mistakes:
        try:
            if np.allclose(np.asarray(got, dtype=float), np.asarray(output, dtype=float), rtol=1e-6, atol=1e-9):
                return hint
        except (TypeError, ValueError):
            continue
    e = np.asarray(expected, dtype=float)
    g = np.asarray(got, dtype=float)
    if np.allclose(g, -e, rtol=1e-6, atol=1e-9) and np.any(e != 0):
        return "every value has the wrong sign."
    nz = np.abs(e) > 1e-12
    if nz.any() and np.all(np.isfinite(g)) and np.allclose(g[~nz], 0, atol=1e-9):
        ratios = g[nz] / e[nz]
        r = float(ratios.flat[0])
        if np.allclose(ratios, r, rtol=1e-6):
            if r > 1.5 and abs(r - round(r)) < 1e-6 * r:
                return (f"every value is {round(r)} times too large: "
                        "did you forget to divide by the number of examples m?")
            if 0 < r < 0.67 and abs(1 / r - round(1 / r)) < 1e-6 / r:
                return (f"every value is {round(1 / r)} times too small: "
                        "did you divide by m twice, or by the wrong count?")
    return None


def compare(path, expected, got, rtol, atol, mistakes=()):
    """Raise `Mismatch` unless `got` matches `expected`: type, shape, values."""
    _check_type(path, expected, got)
    if isinstance(expected, dict):
        for k in expected:
            if k not in got:
                _fail(path, f'missing key "{k}"', f"keys {sorted(expected)}", f"keys {sorted(got)}")  # the key: a path
        for k, v in expected.items():
            compare(_key(path, k), v, got[k], rtol, atol, [(h, o[k]) for h, o in mistakes if isinstance(o, dict) and k in o])
        return
    if isinstance(expected, (tuple, list)):
        if len(got) != len(expected):
            _fail(path, "wrong length", f"{len(expected)} items", f"{len(got)} items", safe="wrong number of items")
        for i, (e, g) in enumerate(zip(expected, got)):
            compare(f"{path}[{i}]", e, g, rtol, atol, [(h, o[i]) for h, o in mistakes if isinstance(o, (tuple, list)) and len(o) > i])
        return
    if isinstance(expected, str) or isinstance(expected, bool) or expected is None:
        if got != expected:
            _fail(path, "wrong value", repr(expected), repr(got), safe="wrong value")
        return
    e, g = np.asarray(expected), np.asarray(got)
    if not _is_real_scalar(expected) and e.shape != g.shape:
        _fail(path, "wrong shape", f"shape {e.shape}", f"shape {g.shape}", _shape_hint(e, g),
              "wrong shape", _shape_hint(e, g, safe=True))
    if e.dtype.kind in "fc" and not np.all(np.isfinite(g)):
        hint = "look for log(0), a division by zero or an overflowing exp."
        _fail(path, "contains NaN or inf", _show(e), _show(g), hint, safe_hint=hint)
    if not np.allclose(g, e, rtol=rtol, atol=atol):
        diff = np.abs(g.astype(float) - e.astype(float))
        where = "" if diff.ndim == 0 else f" at index {tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))}"
        problem = f"wrong values (compared with rtol={rtol:g}, atol={atol:g}; largest difference {diff.max():.3g}{where})"
        hint = _value_hint(expected, got, mistakes)
        _fail(path, problem, _show(expected), _show(got), hint, "wrong values (beyond the tolerance)", hint)


# --------------------------------------------------------------------------
# Calling the student's function on a case
# --------------------------------------------------------------------------

def _same(a, b, rtol=1e-6, atol=1e-9):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], rtol, atol) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y, rtol, atol) for x, y in zip(a, b))
    if isinstance(a, str) or isinstance(b, str) or a is None or b is None:
        return type(a) is type(b) and a == b
    try:
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype == b.dtype and a.tobytes() == b.tobytes():  # the usual case, and far quicker than allclose
            return True
        if a.size and a.dtype.kind in "fiu" and b.dtype.kind in "fiu":  # one element apart decides it, quicker
            x, y = float(a.flat[0]), float(b.flat[0])  # than allclose (replays try many records per call)
            if math.isfinite(x) and math.isfinite(y) and abs(x - y) > atol + rtol * abs(y):
                return False
        return bool(np.allclose(a, b, rtol=rtol, atol=atol))
    except (TypeError, ValueError):
        return False


class _Replay:
    """Stands in for a function the exercise depends on.

    When the exercise calls it with the arguments the reference solution
    used, it returns the reference result, so a mistake in an earlier
    exercise does not fail this one.  Any other call goes to the student's
    own version of the function.
    """

    def __init__(self, name, signature, records, inputs, fallback):
        self.name, self.params, self.fallback = name, signature["params"], fallback
        self.defaults = {p: decode(v) for p, v in signature["defaults"].items()}

        def argument(data):  # {"__input__": name} stands for one of the exercise's own inputs
            return inputs[data["__input__"]] if isinstance(data, dict) and "__input__" in data else decode(data)
        self.records = [({p: argument(v) for p, v in r["args"].items()}, r["result"]) for r in records]
        self.next = 0

    def __call__(self, *args, **kwargs):
        bound = dict(self.defaults)
        bound.update(zip(self.params, args))
        bound.update(kwargs)
        # Calls usually come in the recorded order: try the next record first, then all of them.
        for i in itertools.chain([self.next] if self.next < len(self.records) else [], range(len(self.records))):
            recorded, result = self.records[i]
            if all(_same(bound.get(p), recorded.get(p)) for p in self.params if p not in _PRINT_ONLY):
                self.next = i + 1
                return decode(result)
        if self.fallback is None:
            raise NameError(f"name '{self.name}' is not defined: run the cell that defines it first")
        return self.fallback(*args, **kwargs)


def _with_replay(target, exercise, case, inputs):
    """A copy of `target` whose calls to other exercises are replayed."""
    replay = case.get("replay") or {}
    if not replay or not isinstance(target, types.FunctionType):
        return target
    namespace = dict(target.__globals__)
    for dep, records in replay.items():
        namespace[dep] = _Replay(dep, exercise["deps"][dep], records, inputs, target.__globals__.get(dep))
    clone = types.FunctionType(target.__code__, namespace, target.__name__, target.__defaults__, target.__closure__)
    clone.__kwdefaults__ = target.__kwdefaults__
    return clone


def check_signature(exercise, target):
    """Raise `Mismatch` when `target` is not a function with the expected parameters."""
    name, params = exercise["name"], exercise["params"]
    if not callable(target):
        raise Mismatch(f"{name} should be a function, but it is {_describe(target)}.")
    try:
        got = list(inspect.signature(target).parameters)
    except (TypeError, ValueError):
        return
    if got != params:
        raise Mismatch(f"{name} should take the parameters ({', '.join(params)}), "
                       f"but it takes ({', '.join(got)}): keep the signature given in the notebook.")


def _output_path(exercise, index=0):
    return exercise["outputs"][index]


class PrintSink(io.TextIOBase):
    """Swallows what a tested function prints, counting the characters."""

    def __init__(self):
        self.count = 0

    def writable(self):
        return True

    def write(self, text):
        self.count += len(text)
        return len(text)


def call_case(exercise, case, target, printed=None):
    """Call `target` on the case's inputs; return (its output, the arguments as they are after the call).

    What it prints goes to `printed` (a PrintSink) and is dropped.
    """
    args = decode(case["args"])
    kwargs = {k: decode(v) for k, v in case["kwargs"].items()}
    inputs = dict(zip(exercise["params"], decode(case["args"])), **{k: decode(v) for k, v in case["kwargs"].items()})
    function = _with_replay(target, exercise, case, inputs)
    if "seed" in case:  # the exercise draws from numpy's global generator without seeding it
        np.random.seed(case["seed"])
    try:
        with redirect_stdout(printed or PrintSink()):
            got = function(*args, **kwargs)
    except NotImplementedError:
        raise Mismatch("not implemented yet: replace `raise NotImplementedError()` with your code.") from None
    return got, (args, kwargs)


def changed_arguments(exercise, case, after):
    """The names of the arguments that a call left different from the case's inputs."""
    args, kwargs = after
    named = list(zip(exercise["params"], decode(case["args"]), args))
    named += [(k, decode(v), kwargs.get(k)) for k, v in case["kwargs"].items()]
    return [name for name, old, new in named if not _same(old, new, rtol=0, atol=0)]


def _compare_outputs(exercise, expected, got, rtol, atol, mistakes):
    outputs = exercise["outputs"]
    if len(outputs) > 1:
        if not isinstance(got, tuple) or len(got) != len(outputs):
            should = f"the function should return {len(outputs)} values ({', '.join(outputs)}), but it returned"
            raise Mismatch(f"{should} {_describe(got)}.", f"the function should return {len(outputs)} values "
                           f"({', '.join(outputs)}).")
        for i, (e, g) in enumerate(zip(expected, got)):
            compare(_output_path(exercise, i), e, g, rtol, atol,
                    [(h, o[i]) for h, o in mistakes if isinstance(o, tuple) and len(o) == len(outputs)])
    else:
        compare(_output_path(exercise), expected, got, rtol, atol, mistakes)


def judge_case(exercise, case, got, changed=(), hidden=False):
    """Raise `Mismatch` unless `got` (a value, or a function's output) is the case's expected one.
    With `hidden`, the message says nothing of any value, expected or received (see Mismatch)."""
    rtol, atol = case["rtol"], case["atol"]
    mistakes = [(m["hint"], decode(m["output"])) for m in case.get("mistakes", [])]
    try:
        _compare_outputs(exercise, decode(case["expected"]), got, rtol, atol, mistakes)
    except Mismatch as mismatch:
        text = mismatch.hidden if hidden else str(mismatch)
        known = next((hint for hint, output in mistakes if _same(got, output)), None)
        if known is not None and "Hint:" not in text:
            text += f"\n  Hint: {known}"
        raise Mismatch(text) from None
    if "numeric" in case:  # gradients: also against finite differences, independently of any solution
        numeric = case["numeric"]
        try:
            _compare_outputs(exercise, decode(numeric["expected"]), got, numeric["rtol"], numeric["atol"], [])
        except Mismatch as mismatch:
            text = mismatch.hidden if hidden else str(mismatch)
            raise Mismatch(f"{text}\n  (expected: the gradient estimated numerically, by central "
                           "differences of the cost: the formula of this gradient is wrong)") from None
    for name in changed:
        message = (f"the function changed its argument `{name}` in place. The caller's "
                   f"`{name}` must stay as it was: work on a copy (for example {name} = {name}.copy() "
                   f"or copy.deepcopy({name})) or build new arrays instead of using -= and +=.")
        raise Mismatch(message if not hidden else  # not which one: the answers chose it
                       "the function changed one of its arguments in place. The caller's arguments must stay as "
                       "they were: work on copies or build new arrays instead of using -= and +=.")


def run_case(exercise, case, target):
    """Check `target` on one case; raise `Mismatch` (an AssertionError) on the first difference."""
    if exercise["kind"] == "value":
        judge_case(exercise, case, target)
    else:
        got, after = call_case(exercise, case, target)
        judge_case(exercise, case, got, changed_arguments(exercise, case, after))


def run_exercise(exercise, target, cases):
    """Check `target` on every case, stopping at the first failure."""
    if exercise["kind"] == "function":
        check_signature(exercise, target)
    for i, case in enumerate(cases, 1):
        try:
            run_case(exercise, case, target)
        except Mismatch as e:
            raise Mismatch(f"{exercise['name']} (case {i} of {len(cases)}) -- {e}") from None


def _make_test(exercise):
    def test(target):
        run_exercise(exercise, target, exercise["cases"])
        print("All tests passed.")
    test.__name__ = test.__qualname__ = f"{exercise['name']}_test"
    test.__doc__ = f"Run the public tests of `{exercise['name']}` on `target`."
    return test


if CASES_FILE.exists():
    for _exercise in load_cases()["exercises"]:
        globals()[f"{_exercise['name']}_test"] = _make_test(_exercise)
