"""The grader's side of a submission's sockets: it sends the inputs, answers dependencies' calls, keeps what came back.

This process holds the answer key; the sandbox gets only what is asked here.  A submission's exercises
run in two phases (see sandboxed/grading.py), each exercise in each phase in a process with a socket of
its own.  For each, on request, an Exchange sends that phase's cases' inputs, and the hidden ones only once
every exercise's public phase has ended: no hidden input is in the sandbox while the answers can still
send back words of their own (public cases' messages quote an exception's text), whatever one exercise
leaves for the next.  With them it names the dependencies that may be called as the student wrote them:
those called often (OFTEN) whose own cases (so far) all passed, and all theirs.  A call of any other dependency comes to
the grader, which
answers with the reference result recorded for it only when the call's arguments are the recorded ones
(the same test as public_tests._Replay), else with "none", and the answers then call their own version:
so a mistake in one function costs only that function's points.
Every message is checked against a strict schema (values.py decodes the values within bounds); the first
one that breaks it ends the exchange: the exercise gets 0, with the reason.
"""

import functools
import itertools
import json
from dataclasses import dataclass, field

from autograder.sandboxed import values, wire

ERROR_KINDS = {"exception", "not_implemented", "memory", "exit", "tampered", "printed_too_much", "get_ipython",
               "unsendable"}
EXERCISE_ERROR_KINDS = {"cell_raised", "undefined", "not_callable", "signature", "tampered", "unsendable"}
TEXT = 2000  # characters kept of any text that comes back
# A dependency called this many times a case or more (optimize calls propagate at every step) is called as
# the student wrote it when that passed all its cases: a round trip per call would cost more than the
# call.  A dependency called fewer times is replayed (model calls optimize once, and optimize's training
# would cost more than the round trip).
OFTEN = 20


@dataclass
class Prepared:
    """One exercise's cases, ready to serve: built once per assignment."""
    exercise: dict  # the golden entry: expected outputs and all
    public: list  # the indexes of the public cases, and of the hidden ones
    hidden: list
    cases: dict  # {phase: the JSON of its cases' inputs, as sent}
    records: dict  # {(case index, dependency): [(recorded arguments, {argument: the input it is}, the reply
    #                 frame)]}, and {(case index, None): the case's inputs}
    depth: int  # how deeply an output may nest: the expected outputs' depth, and two levels more
    often: frozenset  # the dependencies called OFTEN times a case or more (see Submission.ready)
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
            cases={phase: json.dumps([_case(i, cases[i], decode) for i in group], separators=(",", ":"))
                   for phase, group in (("public", public), ("hidden", hidden))},
            often=frozenset(dep for dep in exercise.get("deps") or {} if sum(
                len(calls) for c in cases for d, calls in (c.get("replay") or {}).items() if d == dep)
                >= OFTEN * max(len(cases), 1)),
            records=records, depth=2 + max((_depth(decode(c["expected"])) for c in exercise["cases"]), default=0),
            setup={"name": name, "kind": exercise["kind"], "params": exercise.get("params", []),
                   "outputs": exercise["outputs"], "deps": deps})
    return found


def setup(assignment, code):
    """The sandbox's setup for an assignment: its imports cell and what each exercise is, nothing of its cases."""
    return {"code": code, "exercises": [p.setup for p in prepared(assignment).values()]}


PHASES = ("public", "hidden")


@dataclass
class Exchange:
    """One exercise's exchanges with the answers' processes, for one submission."""
    prepared: Prepared
    results: dict = field(default_factory=dict)  # {case index: {"output": value, "changed": [...]} or {"error": ...}}
    printed: int = 0  # the most characters printed in a case
    value: object = None  # an exercise that defines a value: {"value": it}
    error: dict = None  # an error of the whole exercise
    error_late: bool = False  # ... sent in the hidden phase (none of its words may be shown)
    refused: str = None  # why the exchange was ended, if it was
    waiting: set = field(default_factory=set)  # the phases whose process asked for its cases
    sent: set = field(default_factory=set)  # ... and got them
    _next: dict = field(default_factory=dict)

    def refuse(self, reason):
        if self.refused is None:
            self.refused = reason
        self.results, self.value = {}, None  # not judged: not kept

    def cases(self, phase, trusted):
        """The frame that starts a phase: its cases' inputs and the trusted dependencies."""
        self.waiting.discard(phase)
        self.sent.add(phase)
        return wire.frame_raw(f'{{"trusted":{json.dumps(sorted(trusted))},"cases":{self.prepared.cases[phase]}}}')

    def receive(self, phase, body):
        """Take one message; return the frames to send in answer.  Raise wire.Refused if it breaks the schema."""
        if self.refused is not None:  # ended already: its other phase's socket too
            raise wire.Refused(self.refused)
        message = wire.loads(body)
        if type(message) is not dict:
            raise wire.Refused("a message that is not an object")
        keys = set(message)
        if keys == {"want"} and message["want"] == "cases" and phase not in self.sent | self.waiting:
            self.waiting.add(phase)  # answered by the Submission, when it can say which dependencies to trust
            return []
        if phase not in self.sent:
            raise wire.Refused("a message before its cases")
        if keys == {"call", "case", "args"}:
            return [self._call(phase, message)]
        if "case" in keys and keys in ({"case", "output", "changed", "printed"}, {"case", "error", "printed"}):
            self._result(phase, message)
            return []
        if keys == {"value"} and self.prepared.exercise["kind"] == "value" and self.value is None:
            self.value = {"value": values.decode(message["value"], values.Limits(), self.prepared.depth)}
            return []
        if keys == {"error"}:
            error = _exercise_error(message["error"])
            if self.error is None:  # the hidden phase's process meets the public one's error again
                self.error, self.error_late = error, phase == "hidden"
            return []
        raise wire.Refused("a message the grader does not expect here")

    def _result(self, phase, message):
        index, printed = message["case"], message["printed"]
        allowed = self.prepared.hidden if phase == "hidden" else self.prepared.public
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

    def _call(self, phase, message):
        from autograder.engine import PRINT_ONLY, same  # numpy and the engine: loaded by then
        dep, index, args = message["call"], message["case"], message["args"]
        if type(index) is not int or type(dep) is not str or type(args) is not dict:
            raise wire.Refused("a malformed call of a dependency")
        if index not in (self.prepared.hidden if phase == "hidden" else self.prepared.public):
            return wire.frame({"none": True})
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
                              or _matches(bound.get(p), recorded.get(p), same) for p in params)
            except Exception:  # arguments of a kind the comparison does not know: not the recorded ones
                matches = False
            if matches:
                self._next[index, dep] = i + 1
                return reply
        return wire.frame({"none": True})


