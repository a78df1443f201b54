"""Judge what came back from the sandbox: each exercise's points and the message the student reads.

Outside the sandbox, with the golden file: every result is compared with the expected outputs by the
same engine as the public tests (public_tests.judge_case).  A public case's message has today's full
detail (expected, received, hint); a hidden case's names the output, the kind of difference and the
likely mistake, and nothing of any value, expected or received, nor any text the answers wrote (an
exception's message, its type if it is not one of Python's, its line): students must not be able to
collect the hidden expected outputs, or the hidden inputs, over resubmissions.

An exercise's results count only if the grading process saw its process end (within the time limit);
its points are shared equally among its hidden cases (the public ones, whose expected outputs the
student has, earn nothing by themselves).  Every message is made safe to print, store and render
(`safe_text`) and capped.
"""

from dataclasses import dataclass

MESSAGE_CHARS = 4000  # of one exercise's message: the whole report is bounded by the exercise count
PRINTED_NOTE = 1 << 20  # characters printed by a case above which the message says so


def _escape(c):
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe_text(text, limit=MESSAGE_CHARS):
    """The text with every character that is not printable (control and invisible formatting characters,
    lone surrogates: what could garble a terminal, fail to encode, or reorder a line) written as an escape,
    newlines and tabs kept, and at most `limit` characters."""
    text = "".join(c if c.isprintable() or c in "\n\t" else _escape(c) for c in text[:2 * limit])
    return text if len(text) <= limit else text[:limit - 25] + " ... (message shortened)"


@dataclass
class Verdict:
    """One exercise's grade: its points of `max_score`, and the student's message."""
    name: str
    score: float
    max_score: float
    output: str

    def as_dict(self):
        return {"name": self.name, "score": self.score, "max_score": self.max_score, "output": self.output}


def case_error(error, hidden):
    """The message of an error that a case's call raised (see oracle._case_error for what it holds)."""
    kind = error["kind"]
    if kind == "exception":
        if hidden:  # not even its type: the answers choose it, and could spell a hidden input with it
            return ("raised an exception on this hidden case, where the public cases ran without one: test "
                    "the function on other inputs (other sizes, other values)")
        where = f" (in answer cell {error['cell']}, line {error['line']})" if error["cell"] else ""
        return f"raised {error['name']}: {error['text']}{where}"
    if kind == "not_implemented":
        return "not implemented yet: replace `raise NotImplementedError()` with your code."
    if kind == "memory":
        return "ran out of memory (MemoryError): the sandbox's memory limit was reached"
    if kind == "exit":
        code = "" if hidden else error["code"]
        return f"called sys.exit({code}) (or exit/quit): a graded function must return, not exit"
    if kind == "printed_too_much":
        return "printed more than the grader keeps (1 MB): remove the prints from the function"
    if kind == "get_ipython":
        return ("used get_ipython(), which does not exist when grading: answers must be plain Python "
                "(no IPython hooks or magics)")
    if kind == "unsendable":
        detail = "" if hidden else f" ({error['text']})"
        return f"returned a value that is not a number, array, list, tuple or dict{detail}"
    if kind == "tampered":
        return ("the answers replaced a function of Python, numpy or the grader: the grader does not run "
                "code that changes them" if hidden else error["text"])
    raise ValueError(kind)


def exercise_error(exercise, error, late):
    """The message of an error of the whole exercise (its answer cell, its name, its signature)."""
    name, kind = exercise["name"], error["kind"]
    if late:  # sent after the hidden inputs: none of its words
        return "stopped with an error while the hidden cases ran"
    if kind == "cell_raised":
        return f"the answer cell {case_error(error['error'], hidden=False)}"
    if kind == "undefined":
        return f"`{name}` is not defined: is its answer cell missing, or was the name or the cell changed?"
    if kind == "not_callable":
        return f"{name} should be a function, but it is a {error['type']}."
    if kind == "signature":
        return (f"{name} should take the parameters ({', '.join(exercise['params'])}), "
                f"but it takes ({', '.join(error['params'])}): keep the signature given in the notebook.")
    return case_error(error, hidden=False)


