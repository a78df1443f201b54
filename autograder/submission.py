"""Read a submitted notebook: its answer cells, whatever the file holds.

`read_file(path)` takes the file's bytes, `read_answers(data, assignment, names)` the code of each
exercise's answer cell from them.  Neither raises on anything a submission can be: what is wrong with it
comes back as a message for the student, either a problem with the whole file (then nothing is graded) or
a note on one exercise.

- Only a regular file is read, and at most the size limit of it: a FIFO or a device is refused without
  being read (opened without blocking, and not even opened when stat() already tells), a folder too.
- The file must be UTF-8 JSON (a UTF-8 byte-order mark is allowed, as before this module: json.loads
  skipped it), nest at most MAX_DEPTH lists and objects, hold an object with the number 4 as its
  "nbformat" and a list as its "cells".  Its "nbformat_minor" is not read (the grader needs nothing
  that depends on it).
- Nothing inside is trusted: a cell counts only if it is an object; a grade_id only if it is a string;
  a source only if it is a string or a list of strings; an answer only if its cell_type is "code".
- Lone surrogates (written "\\ud800" to "\\udfff" in the JSON: valid JSON, but no character, so Python
  cannot encode them as UTF-8) are replaced by U+FFFD in the answers' code, with a note on the exercise.
  Code that holds them only in a comment or a string is still graded, and nothing after this module (the
  sandbox's compile, the results file, the CSV, the gradebook) meets one.  An id or a grade_id with one
  simply matches no exercise; the messages are made safe by judge.safe_text.
"""

import functools
import json
import os
import re
import stat
from dataclasses import dataclass, field

from autograder import MAX_NOTEBOOK_BYTES, release_notebook

# A notebook nests about 8 deep (a cell's outputs' data a few more): 100 leaves room for JSON outputs and
# refuses, before json.loads, the files that would exhaust its recursion limit.
MAX_DEPTH = 100

DAMAGED = "it may be damaged: download it again from JupyterLab (File > Download) and submit that"
RESAVE = "open it in JupyterLab, save it, and submit again"
MISSING = ("its answer cell is missing (deleted, or its metadata changed): copy your code into a fresh copy "
           "of the assignment")
NOT_CODE = ("its answer cell is not a code cell (changed to Markdown or Raw?): make it a Code cell again, "
            "or copy your code into a fresh copy of the assignment")
NOT_TEXT = ("its answer cell's source is not text (the file was changed outside JupyterLab?): copy your "
            "code into a fresh copy of the assignment")
SEVERAL = "several cells are marked as its answer (a copied cell?); the first one was graded"
TEST_EDITED = "its test cell was edited (the grader ignores it and runs its own tests)"
SURROGATES = ("its code holds lone surrogates (\\ud800 to \\udfff in the file, which are not characters): "
              "the grader read each one as U+FFFD, the replacement character")