def _matches(got, recorded, same):
    """public_tests._same, with its two commonest cases first: the very same array, the same float."""
    kind = type(recorded)
    if kind is type(got):
        if kind is float:
            return abs(got - recorded) <= 1e-9 + 1e-6 * abs(recorded)
        if hasattr(recorded, "tobytes") and got.shape == recorded.shape and got.dtype == recorded.dtype \
                and got.tobytes() == recorded.tobytes():
            return True
    return same(got, recorded)


def _text(value, limit=TEXT):
    if type(value) is not str:
        raise wire.Refused("a text that is not a string")
    return value[:limit]


def _case_error(error):
    if type(error) is not dict or type(error.get("kind")) is not str or error["kind"] not in ERROR_KINDS:
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
    if type(error) is not dict or type(error.get("kind")) is not str or error["kind"] not in EXERCISE_ERROR_KINDS:
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


class Submission:
    """The grader's side of all of one submission's exercise sockets.  `passed(index, phase, ended)` says
    whether exercise `index`'s answers passed all its cases of that phase and before (given how its
    processes ended), for the exercises that depend on it."""

    def __init__(self, prepared, names, passed):
        self.exchanges = [Exchange(prepared[name]) for name in names]
        self.names, self.passed = list(names), passed
        self.ended = {}  # {(exercise index, phase): how its process ended}
        self.order = [(phase, k) for phase in PHASES for k in range(len(names))]  # the sockets, in their order

    def receive(self, channel, body):
        phase, k = channel
        if (k, phase) in self.ended:  # written after its process was seen to end (by a copy of its socket): not
            return []  # taken, since the exercise may have been judged for its dependents already
        replies = [(channel, frame) for frame in self.exchanges[k].receive(phase, body)]
        return replies + self.ready() if self.exchanges[k].waiting else replies

    def refuse(self, channel, reason):
        phase, k = channel
        if (k, phase) not in self.ended:  # once its process ended the exercise may have been judged already
            self.exchanges[k].refuse(reason)

    def status(self, k, phase, ended):
        """The grading process says how exercise k's process of a phase ended; return the frames now ready."""
        if not 0 <= k < len(self.names) or phase not in PHASES or (k, phase) in self.ended:
            raise wire.Refused("a status of no exercise, or given twice")
        self.ended[k, phase] = ended
        return self.ready()

    def _below(self, k):
        """Exercise k and every exercise it depends on, directly or not."""
        found, todo = set(), [k]
        while todo:
            j = todo.pop()
            if j not in found:
                found.add(j)
                todo += [self.names.index(d) for d in self.exchanges[j].prepared.exercise.get("deps") or {}
                         if d in self.names]
        return found

    def ready(self):
        """The cases of every process that asked for them and can now be told which dependencies to trust."""
        frames = []
        for k, exchange in enumerate(self.exchanges):
            for phase in sorted(exchange.waiting):
                if phase == "hidden" and any((i, "public") not in self.ended for i in range(len(self.names))):
                    continue  # no hidden input before every exercise's public phase has ended
                # A dependency called as written calls its own dependencies as written too: it is trusted
                # only if it and all it depends on, down to the end, passed their cases.
                deps = {self.names.index(d): self._below(self.names.index(d))
                        for d in exchange.prepared.often if d in self.names}
                needed = [(j, p) for below in deps.values() for j in below for p in PHASES[:PHASES.index(phase) + 1]
                          if p == "public" or self.exchanges[j].prepared.exercise["kind"] == "function"]
                if any(key not in self.ended for key in needed):
                    continue
                trusted = [self.names[j] for j, below in deps.items()
                           if all(self.passed(i, phase, self.ended) for i in below)]
                frames.append(((phase, k), exchange.cases(phase, trusted)))
        return frames
