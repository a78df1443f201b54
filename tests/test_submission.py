"""The notebook reader (autograder/submission.py): whatever the file holds, a report, never a traceback."""

import csv
import json
import os
import random
import sqlite3
import stat
import threading
import time

import pytest

from autograder import ROOT, submission
from autograder.batch import write_csv
from autograder.grade import assignment_facts, grade, gradescope, table
from autograder.hidden import golden
from autograder.submission import Answers, read_answers, read_file

LR = "c1w2_logistic_regression"
NAMES = [e["name"] for e in golden(LR).values()]
POINTS = assignment_facts(LR)[1]
CORRECT = json.loads((ROOT / "tests" / "submissions" / LR / "correct.ipynb").read_text(encoding="utf-8"))
CORRECT_ANSWERS = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in CORRECT["cells"]
                   if c["metadata"].get("nbgrader", {}).get("solution")}
ZERO = dict.fromkeys(NAMES, 0.0)


def correct():
    return json.loads(json.dumps(CORRECT))


def cell(notebook, grade_id):
    return next(c for c in notebook["cells"] if isinstance(c, dict)
                and c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def encoded(notebook):
    return json.dumps(notebook).encode()


def refused(data, fragment):
    """Grade `data`: the problem names `fragment`, every exercise gets 0 and shows it; return the report."""
    report = grade(data, LR)
    assert report["problem"] is not None and fragment in report["problem"], report["problem"]
    assert {e["name"]: e["score"] for e in report["exercises"]} == ZERO
    assert all(fragment in e["output"] for e in report["exercises"])
    return report


def scores(data):
    return {e["name"]: e["score"] for e in grade(data, LR)["exercises"]}


def strings(value):
    """Every string in a JSON-like value (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


# -- the file itself ---------------------------------------------------------------------------------------

def _in_a_thread(call, seconds=10):
    """call() in a thread; its result, or a failure if it is still running after `seconds` (it blocked)."""
    done = []
    worker = threading.Thread(target=lambda: done.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert done, f"still running after {seconds} s: it blocked"
    return done[0]


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "submission.ipynb"
    os.mkfifo(fifo)  # no writer: opening it for reading without O_NONBLOCK would wait forever
    found = _in_a_thread(lambda: read_file(fifo))
    assert found.data is None
    assert found.problem == "the submission is not a regular file (a FIFO): submit the .ipynb file itself"
    report = _in_a_thread(lambda: refused(str(fifo), "not a regular file (a FIFO)"))
    assert report["score"] == 0


def test_a_path_that_turns_into_a_fifo_after_its_stat_is_opened_without_blocking(tmp_path, monkeypatch):
    """The first stat() only spares devices an open(); what was opened is checked again, with fstat()."""
    fifo = tmp_path / "submission.ipynb"
    os.mkfifo(fifo)
    regular = os.stat(__file__)
    monkeypatch.setattr(submission.os, "stat", lambda path: regular)
    found = _in_a_thread(lambda: read_file(fifo))
    assert found.problem == "the submission is not a regular file (a FIFO): submit the .ipynb file itself"


@pytest.mark.parametrize("path, kind", [("/dev/null", "a character device"), ("/dev/zero", "a character device"),
                                        ("FOLDER", "a directory")])
def test_devices_and_folders_are_refused(path, kind, tmp_path):
    path = tmp_path if path == "FOLDER" else path
    assert read_file(path).problem == f"the submission is not a regular file ({kind}): submit the .ipynb file itself"
    refused(path, f"not a regular file ({kind})")


def test_a_missing_file_or_an_impossible_path_is_refused(tmp_path):
    refused(tmp_path / "missing.ipynb", "the submission cannot be read (No such file or directory): check its path")
    refused("a\0b.ipynb", "the submission cannot be read (its path is not valid)")


def test_a_symbolic_link_is_read_as_what_it_points_to(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "to_fifo.ipynb").symlink_to(tmp_path / "fifo")
    (tmp_path / "to_notebook.ipynb").symlink_to(ROOT / "tests" / "submissions" / LR / "correct.ipynb")
    assert "(a FIFO)" in _in_a_thread(lambda: read_file(tmp_path / "to_fifo.ipynb")).problem
    assert read_file(tmp_path / "to_notebook.ipynb").data == encoded_file("correct")


def encoded_file(name):
    return (ROOT / "tests" / "submissions" / LR / f"{name}.ipynb").read_bytes()


def test_a_file_over_the_limit_is_refused_by_its_size_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "big.ipynb"
    big.write_bytes(b" " * 5000)
    read = []
    monkeypatch.setattr(submission.os, "read", lambda fd, n: read.append(n) or b"")
    assert read_file(big, limit=1000) == submission.Content(None, (
        "the notebook is 5000 bytes, over the 1000 bytes limit: clear its outputs (Edit > Clear Outputs of All "
        "Cells), save, and submit again"))
    assert read == []


def test_a_file_that_holds_more_than_its_size_says_is_read_only_up_to_the_limit(monkeypatch):
    """/proc files say they are empty: the read stops one byte past the limit."""
    real, read = os.read, []
    monkeypatch.setattr(submission.os, "read", lambda fd, n: read.append(n) or real(fd, n))
    assert os.stat("/proc/self/status").st_size == 0
    found = read_file("/proc/self/status", limit=100)
    assert found.data is None and found.problem.startswith("the notebook is over the 100 bytes limit: clear")
    assert sum(read) == 101


def test_a_file_within_the_limit_is_read_whole(tmp_path):
    path = tmp_path / "s.ipynb"
    path.write_bytes(encoded_file("correct"))
    assert read_file(path) == submission.Content(encoded_file("correct"), None)
    assert read_file(path, limit=len(encoded_file("correct"))).problem is None


def test_bytes_over_the_limit_are_refused_too():
    refused(b" " * (submission.MAX_NOTEBOOK_BYTES + 1), "over the 20 MB limit: clear its outputs")


def test_an_empty_file_is_refused(tmp_path):
    (tmp_path / "empty.ipynb").write_bytes(b"")
    refused(tmp_path / "empty.ipynb", "the file is not a valid notebook (it is empty); it may be damaged")
    refused(b" \n\t ", "the file is not a valid notebook (it is empty)")


# -- what the file holds -------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, shown", [(b"[]", "a list"), (b'"notebook"', "the string 'notebook'"),
                                         (b"4", "4"), (b"null", "null"), (b"true", "true")])
def test_json_that_is_not_an_object_is_refused(data, shown):
    refused(data, f"the file is not a valid notebook (it holds {shown}, not a JSON object)")


def test_a_file_that_is_not_utf8_is_refused():
    latin1 = json.dumps(dict(CORRECT, metadata={"author": "Zo\u00e9"}), ensure_ascii=False).encode("latin-1")
    refused(latin1, f"(it is not UTF-8 text: byte 0xe9 at position {latin1.index(b'Zo') + 2})")
    refused(json.dumps(CORRECT).encode("utf-16"), "(it is not UTF-8 text: byte 0xff at position 0)")
    # a surrogate written in UTF-8 bytes (not as the JSON escape) is no UTF-8 either
    refused(encoded(CORRECT).replace(b'"cells"', b'"\xed\xa0\x80": 1, "cells"', 1), "byte 0xed at position")


def test_a_byte_order_mark_is_allowed():
    """json.loads skipped one when the grader read bytes; it still does."""
    found = read_answers("\ufeff".encode() + encoded(CORRECT), LR, NAMES)
    assert found.problem is None and found.answers == CORRECT_ANSWERS


def test_json_nested_too_deeply_is_refused():
    deep = "the file is not a valid notebook (it nests lists or objects more than 100 levels deep); it may be damaged"
    refused(b"[" * 100_000 + b"]" * 100_000, deep)
    inside = encoded(dict(CORRECT, metadata="DEEP")).replace(b'"DEEP"', b'{"a": ' * 5000 + b"1" + b"}" * 5000)
    refused(inside, deep)
    # the bound is exact: 100 levels are read (and then found not to be a notebook), 101 are not
    assert "it holds a list" in read_answers(b"[" * 100 + b"]" * 100, LR, NAMES).problem
    assert read_answers(b"[" * 101 + b"]" * 101, LR, NAMES).problem.startswith(deep)


def test_brackets_inside_strings_are_no_nesting():
    notebook = correct()
    cell(notebook, "sigmoid")["source"].append("\n# " + "[{" * 5000 + '\\"' + "[" * 500)
    found = read_answers(encoded(notebook), LR, NAMES)
    assert found.problem is None and found.answers["sigmoid"].endswith("[" * 500)


def test_the_json_decoders_recursion_error_is_caught_too(monkeypatch):
    monkeypatch.setattr(submission, "MAX_DEPTH", 10**9)  # past the check before json.loads
    assert submission._deeper_than(b"[" * 100_000 + b"]" * 100_000, submission.MAX_DEPTH) is False
    problem = read_answers(b"[" * 100_000 + b"]" * 100_000, LR, NAMES).problem
    assert problem.startswith("the file is not a valid notebook (it nests lists or objects more than")


def test_twenty_megabytes_of_nesting_are_refused_in_moments():
    start = time.monotonic()
    found = read_answers(b"[" * (10 << 20) + b"]" * (10 << 20), LR, NAMES)
    assert "nests lists or objects" in found.problem and time.monotonic() - start < 5


@pytest.mark.parametrize("version, shown", [("4", "the string '4'"), (4.0, "4.0"), (True, "true"), (None, "null"),
                                            ([4], "a list"), ({"major": 4}, "an object"), ("MISSING", "missing")])
def test_a_format_that_is_not_the_number_4_is_refused(version, shown):
    notebook = correct()
    if version == "MISSING":
        del notebook["nbformat"]
    else:
        notebook["nbformat"] = version
    refused(encoded(notebook), f'the notebook\'s format (its "nbformat") is {shown}, where the course needs the '
                               "number 4: open it in JupyterLab, save it, and submit again")


def test_an_old_format_keeps_its_message():
    refused(encoded(dict(CORRECT, nbformat=3)), "the notebook is saved in format 3, and the course needs format 4")


@pytest.mark.parametrize("minor", ["five", -1, [1], None, 10**30, {"x": 1}])
def test_an_odd_minor_format_is_not_read(minor):
    found = read_answers(encoded(dict(CORRECT, nbformat_minor=minor)), LR, NAMES)
    assert found == Answers(CORRECT_ANSWERS, {}, [], None)


@pytest.mark.parametrize("cells, shown", [({}, "it holds an object as its"), (None, "it holds null as its"),
                                          ("cells", "it holds the string 'cells' as its"),
                                          (3, "it holds 3 as its"), ("MISSING", "it has no")])
def test_cells_that_are_not_a_list_are_refused(cells, shown):
    notebook = correct()
    if cells == "MISSING":
        del notebook["cells"]
    else:
        notebook["cells"] = cells
    refused(encoded(notebook), f'the file is not a valid notebook ({shown} "cells", where a notebook has a list)')


def test_cells_and_metadata_of_other_types_are_skipped_and_the_answers_graded():
    notebook = correct()
    junk = ["a string", 3, None, True, [], ["a", "list"], {}, {"metadata": []}, {"metadata": "m"},
            {"metadata": {"nbgrader": []}}, {"metadata": {"nbgrader": "sigmoid"}},
            {"metadata": {"nbgrader": {"grade_id": {"sigmoid": 1}}}, "cell_type": "code", "source": "x"}]
    notebook["cells"] = junk + notebook["cells"][:12] + junk + notebook["cells"][12:]
    notebook["metadata"] = ["not", "an", "object"]
    assert read_answers(encoded(notebook), LR, NAMES) == Answers(CORRECT_ANSWERS, {}, [], None)
    assert scores(encoded(notebook)) == POINTS


@pytest.mark.parametrize("odd", [["sigmoid"], {"sigmoid": 1}, 1, 1.5, True, None])
def test_a_grade_id_that_is_not_a_string_counts_for_no_exercise(odd):
    notebook = correct()
    cell(notebook, "sigmoid")["metadata"]["nbgrader"]["grade_id"] = odd
    cell(notebook, "predict_test")["metadata"]["nbgrader"]["grade_id"] = odd  # a locked cell's: no note either
    found = read_answers(encoded(notebook), LR, NAMES)
    assert found.answers == {k: v for k, v in CORRECT_ANSWERS.items() if k != "sigmoid"}
    assert found.notes == {"sigmoid": submission.MISSING} and found.general == [] and found.problem is None


def test_a_grade_id_that_is_not_a_string_costs_only_its_exercise():
    notebook = correct()
    cell(notebook, "propagate")["metadata"]["nbgrader"]["grade_id"] = ["propagate"]
    assert scores(encoded(notebook)) == dict(POINTS, propagate=0.0)


@pytest.mark.parametrize("source", [[1, 2], {"code": "def sigmoid(z): pass"}, None, ["ok\n", None], 3.5])
def test_a_source_that_is_not_text_is_not_graded_and_says_so(source):
    notebook = correct()
    cell(notebook, "sigmoid")["source"] = source
    found = read_answers(encoded(notebook), LR, NAMES)
    assert "sigmoid" not in found.answers and found.notes == {"sigmoid": submission.NOT_TEXT}


def test_a_source_as_a_string_or_as_lines_is_the_same_code():
    notebook = correct()
    cell(notebook, "sigmoid")["source"] = CORRECT_ANSWERS["sigmoid"]
    cell(notebook, "predict")["source"] = CORRECT_ANSWERS["predict"].splitlines(True)
    assert read_answers(encoded(notebook), LR, NAMES).answers == CORRECT_ANSWERS


@pytest.mark.parametrize("kind", [["code"], 7, None, "Code", "markdown"])
def test_an_answer_cell_that_is_not_code_is_not_graded_and_says_so(kind):
    notebook = correct()
    cell(notebook, "sigmoid")["cell_type"] = kind
    found = read_answers(encoded(notebook), LR, NAMES)
    assert "sigmoid" not in found.answers and found.notes == {"sigmoid": submission.NOT_CODE}


def test_a_refused_copy_gives_way_to_a_gradable_answer_cell():
    notebook = correct()
    bad = dict(cell(notebook, "sigmoid"), source=[1], id="bad-copy")
    notebook["cells"].insert(0, bad)
    assert read_answers(encoded(notebook), LR, NAMES) == Answers(CORRECT_ANSWERS, {}, [], None)


def test_the_notes_of_valid_notebooks_are_kept():
    """Duplicated answer cells (the first graded), a missing one, edited locked cells."""
    notebook = correct()
    copy = dict(cell(notebook, "sigmoid"), source="def sigmoid(z):\n    return z\n")
    notebook["cells"] = [copy, copy] + [c for c in notebook["cells"]
                                        if c["metadata"]["nbgrader"]["grade_id"] != "predict"]
    cell(notebook, "sigmoid_test")["source"] = "print('All tests passed.')"
    cell(notebook, "imports")["source"] = "import numpy as np"
    cell(notebook, "setup")["source"] = ["# mine\n"]
    found = read_answers(encoded(notebook), LR, NAMES)
    assert found.answers == dict({k: v for k, v in CORRECT_ANSWERS.items() if k != "predict"},
                                 sigmoid="def sigmoid(z):\n    return z\n")
    assert found.notes == {"sigmoid": f"{submission.SEVERAL}; {submission.TEST_EDITED}", "predict": submission.MISSING}
    assert found.general == ["locked cells were edited (imports, setup); the grader ignores them and uses the "
                             "assignment's own"]


def test_invalid_json_keeps_its_message():
    refused(encoded(CORRECT)[:-1], "the file is not a valid notebook (JSON error: Expecting ',' delimiter")
    refused(b'{"nbformat": ' + b"9" * 5000 + b"}", "the file is not a valid notebook (JSON error: Exceeds the limit")


# -- lone surrogates -------------------------------------------------------------------------------------------

def test_lone_surrogates_in_an_answer_are_replaced_with_a_note_and_the_answer_graded(tmp_path):
    notebook = correct()
    cell(notebook, "sigmoid")["source"].insert(0, "# \ud800 and \udfff\udfff\n")
    cell(notebook, "predict")["source"].insert(0, "# a pair is one character: \ud83d\ude00\n")
    cell(notebook, "model")["metadata"]["nbgrader"]["grade_id"] = "model\udc00"
    notebook["cells"][0]["id"] = "\ud800"
    data = encoded(notebook)
    assert b'\\ud800 and \\udfff\\udfff' in data  # as the JSON escapes, which json.loads turns into lone surrogates
    found = read_answers(data, LR, NAMES)
    assert found.answers["sigmoid"] == "# \ufffd and \ufffd\ufffd\n" + CORRECT_ANSWERS["sigmoid"]
    assert found.answers["predict"].startswith("# a pair is one character: \U0001F600\n")
    assert found.notes == {"sigmoid": submission.SURROGATES, "model": submission.MISSING}
    report = grade(data, LR)
    assert {e["name"]: e["score"] for e in report["exercises"]} == dict(POINTS, model=0.0)
    _nothing_later_fails_on(report, tmp_path)


def _nothing_later_fails_on(report, tmp_path):
    """The report holds no lone surrogate and no control character but newlines, and goes into every place the
    grader and the batch write it: the results file, the table, the CSV, sqlite (the gradebook)."""
    text = list(strings(report)) + list(strings(gradescope(report)))
    assert not [t for t in text if submission.SURROGATE.search(t) or any(c < " " and c not in "\n\t" for c in t)]
    json.dumps(gradescope(report), ensure_ascii=False).encode("utf-8")
    table(report).encode("utf-8")
    write_csv(tmp_path / "grades.csv", [dict(report, student="ada")])
    assert next(csv.DictReader(open(tmp_path / "grades.csv", encoding="utf-8")))["score"] == str(report["score"])
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE comment (name TEXT, auto_comment TEXT)")
    db.executemany("INSERT INTO comment VALUES (?, ?)", [(e["name"], e["output"]) for e in report["exercises"]])
    assert db.execute("SELECT count(*) FROM comment").fetchone() == (len(NAMES),)


def test_lone_surrogates_in_a_locked_cell_name_it_as_edited():
    notebook = correct()
    cell(notebook, "setup")["source"].append("\ud800")
    assert read_answers(encoded(notebook), LR, NAMES).general == [
        "locked cells were edited (setup); the grader ignores them and uses the assignment's own"]


def test_an_exception_message_with_surrogates_and_escapes_reaches_the_report_escaped(tmp_path):
    notebook = correct()
    cell(notebook, "sigmoid")["source"] = 'raise ValueError("\\ud800\\x1b[31m\\x00 red \u00e9")'
    report = grade(encoded(notebook), LR)
    sigmoid = report["exercises"][0]
    assert sigmoid["score"] == 0
    assert ("the answer cell raised ValueError: \\ud800\\x1b[31m\\x00 red \u00e9 (in answer cell sigmoid"
            in sigmoid["output"])
    _nothing_later_fails_on(report, tmp_path)


# -- generated documents ---------------------------------------------------------------------------------------

KEYS = ["cells", "metadata", "nbgrader", "grade_id", "source", "cell_type", "nbformat", "nbformat_minor", "id",
        "outputs", "locked", "solution", "grade", "points"]
TEXTS = ["", "code", "markdown", "raw", "sigmoid", "sigmoid_test", "imports", "setup", "predict", "model",
         "\ud800", "a\udfffb", "\udbff\udc00", "\x00\x1b[31m\r", "def sigmoid(z):\n    return z\n",
         "def predict(w, b, X):\n    return np.zeros((1, X.shape[1]))\n", "caf\u00e9 \u202e", "\ufeff", "4"]


def _scalar(rng):
    return rng.choice([0, 4, -1, 2**70, 4.0, 0.5, float("inf"), True, False, None, rng.choice(TEXTS),
                       "".join(rng.choice(TEXTS) for _ in range(rng.randint(1, 4)))])


def _value(rng, depth):
    """A random JSON value at most `depth` levels deep."""
    roll = rng.random()
    if depth <= 0 or roll < 0.4:
        return _scalar(rng)
    if roll < 0.7:
        return [_value(rng, depth - 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(KEYS + TEXTS): _value(rng, depth - 1) for _ in range(rng.randint(0, 5))}


def _nest(rng, value, levels):
    for _ in range(levels):
        value = [value] if rng.random() < 0.5 else {rng.choice(KEYS): value}
    return value


def _odd(rng, usual, depth=3):
    """Usually `usual`, sometimes any value, sometimes `usual` nested up to 60 levels deep."""
    roll = rng.random()
    return usual if roll < 0.8 else _value(rng, depth) if roll < 0.92 else _nest(rng, usual, rng.randint(1, 60))


def _cell(rng):
    grade_id = rng.choice(NAMES + ["sigmoid_test", "imports", "setup", "intro"])
    source = rng.choice(["def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n", CORRECT_ANSWERS[rng.choice(NAMES)],
                         rng.choice(TEXTS)])
    return {"cell_type": _odd(rng, rng.choice(["code", "code", "markdown"])), "id": _odd(rng, rng.choice(TEXTS)),
            "metadata": _odd(rng, {"nbgrader": _odd(rng, {"grade_id": _odd(rng, grade_id), "locked": _scalar(rng),
                                                          "solution": True})}),
            "source": _odd(rng, rng.choice([source, source.splitlines(True)])), "outputs": _odd(rng, [])}


def _document(rng):
    """A notebook more or less: half of them shaped like one, with odd values anywhere; a few cut short."""
    if rng.random() < 0.3:
        document = _nest(rng, _value(rng, rng.randint(0, 8)), rng.randint(0, 60))
    else:
        document = {"nbformat": _odd(rng, 4, 1), "nbformat_minor": _odd(rng, 5, 1), "metadata": _odd(rng, {}),
                    "cells": _odd(rng, [_odd(rng, _cell(rng), 2) for _ in range(rng.randint(0, 12))], 2)}
        for _ in range(rng.randint(0, 3)):
            document[rng.choice(KEYS + TEXTS)] = _value(rng, 4)
    data = json.dumps(document).encode()
    roll = rng.random()
    if roll < 0.05:
        data = data[:rng.randint(0, len(data))]
    elif roll < 0.1:
        at = rng.randint(0, len(data) - 1)
        data = data[:at] + bytes([rng.randint(0, 255)]) + data[at + 1:]
    return data


def _check(found):
    assert isinstance(found, Answers)
    assert found.problem is None or (isinstance(found.problem, str) and not (found.answers or found.notes))
    if found.problem is None:
        assert set(found.answers) <= set(NAMES) and set(found.answers) | set(found.notes) == set(NAMES)
        assert all(isinstance(code, str) and not submission.SURROGATE.search(code) for code in found.answers.values())
    for text in strings([found.answers, found.notes, found.general, found.problem or ""]):
        text.encode("utf-8")


def test_300_generated_documents_each_give_answers_or_a_problem():
    rng = random.Random(20261201)
    documents = [_document(rng) for _ in range(300)]
    results = [read_answers(data, LR, NAMES) for data in documents]
    for data, found in zip(documents, results):
        _check(found)
    # the generator reaches every part of the reader: answers found, whole-file problems of every kind
    problems = [f.problem for f in results if f.problem]
    for kind in ("(JSON error", "(it holds", '"cells"', '(its "nbformat")', "(it is not UTF-8", "(it nests"):
        assert any(kind in p for p in problems), kind
    assert sum(1 for f in results if f.answers) >= 30 and sum(1 for f in results if not f.problem) >= 60
    notes = " ".join(note for f in results for note in f.notes.values())
    assert all(note in notes for note in (submission.NOT_CODE, submission.NOT_TEXT, submission.SEVERAL))
    assert max(_depth(json.loads(d)) for d, f in zip(documents, results) if not f.problem) > 50


def _depth(value):
    if isinstance(value, (list, dict)):
        return 1 + max(map(_depth, value.values() if isinstance(value, dict) else value), default=0)
    return 0


def test_generated_documents_are_graded_end_to_end(tmp_path):
    rng = random.Random(7)
    documents = [_document(rng) for _ in range(120)]
    with_answers = [d for d in documents if read_answers(d, LR, NAMES).answers][:4]
    with_problem = [d for d in documents if read_answers(d, LR, NAMES).problem][:2]
    assert len(with_answers) == 4 and len(with_problem) == 2
    reports = [grade(data, LR) for data in with_answers + with_problem]
    for report in reports:
        assert [e["name"] for e in report["exercises"]] == NAMES
        assert all(0 <= e["score"] <= e["max_score"] == POINTS[e["name"]] for e in report["exercises"])
        _nothing_later_fails_on(report, tmp_path)
    assert any(r["score"] > 0 for r in reports[:4]), "the sandbox graded none of their answers"


def test_read_file_never_raises_on_special_paths(tmp_path):
    """The kinds of files a path can name, each read without an exception (and without blocking)."""
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    paths = [tmp_path / "fifo", tmp_path / "dangling", tmp_path / "loop", "/dev/null", "/proc/self/mem", "",
             "x" * 5000, tmp_path, b"/dev/zero"]
    for path in paths:
        found = _in_a_thread(lambda: read_file(path))
        assert found.data is None and found.problem.startswith("the submission "), (path, found)
    assert stat.S_ISREG(os.stat("/proc/self/mem").st_mode)  # a regular file that cannot be read: EIO