BOM = "\ufeff".encode()
SURROGATE = re.compile("[\ud800-\udfff]")  # json.loads pairs the valid ones: any left in a str is lone
JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # one level in (1), one out (-1 as an int8)
NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
KINDS = {stat.S_IFDIR: "a directory", stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


@dataclass
class Content:
    """What read_file found: the file's bytes, or the problem (a message for the student) that stopped it."""
    data: bytes | None
    problem: str | None = None


@dataclass
class Answers:
    """What read_answers found: {exercise: code}, {exercise: note}, [notes on the whole notebook], and the
    problem with the whole file (a message), if any: then nothing else is found."""
    answers: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    general: list = field(default_factory=list)
    problem: str | None = None


def _amount(size):
    return f"{size / 2**20:.1f}".removesuffix(".0") + " MB" if size >= 1 << 20 else f"{size} bytes"


def too_big(size, limit=MAX_NOTEBOOK_BYTES):
    """The message for a notebook of `size` bytes (None: unknown, only more than `limit`)."""
    shown = "is" if size is None else f"is {_amount(size)},"
    if size is not None and _amount(size) == _amount(limit):  # just over: the rounded sizes would read the same
        shown = f"is {size} bytes,"
    return (f"the notebook {shown} over the {_amount(limit)} limit: clear its outputs (Edit > Clear "
            "Outputs of All Cells), save, and submit again")


def _not_regular(mode):
    kind = KINDS.get(stat.S_IFMT(mode), "a special file")
    return f"the submission is not a regular file ({kind}): submit the .ipynb file itself"


def _unreadable(error):
    reason = (error.strerror or type(error).__name__) if isinstance(error, OSError) else "its path is not valid"
    return f"the submission cannot be read ({reason}): check its path, or submit the .ipynb file again"


def read_file(path, limit=MAX_NOTEBOOK_BYTES):
    """The bytes of the file at `path`, or the problem that stopped reading it (a Content)."""
    try:
        # A FIFO or a device is refused before it is opened (opening some devices does something) ...
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            return Content(None, _not_regular(mode))
        # ... and, in case the path changed meanwhile, the open must not block (a FIFO without a writer
        # would) nor take a terminal as this process's own; what was opened is what is checked.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        return Content(None, _unreadable(error))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Content(None, _not_regular(info.st_mode))
        if info.st_size > limit:
            return Content(None, too_big(info.st_size, limit))
        chunks, size = [], 0
        while size <= limit:  # bounded: a file may hold more than its size says (/proc) or grow meanwhile
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # its size is not known: only the first limit + 1 bytes were read
            return Content(None, too_big(None, limit))
        return Content(b"".join(chunks))
    except OSError as error:
        return Content(None, _unreadable(error))
    finally:
        os.close(fd)


def _deeper_than(data, depth):
    """Whether the JSON in `data` nests more than `depth` lists and objects (exactly, for valid JSON)."""
    if data.count(b"[") + data.count(b"{") <= depth:
        return False
    import numpy as np  # a C loop over up to 20 MB of brackets; the grader has loaded numpy already
    steps = JSON_STRING.sub(b"", data).translate(STEPS, NOT_BRACKETS)  # brackets in strings do not count
    level, chunk = 0, 1 << 20
    for start in range(0, len(steps), chunk):
        levels = np.cumsum(np.frombuffer(steps[start:start + chunk], np.int8), dtype=np.int32) + level
        if levels.max() > depth:
            return True
        level = int(levels[-1])
    return False


def _shown(value):
    """A short description of a JSON value, for a message."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(value)[:20]
    if isinstance(value, str):
        return f"the string {value[:20]!r}"
    return "a list" if isinstance(value, list) else "an object"


def _load(data):
    """(the notebook's JSON object, None) or (None, the problem with the file)."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        return None, too_big(len(data))
    if not data.strip():
        return None, f"the file is not a valid notebook (it is empty); {DAMAGED}"
    skip = len(BOM) if data.startswith(BOM) else 0
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as error:
        at = skip + error.start
        return None, (f"the file is not a valid notebook (it is not UTF-8 text: byte 0x{data[at]:02x} at position "
                      f"{at}); {DAMAGED}")
    deep = (f"the file is not a valid notebook (it nests lists or objects more than {MAX_DEPTH} levels deep); "
            f"{DAMAGED}")
    if _deeper_than(data, MAX_DEPTH):
        return None, deep
    try:
        notebook = json.loads(text)
    except RecursionError:  # the check above makes it unlikely; the JSON decoder raises it past its limit
        return None, deep
    except ValueError as error:  # including an integer of over 4300 digits
        return None, f"the file is not a valid notebook (JSON error: {str(error)[:120]}); {DAMAGED}"
    if not isinstance(notebook, dict):
        return None, f"the file is not a valid notebook (it holds {_shown(notebook)}, not a JSON object); {DAMAGED}"
    return notebook, None


def _get(mapping, key):
    return mapping.get(key) if isinstance(mapping, dict) else None


def _text(source):
    """A cell's source as a string, or None if it is neither a string nor a list of strings."""
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return source if isinstance(source, str) else None


def _note(notes, exercise, note):
    """Add a note (once) to an exercise's."""
    if exercise not in notes:
        notes[exercise] = note
    elif note not in notes[exercise]:
        notes[exercise] += f"; {note}"


@functools.lru_cache(maxsize=None)
def locked_cells(assignment):
    """{grade_id: source} of the release's locked cells, to tell the student which ones they edited."""
    cells = json.loads(release_notebook(assignment).read_text(encoding="utf-8"))["cells"]
    return {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in cells
            if c["metadata"].get("nbgrader", {}).get("locked")}


def read_answers(data, assignment, names):
    """The answer cells of the exercises `names` in the notebook whose bytes are `data` (an Answers)."""
    notebook, problem = _load(bytes(data))
    if problem is not None:
        return Answers(problem=problem)
    version = notebook.get("nbformat")
    if type(version) is int and version != 4:
        return Answers(problem=f"the notebook is saved in format {version}, and the course needs format 4: {RESAVE}")
    if type(version) is not int:  # "4", 4.0, true...: JupyterLab writes the number
        shown = "missing" if "nbformat" not in notebook else _shown(version)
        return Answers(problem=f'the notebook\'s format (its "nbformat") is {shown}, where the course needs '
                               f"the number 4: {RESAVE}")
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        shown = "it has no" if "cells" not in notebook else f"it holds {_shown(cells)} as its"
        return Answers(problem=f'the file is not a valid notebook ({shown} "cells", where a notebook has a list); '
                               f"{DAMAGED}")
    return _find(cells, locked_cells(assignment), set(names), names)


def _find(cells, locked, wanted, names):
    found = Answers()
    refused, edited = {}, {}  # {exercise: why its only cells could not be graded}, {locked grade_id: None}
    for cell in cells:
        name = _get(_get(_get(cell, "metadata"), "nbgrader"), "grade_id")
        if not isinstance(name, str):  # unhashable, or a number: no exercise's
            continue
        source = _text(cell.get("source", ""))
        if name in locked and source != locked[name]:
            exercise = name.removesuffix("_test")
            if exercise in wanted:
                _note(found.notes, exercise, TEST_EDITED)
            else:
                edited[name] = None
        if name not in wanted:
            continue
        if cell.get("cell_type") != "code":
            refused.setdefault(name, NOT_CODE)
        elif source is None:
            refused.setdefault(name, NOT_TEXT)
        elif name in found.answers:
            _note(found.notes, name, SEVERAL)
        else:
            if SURROGATE.search(source):
                source = SURROGATE.sub("\ufffd", source)
                _note(found.notes, name, SURROGATES)
            found.answers[name] = source
    for name in names:
        if name not in found.answers:
            _note(found.notes, name, refused.get(name, MISSING))
    if edited:
        found.general.append(f"locked cells were edited ({', '.join(edited)}); the grader ignores them and "
                             "uses the assignment's own")
    return found
