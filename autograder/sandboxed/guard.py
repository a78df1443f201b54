"""Tells an answer that replaced a function of Python, numpy or the grader's own code that it did so.

This is for a clear message, not for security: the answers run in the same process as this check and can
change anything in it.  Nothing they could change here matters to the grade, because nothing in the
process is trusted: it holds no part of the answer key, and what it sends back is judged outside.  An
answer that breaks numpy (np.sum = my_sum) would otherwise get puzzling errors, or results that look
like its own mistakes.

A module is snapshotted once, in the warm process; each check compares it with the snapshot.
"""

import ctypes
import operator
import sys
import types

GUARDED = ["builtins", "numpy", "numpy._core.numeric", "numpy._core.fromnumeric", "json", "json.encoder",
           "base64", "copy", "io", "contextlib", "types", "inspect", "public_tests", "sandboxed.wire", "sandboxed.values",
           "sandboxed.exercise", "sandboxed.guard"]
# Modules whose Python functions' code is also compared: a function can be changed in place
# (f.__code__ = ...), which leaves its module's namespace as it was.
CODE_CHECKED = ("public_tests", "sandboxed.wire", "sandboxed.values", "sandboxed.exercise", "sandboxed.guard")

_SNAPSHOT = {}  # module name: (its namespace, the names in it, their values, a copy, its version or None)
_CODES = ()  # (function, its code, its defaults, its keyword defaults) of CODE_CHECKED's functions


class Tampered(Exception):
    """The answers replaced a function of Python, numpy or the grader."""


def _version_reader():
    """A function that reads a dict's version tag, or None where it is not known to work.

    CPython 3.11 gives every dict a version (PEP 509) that each change of the dict changes.  Read from the
    dict's memory, it tells that a module is unchanged without touching the objects in it: comparing them
    would add a reference to each, and so make every exercise's process copy the pages they sit on from
    its parent.  Checked here on a dict, and used only on CPython 3.11."""
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11):
        return None
    field = ctypes.c_uint64.from_address

    def version(namespace, id=id):
        return field(id(namespace) + 24).value  # after the reference count, the type and the size

    probe = {}
    first = version(probe)
    probe["key"] = 1
    second = version(probe)
    probe["key"] = 2
    return version if first != second != version(probe) else None


VERSION = _version_reader()


def snapshot():
    """Record the guarded modules as they are now (in the warm process, after the assignment's imports)."""
    global _CODES
    functions = [value for name in CODE_CHECKED if name in sys.modules
                 for value in vars(sys.modules[name]).values()
                 if isinstance(value, types.FunctionType) and value.__module__ == name]
    functions += [value for name in CODE_CHECKED if name in sys.modules
                  for cls in vars(sys.modules[name]).values() if isinstance(cls, type) and cls.__module__ == name
                  for value in vars(cls).values() if isinstance(value, types.FunctionType)]
    _CODES = tuple((f, f.__code__, f.__defaults__, f.__kwdefaults__) for f in functions)  # before the modules
    for name in GUARDED:
        if name in sys.modules:
            namespace = vars(sys.modules[name])
            keys = tuple(key for key in namespace if not key.startswith("__"))  # dunders may change: not checked
            _SNAPSHOT[name] = (namespace, keys, tuple(namespace[key] for key in keys), dict(namespace),
                               VERSION(namespace) if VERSION else None)


def restore(version_of=VERSION):
    """Put back what the answers replaced, so that the runner itself can report (unchanged modules are left
    as they are)."""
    for namespace, _, _, saved, version in _SNAPSHOT.values():
        if version is None or version_of(namespace) != version:
            namespace.update(saved)
    for function, code, defaults, kwdefaults in _CODES:
        function.__code__, function.__defaults__, function.__kwdefaults__ = code, defaults, kwdefaults


def check(tuple=tuple, map=map, any=any, zip=zip, next=next, is_not=operator.is_not, version_of=VERSION):
    """Raise Tampered if a guarded name now stands for another object, or a checked function has other
    code (a deleted name is put back by restore()).  A module whose version did not change is not looked
    into.  The functions it uses are bound when this module loads, so that answers replacing builtins.any
    or operator.is_not cannot turn the check off."""
    for name, (namespace, keys, values, _, version) in _SNAPSHOT.items():
        if version is not None and version_of(namespace) == version:
            continue
        try:
            current = tuple(map(namespace.__getitem__, keys))
        except KeyError:
            current = tuple(namespace.get(key, value) for key, value in zip(keys, values))
        if any(map(is_not, current, values)):
            key = next(k for k, now, then in zip(keys, current, values) if now is not then)
            raise Tampered(f"the answers replaced {name}.{key}: the grader does not run code that changes "
                           "Python's, numpy's or the tests' own functions")
    for function, code, defaults, kwdefaults in _CODES:
        if function.__code__ is not code or function.__defaults__ is not defaults \
                or function.__kwdefaults__ is not kwdefaults:
            raise Tampered(f"the answers changed the code of {function.__module__}.{function.__qualname__}: "
                           "the grader does not run code that changes Python's, numpy's or the tests' own "
                           "functions")
