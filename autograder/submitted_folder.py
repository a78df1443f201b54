"""Find and read the notebooks of nbgrader's submitted/ folder, trusting nothing in it.

Students decide what reaches submitted/ (nbgrader collect copies their folder), so a notebook is read only
when it is a regular file in a real folder of its student's: each level below submitted/ (the student's
folder, the assignment's folder, the notebook) is looked at with lstat and opened relative to the
descriptor of the level above, with O_NOFOLLOW. A symbolic link (to the instructor's source/, to another
student's folder, to /dev/zero), a named pipe (reading it would block for ever), a device, a socket or a
folder named like the notebook is refused, and so is an entry swapped for one of them between the look and
the open (the descriptor is checked with fstat). The notebook is read through that descriptor, at most
MAX_NOTEBOOK_BYTES + 1 bytes: those bytes are the ones hashed and graded. submitted/ itself is the
instructor's folder: it may be a link.

A student folder's name becomes the student id, in file names, the CSV and the gradebook, so only names
that are a plausible JupyterHub user name are graded (see student_id_problem); the others are skipped with
a warning that shows the name escaped and says how to rename the folder. Hidden entries (".name") are
skipped silently, as nbgrader's own globbing does.
"""

import errno
import os
import stat
from pathlib import Path

from autograder import MAX_NOTEBOOK_BYTES

MAX_ID_BYTES = 128  # nbgrader's student.id column is a String(128)
ID_PUNCTUATION = "_.-@"

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


class Refused(Exception):
    """A submission the grader does not read: its message says why and what to do."""


def shown(name):
    """A folder name as one printable line: what is not printable written as bash's $'...' escapes
    (a byte that is not UTF-8 as \\xff), so that `mv -- $'submitted/<shown>' ...` names the folder."""
    out = []
    for c in name:
        code = ord(c)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.listdir's surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif c in "\\'":
            out.append("\\" + c)
        elif c.isprintable():
            out.append(c)
        else:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def student_id_problem(name):
    """Why a folder name cannot be a student id, or None. An id is valid UTF-8, printable, at most
    MAX_ID_BYTES bytes, starts with a letter, a digit or '_' (a leading '-' reads as an option to command-line
    tools, a leading '=', '+', '@' as a formula to spreadsheets) and holds only letters, digits and _ . - @
    (no path separator, no NUL, no space, nothing that nbgrader's paths would glob or split on: * ? [ +)."""
    try:
        text = os.fsencode(name).decode("utf-8")
    except UnicodeDecodeError:
        return "its name is not valid UTF-8"
    if not all(c.isprintable() for c in text):
        return "its name holds a control or invisible character (a newline, a tab...)"
    size = len(text.encode("utf-8"))
    if size > MAX_ID_BYTES:
        return f"its name is {size} bytes long, and a student id has at most {MAX_ID_BYTES}"
    if not (text[0].isalnum() or text[0] == "_"):
        return f"its name starts with {text[0]!r}, and a student id starts with a letter, a digit or '_'"
    odd = sorted({c for c in text if not (c.isalnum() or c in ID_PUNCTUATION)})
    if odd:
        return (f"its name holds {''.join(odd)!r}, and a student id holds only letters, digits and "
                f"{' '.join(ID_PUNCTUATION)}")
    return None