def _ended_without_result(ended, number, seconds, hidden):
    """The message of the first case of a phase that has no result, given how the phase's process ended."""
    case = f"case {number}" if number is not None else "the end"
    if "skipped" in ended:
        return "not run: the public cases ran out of time"
    if "timeout" in ended:
        return (f"did not finish within {seconds} s (stopped during {case}): an endless loop, or far too "
                "much work?")
    if "signal" in ended:
        signal = "a signal" if hidden else f"signal {ended['signal']}"  # on a hidden case: no number to choose
        return f"the process running it was killed by {signal} during {case} (out of memory, or a crash in compiled code)"
    if ended.get("exit") == 1:
        return ("the grader could not run it after the answers changed Python or numpy: do not replace "
                "built-in or library functions")
    return f"the process running it exited during {case} (os._exit?) without a result"


def judge(exercise, exchange, ended, seconds):
    """[message or None per case] for an exercise whose processes ran: `ended` says how each phase's process
    ended ({"public": ..., "hidden": ...}); the cases of a phase that did not run are "not run"."""
    from autograder.engine import Mismatch, engine
    from autograder.sandboxed import wire
    cases = exercise["cases"]
    if exchange.refused is not None:
        return [f"sent back something the grader cannot read ({exchange.refused})"]
    if exchange.error is not None:
        return [exercise_error(exercise, exchange.error, exchange.error_late)]
    if exercise["kind"] == "value":
        if exchange.value is None:
            return [_ended_without_result(ended.get("public", {}), None, seconds, False)]
        results = {i: {"output": exchange.value["value"], "changed": []} for i in range(len(cases))}
    else:
        results = exchange.results
    first_missing = {phase: next((i for i in group if i not in results), None)
                     for phase, group in (("public", exchange.prepared.public), ("hidden", exchange.prepared.hidden))}
    messages = []
    for index, case in enumerate(cases):
        hidden = not case["public"]
        phase = "hidden" if hidden else "public"
        result = results.get(index)
        if result is None:
            messages.append(_ended_without_result(ended[phase], index + 1, seconds, hidden)
                            if index == first_missing[phase] and phase in ended else "not run")
            continue
        if "error" in result:
            messages.append(case_error(result["error"], hidden))
            continue
        try:
            engine.judge_case(exercise, case, result["output"], result["changed"], hidden=hidden)
            messages.append(None)
        except Mismatch as mismatch:
            messages.append(str(mismatch))
        except (TypeError, ValueError, KeyError, IndexError, OverflowError, ArithmeticError,
                wire.Refused) as error:  # a value the engine cannot compare: this case fails
            messages.append("returned something the grader could not compare with the expected output" +
                            ("" if hidden else f" ({type(error).__name__}: {str(error)[:200]})"))
    return messages


def verdict(exercise, worth, messages, note=None, printed=0):
    """The exercise's points and its message, from its cases' messages (one message: the whole exercise's)."""
    name, cases = exercise["name"], exercise["cases"]
    complete = len(messages) == len(cases)
    failed = [(i, m) for i, m in enumerate(messages, 1) if m is not None]
    # The student holds the public cases' expected outputs, so the points go to the other cases.
    scoring = [i for i, c in enumerate(cases) if not c["public"]] or list(range(len(cases)))
    earned = sum(1 for i in scoring if complete and messages[i] is None)
    score = round(worth * earned / len(scoring), 2)
    if not failed:
        output = f"all {len(cases)} cases passed"
    elif complete:
        first, message = failed[0]
        label = f"case {first}" + ("" if cases[first - 1]["public"] else " (hidden)")
        output = f"{len(cases) - len(failed)} of {len(cases)} cases passed; {label}: {message}"
    else:
        output = f"0 of {len(cases)} cases graded: {messages[0]}"
    if note:
        output = f"{name}: {note}. {output}"
    if printed > PRINTED_NOTE:
        output += " (note: it printed over 1 MB while tested; prints slow grading down)"
    return Verdict(name, score, worth, safe_text(output))
