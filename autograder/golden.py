"""Write (or check) the golden files from the reference solutions.

    python -m autograder.golden            # check that every golden file is up to date
    python -m autograder.golden --refresh  # rewrite them

For each assignment it runs every case of ``autograder/<id>/exercises.py``
through the reference solution of ``source/<id>/<id>.ipynb`` and writes

- ``autograder/<id>/golden.json``: all cases, with inputs, reference outputs,
  the outputs of the known mistakes and the recorded calls to dependencies;
- ``source/<id>/public_cases.json``: the same for the public cases only,
  which nbgrader copies into the student's release.
"""

import argparse
import contextlib
import copy
import importlib
import inspect
import io
import json
import sys
import types

import numpy as np

from autograder import ASSIGNMENTS, ROOT
from autograder.engine import Mismatch, encode, engine
from autograder.reference import reference_namespace


def _signature(function):
    parameters = inspect.signature(function).parameters.values()
    return {"params": [p.name for p in parameters],
            "defaults": {p.name: encode(p.default) for p in parameters if p.default is not p.empty}}


def _call_recording(function, namespace, deps, args, kwargs, seed=None):
    """Call `function`, recording every call it makes to the functions in `deps`.

    A recorded argument that is one of the call's own inputs is stored as
    {"__input__": name} rather than copied, which keeps the files small.
    """
    args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    inputs = inspect.signature(function).bind(*args, **kwargs).arguments
    records = {dep: [] for dep in deps}

    def saved(value):
        for name, given in inputs.items():
            if value is given and isinstance(value, (list, dict, np.ndarray)):
                return {"__input__": name}
        return encode(value)

    patched = dict(namespace)
    for dep in deps:
        def recorder(*a, _dep=dep, **kw):
            bound = inspect.signature(namespace[_dep]).bind(*a, **kw)
            bound.apply_defaults()
            call = {name: saved(value) for name, value in bound.arguments.items()}
            result = namespace[_dep](*a, **kw)
            records[_dep].append({"args": call, "result": encode(result)})
            return result
        patched[dep] = recorder
    clone = types.FunctionType(function.__code__, patched, function.__name__, function.__defaults__,
                               function.__closure__)
    if seed is not None:
        np.random.seed(seed)
    with contextlib.redirect_stdout(io.StringIO()):  # cases with print_cost=True print
        result = clone(*args, **kwargs)
    return result, {dep: r for dep, r in records.items() if r}


def _mistakes(exercise, case):
    """The outputs of the exercise's known mistakes on this case (those that run on it)."""
    found = []
    for hint, wrong in exercise.mistakes.items():
        if case.seed is not None:
            np.random.seed(case.seed)
        try:
            output = wrong(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        except (ArithmeticError, TypeError, ValueError):
            continue  # this mistake fails loudly on this input: the error speaks for itself
        found.append({"hint": hint, "output": encode(output)})
    return found


def _numeric(assignment, exercise, number, case, result):
    """The case's outputs estimated by finite differences, after checking the reference solution against them."""
    estimate = exercise.numeric(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    rtol, atol = exercise.numeric_tolerance
    try:
        engine.compare("the reference solution", estimate, result, rtol, atol)
    except Mismatch as mismatch:
        raise SystemExit(f"{assignment}.{exercise.name}: the reference solution disagrees with the numerical "
                         f"gradient on case {number}:\n{mismatch}") from None
    return {"expected": encode(estimate), "rtol": rtol, "atol": atol}


def build(assignment):
    """Return (golden, public) for one assignment, as JSON-ready dicts."""
    exercises = importlib.import_module(f"autograder.{assignment}.exercises").EXERCISES
    namespace = reference_namespace(assignment)
    golden = {"assignment": assignment, "exercises": []}
    for ex in exercises:
        if ex.name not in namespace:
            raise SystemExit(f"{assignment}: the source notebook defines no `{ex.name}`")
        reference = namespace[ex.name]
        entry = {"name": ex.name, "kind": ex.kind, "outputs": list(ex.outputs), "cases": []}
        if ex.kind == "function":
            entry["params"] = _signature(reference)["params"]
            entry["deps"] = {dep: _signature(namespace[dep]) for dep in ex.deps}
        for number, case in enumerate(ex.cases, 1):
            item = {"public": case.public, "rtol": case.rtol, "atol": case.atol}
            if ex.kind == "value":
                item["expected"] = encode(reference)
            else:
                result, replay = _call_recording(reference, namespace, ex.deps, case.args, case.kwargs, case.seed)
                if case.seed is not None:
                    item["seed"] = case.seed
                item.update(args=encode(list(case.args)), kwargs=encode(case.kwargs)["__dict__"],
                            expected=encode(result))
                if replay:
                    item["replay"] = replay
                item["mistakes"] = _mistakes(ex, case)
                if ex.numeric is not None:
                    item["numeric"] = _numeric(assignment, ex, number, case, result)
            entry["cases"].append(item)
        if not any(c["public"] for c in entry["cases"]) or (ex.kind == "function" and all(c["public"] for c in entry["cases"])):
            raise SystemExit(f"{assignment}.{ex.name}: the public cases must be a strict, non-empty subset")
        golden["exercises"].append(entry)
    public = {"assignment": assignment, "exercises": [
        dict(e, cases=[{k: v for k, v in c.items() if k != "public"} for c in e["cases"] if c["public"]])
        for e in golden["exercises"]]}
    return golden, public


def _dump(data, indent=0):
    """JSON with one line per array, value or recorded call (readable diffs, small files)."""
    compact = not data or indent > 8 or (isinstance(data, dict) and ("__array__" in data or set(data) == {"args", "result"}))
    if compact or not isinstance(data, (dict, list)):
        return json.dumps(data, sort_keys=True)
    pad = " " * (indent + 1)
    if isinstance(data, list):
        items = [pad + _dump(v, indent + 1) for v in data]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    items = [f"{pad}{json.dumps(k)}: {_dump(data[k], indent + 1)}" for k in sorted(data)]
    return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"


def targets(assignment):
    return {ROOT / "autograder" / assignment / "golden.json": 0, ROOT / "source" / assignment / "public_cases.json": 1}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--refresh", action="store_true", help="rewrite the golden files")
    parser.add_argument("assignments", nargs="*", default=ASSIGNMENTS)
    options = parser.parse_args(argv)
    stale = []
    for assignment in options.assignments:
        built = build(assignment)
        for path, which in targets(assignment).items():
            text = _dump(built[which]) + "\n"
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current == text:
                continue
            if options.refresh:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(ROOT)}")
            else:
                stale.append(path.relative_to(ROOT))
    if stale:
        print("These golden files do not match the reference solutions:\n  "
              + "\n  ".join(map(str, stale))
              + "\nIf the change of solution or cases is intended, run: python -m autograder.golden --refresh",
              file=sys.stderr)
        return 1
    print("golden files up to date" if not options.refresh else "golden files refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
