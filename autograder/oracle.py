"""The grader's side of an exercise's socket: it sends the inputs, answers dependencies' calls, keeps what came back.

This process holds the answer key; the sandbox gets only what is asked here.  For one exercise of one
submission (see sandboxed/exercise.py for the other side) an Exchange

- sends the public cases' inputs first, and the hidden cases' inputs only when asked, once the answers
  have sent what they had to say on the public ones: so no student-written text that comes back (an
  exception's message) can carry a hidden input;
- answers a call of a dependency with the reference result recorded for it only when the call's
  arguments are the recorded ones (the same test as public_tests._Replay), else with "none", and the
  answers then call their own version;
- checks every message against a strict schema (values.py decodes the values within bounds) and keeps the
  results.  The first message that breaks it ends the exchange: the exercise gets 0, with the reason.
"""

import functools
import itertools
from dataclasses import dataclass, field

from autograder.sandboxed import values, wire

ERROR_KINDS = {"exception", "not_implemented", "memory", "exit", "tampered", "printed_too_much", "get_ipython",
               "unsendable"}
EXERCISE_ERROR_KINDS = {"cell_raised", "undefined", "not_callable", "signature", "tampered", "unsendable"}
TEXT = 2000  # characters kept of any text that comes back


@dataclass
class Prepared:
    """One exercise's cases, ready to serve: built once per assignment."""
    exercise: dict  # the golden entry: expected outputs and all
    public: list  # the indexes of the public cases, and of the hidden ones
    hidden: list
    public_frame: bytes  # {"cases": [...]} for each group of cases
    hidden_frame: bytes
    records: dict  # {(case index, dependency): [(recorded arguments, {argument: the input it is}, the reply
    #                 frame)]}, and {(case index, None): the case's inputs}
    depth: int  # how deeply an output may nest: the expected outputs' depth, and two levels more
    setup: dict  # what the sandbox's setup says of this exercise


def _depth(value):
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, (list, tuple)):
        return 1 + max(map(_depth, value), default=0)
    return 0


def _case(index, case, decode):
    sent = {"index": index, "args": values.encode(decode(case["args"])),
            "kwargs": values.encode({k: decode(v) for k, v in case["kwargs"].items()})}
    if "seed" in case:
        sent["seed"] = case["seed"]
    return sent


@functools.lru_cache(maxsize=None)
def prepared(assignment):
    """{exercise name: Prepared} for an assignment, from its golden file."""
    from autograder.engine import decode  # the golden files' format
    from autograder.hidden import golden
    found = {}
    for name, exercise in golden(assignment).items():
        cases = exercise["cases"] if exercise["kind"] == "function" else []
        public = [i for i, c in enumerate(cases) if c["public"]]
        hidden = [i for i, c in enumerate(cases) if not c["public"]]
        records = {}
        for index, case in enumerate(cases):
            inputs = dict(zip(exercise["params"], decode(case["args"])), **{k: decode(v) for k, v in case["kwargs"].items()})
            for dep, calls in (case.get("replay") or {}).items():
                records[index, dep] = [
                    ({p: inputs[v["__input__"]] if isinstance(v, dict) and "__input__" in v else decode(v)
                      for p, v in call["args"].items()},
                     {p: v["__input__"] for p, v in call["args"].items() if isinstance(v, dict) and "__input__" in v},
                     wire.frame({"result": values.encode(decode(call["result"]))})) for call in calls]
            records[index, None] = inputs  # the case's inputs, which a call may name
        deps = {dep: {"params": s["params"], "defaults": {p: values.encode(decode(v)) for p, v in s["defaults"].items()}}
                for dep, s in (exercise.get("deps") or {}).items()}
        found[name] = Prepared(
            exercise=exercise, public=public, hidden=hidden,
            public_frame=wire.frame({"cases": [_case(i, cases[i], decode) for i in public]}),
            hidden_frame=wire.frame({"cases": [_case(i, cases[i], decode) for i in hidden]}),
            records=records, depth=2 + max((_depth(decode(c["expected"])) for c in exercise["cases"]), default=0),
            setup={"name": name, "kind": exercise["kind"], "params": exercise.get("params", []),
                   "outputs": exercise["outputs"], "deps": deps})
    return found


def setup(assignment, code):
    """The sandbox's setup for an assignment: its imports cell and what each exercise is, nothing of its cases."""
    return {"code": code, "exercises": [p.setup for p in prepared(assignment).values()]}