def find(course, assignments):
    """([(student, assignment)], [warning]): the submissions to grade, in `assignments` order, and the
    folders skipped. A student folder that is a link counts for every assignment (read() refuses it: the
    grader does not look behind it)."""
    found, warnings = [], []
    top = os.open(Path(course) / "submitted", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for name in sorted(os.listdir(top)):
            if name.startswith("."):
                continue
            try:
                mode = os.stat(name, dir_fd=top, follow_symlinks=False).st_mode
            except OSError:  # gone meanwhile
                continue
            if not (stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
                warnings.append(f"submitted/{shown(name)} is not a folder (it is {_kind(mode)}): skipped")
                continue
            problem = student_id_problem(name)
            if problem:
                warnings.append(f"submitted/{shown(name)} is skipped: {problem}. Rename it to the student's id "
                                f"(their JupyterHub user name), e.g. mv -- $'submitted/{shown(name)}' "
                                "submitted/STUDENT_ID, and run the batch again")
                continue
            found += [(name, assignment) for assignment in _submitted(top, name, mode, assignments)]
    finally:
        os.close(top)
    order = {assignment: k for k, assignment in enumerate(assignments)}
    return sorted(found, key=lambda f: (order[f[1]], f[0])), warnings


def _submitted(top, name, mode, assignments):
    """The assignments that the student folder `name` has an entry for (every one, if it is no folder)."""
    if not stat.S_ISDIR(mode):
        return list(assignments)
    try:
        folder = os.open(name, _FOLDER, dir_fd=top)
    except OSError:  # changed since the look: read() says how
        return list(assignments)
    try:
        return [a for a in assignments if _exists(folder, a)]
    finally:
        os.close(folder)


def _exists(folder, name):
    try:
        os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return False
    except OSError:
        pass  # there, but unreadable: read() says so
    return True


def _kind(mode):
    for test, kind in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a folder"), (stat.S_ISREG, "a regular file")):
        if test(mode):
            return kind
    return "a special file"


def _refusal(path, kind, folder):
    if folder:
        return (f"{path} is {kind}: the grader reads only real folders here, not links or other files; collect "
                "the submission again")
    return f"{path} is {kind}: the grader reads only regular files; collect the submission again"


def _open(parent, name, path, folder):
    """A descriptor of `name` in the folder `parent`: a folder (if `folder`) or a regular file; raise Refused."""
    wanted = stat.S_ISDIR if folder else stat.S_ISREG
    try:
        mode = os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode
    except FileNotFoundError:
        hint = "" if folder else " (the notebook must keep the assignment's name)"
        raise Refused(f"{path} is missing{hint}; collect the submission again") from None
    except OSError as error:
        raise Refused(f"{path} cannot be read ({error.strerror}): let the grader read it, or collect the "
                      "submission again") from None
    if not wanted(mode):
        raise Refused(_refusal(path, _kind(mode), folder))
    try:
        fd = os.open(name, _FOLDER if folder else _FILE, dir_fd=parent)
    except OSError as error:  # swapped since the look (ELOOP: for a link), or unreadable
        if error.errno in (errno.ELOOP, errno.ENOTDIR, errno.ENXIO):
            raise Refused(_refusal(path, "no longer what it was when the grader looked (a link now?)",
                                   folder)) from None
        raise Refused(f"{path} cannot be read ({error.strerror}): let the grader read it, or collect the "
                      "submission again") from None
    mode = os.fstat(fd).st_mode
    if not wanted(mode):
        os.close(fd)
        raise Refused(_refusal(path, _kind(mode), folder))
    return fd


def _read_bounded(fd):
    from autograder.submission import too_big
    size = os.fstat(fd).st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise Refused(too_big(size))
    chunks, total = [], 0
    while total <= MAX_NOTEBOOK_BYTES:  # the file may grow while it is read
        chunk = os.read(fd, min(1 << 20, MAX_NOTEBOOK_BYTES + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > MAX_NOTEBOOK_BYTES:
        raise Refused(too_big(None))
    return b"".join(chunks)


def read(course, student, assignment):
    """(the notebook's bytes, None), or (None, the problem: what is wrong and what to do)."""
    names = [student, assignment, f"{assignment}.ipynb"]
    descriptors = [os.open(Path(course) / "submitted", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)]
    try:
        for depth, name in enumerate(names):
            path = "/".join(["submitted", *names[:depth + 1]])
            descriptors.append(_open(descriptors[-1], name, path, folder=depth < 2))
        return _read_bounded(descriptors[-1]), None
    except Refused as refused:
        return None, str(refused)
    finally:
        for fd in descriptors:
            os.close(fd)