@dataclass
class Exchange:
    """One exercise's exchange with the answers' process, for one submission."""
    prepared: Prepared
    results: dict = field(default_factory=dict)  # {case index: {"output": value, "changed": [...]} or {"error": ...}}
    printed: int = 0  # the most characters printed in a case
    value: object = None  # an exercise that defines a value: {"value": it}
    error: dict = None  # an error of the whole exercise
    error_late: bool = False  # ... sent after the hidden cases' inputs
    refused: str = None  # why the exchange was ended, if it was
    hidden_sent: bool = False
    _next: dict = field(default_factory=dict)

    def first(self):
        return [self.prepared.public_frame]

    def refuse(self, reason):
        if self.refused is None:
            self.refused = reason
        self.results, self.value = {}, None  # not judged: not kept

    def receive(self, body):
        """Take one message; return the frames to send in answer.  Raise wire.Refused if it breaks the schema."""
        if self.refused is not None:
            return []
        message = wire.loads(body)
        if type(message) is not dict:
            raise wire.Refused("a message that is not an object")
        keys = set(message)
        if keys == {"call", "case", "args"}:
            return [self._call(message)]
        if keys == {"want"} and message["want"] == "hidden" and not self.hidden_sent:
            self.hidden_sent = True
            return [self.prepared.hidden_frame]
        if "case" in keys and keys in ({"case", "output", "changed", "printed"}, {"case", "error", "printed"}):
            self._result(message)
            return []
        if keys == {"value"} and self.prepared.exercise["kind"] == "value" and self.value is None:
            self.value = {"value": values.decode(message["value"], values.Limits(), self.prepared.depth)}
            return []
        if keys == {"error"} and self.error is None and not self.results:
            self.error, self.error_late = _exercise_error(message["error"]), self.hidden_sent
            return []
        raise wire.Refused("a message the grader does not expect here")

    def _result(self, message):
        index, printed = message["case"], message["printed"]
        allowed = self.prepared.hidden if self.hidden_sent else self.prepared.public
        if type(index) is not int or index not in allowed or index in self.results:
            raise wire.Refused("a result for a case it was not given, or given twice")
        if type(printed) is not int or printed < 0:
            raise wire.Refused("a malformed count of printed characters")
        self.printed = max(self.printed, printed)
        if "error" in message:
            self.results[index] = {"error": _case_error(message["error"])}
            return
        case = self.prepared.exercise["cases"][index]
        names = set(self.prepared.exercise["params"]) | set(case["kwargs"])
        changed = message["changed"]
        if type(changed) is not list or any(type(n) is not str or n not in names for n in changed) \
                or len(set(changed)) != len(changed):
            raise wire.Refused("a malformed list of changed arguments")
        self.results[index] = {"output": values.decode(message["output"], values.Limits(), self.prepared.depth),
                               "changed": changed}

    def _call(self, message):
        from autograder.engine import PRINT_ONLY, same  # numpy and the engine: loaded by then
        dep, index, args = message["call"], message["case"], message["args"]
        if type(index) is not int or type(dep) is not str or type(args) is not dict:
            raise wire.Refused("a malformed call of a dependency")
        records = self.prepared.records.get((index, dep))
        if not records:
            return wire.frame({"none": True})
        inputs, limits, named, bound = self.prepared.records[index, None], values.Limits(), {}, {}
        for p, v in args.items():  # an input of the case, sent by its name, or a value
            if type(v) is dict and v.keys() == {"__input__"}:
                if v["__input__"] not in inputs:
                    return wire.frame({"none": True})
                named[p], bound[p] = v["__input__"], inputs[v["__input__"]]
            else:
                bound[p] = values.decode(v, limits)
        params = [p for p in self.prepared.exercise["deps"][dep]["params"] if p not in PRINT_ONLY]
        start = self._next.get((index, dep), 0)
        # Calls usually come in the recorded order: the next record first, then all of them.
        for i in itertools.chain([start] if start < len(records) else [], range(len(records))):
            recorded, recorded_inputs, reply = records[i]
            try:
                matches = all(named.get(p, False) == recorded_inputs.get(p, True)  # the same input, unchanged
                              or same(bound.get(p), recorded.get(p)) for p in params)
            except Exception:  # arguments of a kind the comparison does not know: not the recorded ones
                matches = False
            if matches:
                self._next[index, dep] = i + 1
                return reply
        return wire.frame({"none": True})


def _text(value, limit=TEXT):
    if type(value) is not str:
        raise wire.Refused("a text that is not a string")
    return value[:limit]


def _case_error(error):
    if type(error) is not dict or error.get("kind") not in ERROR_KINDS:
        raise wire.Refused("a malformed error")
    kind = error["kind"]
    if kind == "exception":
        line = error.get("line")
        if line is not None and (type(line) is not int or line < 0):
            raise wire.Refused("a malformed line number")
        cell = error.get("cell")
        return {"kind": kind, "name": _text(error.get("name"), 100), "text": _text(error.get("text")),
                "cell": None if cell is None else _text(cell, 100), "line": line}
    if kind in ("exit",):
        return {"kind": kind, "code": _text(error.get("code"), 200)}
    if kind in ("tampered", "unsendable"):
        return {"kind": kind, "text": _text(error.get("text"))}
    return {"kind": kind}


def _exercise_error(error):
    if type(error) is not dict or error.get("kind") not in EXERCISE_ERROR_KINDS:
        raise wire.Refused("a malformed error")
    kind = error["kind"]
    if kind == "cell_raised":
        return {"kind": kind, "error": _case_error(error.get("error"))}
    if kind == "not_callable":
        return {"kind": kind, "type": _text(error.get("type"), 100)}
    if kind == "signature":
        params = error.get("params")
        if type(params) is not list or len(params) > 50:
            raise wire.Refused("a malformed signature")
        return {"kind": kind, "params": [_text(p, 100) for p in params]}
    if kind in ("tampered", "unsendable"):
        return {"kind": kind, "text": _text(error.get("text"))}
    return {"kind": kind}
