"""Values across the sandbox's boundary: encoded on one side, decoded as hostile data on the other.

Standard library and numpy only: this module runs inside the sandbox too.  A value is JSON with three
tagged forms, as in public_tests.encode, except that an array's data is the base64 of its bytes (quick
to make and to read, and its size is known before anything is allocated):

    {"__array__": base64 of the C-ordered bytes, "dtype": "<f8", "shape": [2, 3]}
    {"__tuple__": [value, ...]}      {"__dict__": {"key": value, ...}}

`decode` refuses, with wire.Refused, anything that is not exactly this: other tags or keys, dtypes other
than bool, int, uint and float, an array whose data does not have the length its shape says (checked
before decoding it), nesting deeper than asked, more array elements or items than the Limits allow.
"""

import base64
import binascii
import math

import numpy as np

from .wire import Refused

# The dtypes a value may have: bool, signed and unsigned ints, floats, in any byte order.
DTYPES = frozenset(f"{order}{code}" for order in "<>|=" for code in
                   ("b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "f16"))


class Limits:
    """Bounds on decoded values: nesting depth, array elements, containers and items in all."""

    def __init__(self, depth=16, elements=1 << 22, items=1 << 16):
        self.depth, self.elements, self.items = depth, elements, items

    def spend_elements(self, count):
        self.elements -= count
        if self.elements < 0:
            raise Refused("more array elements than the grader accepts")

    def spend_items(self, count=1):
        self.items -= count
        if self.items < 0:
            raise Refused("more items than the grader accepts")


# --- encoding (inside: the answers' values; outside: the inputs sent in) ---------------------------------

def encode(value, depth=32):
    """JSON-ready data for a value made of numbers, strings, None, arrays, lists, tuples and dicts.
    Raises TypeError for anything else (a generator, an object array, a complex number...)."""
    if depth < 0:
        raise TypeError("a value nested too deeply (or that contains itself)")
    if isinstance(value, np.ndarray):
        if value.dtype.str not in DTYPES:
            raise TypeError(f"an array of dtype {value.dtype}, which is not numbers")
        array = np.asarray(value)  # a subclass (np.matrix) as a plain array
        if not array.flags.c_contiguous:
            array = array.copy(order="C")
        return {"__array__": base64.b64encode(array.tobytes()).decode("ascii"), "dtype": array.dtype.str,
                "shape": list(array.shape)}
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if value is None or isinstance(value, str):
        return value if type(value) in (str, type(None)) else str.__str__(value)
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, depth - 1) for v in value]}
    if isinstance(value, list):
        return [encode(v, depth - 1) for v in value]
    if isinstance(value, dict):
        return {"__dict__": {_key(k): encode(v, depth - 1) for k, v in value.items()}}
    raise TypeError(f"a {type(value).__name__}, which is not a number, string, array, list, tuple or dict")


def _key(key):
    if isinstance(key, str):
        return str.__str__(key)
    if isinstance(key, (bool, int, float, np.integer, np.floating)) or key is None:
        return str(key.item() if isinstance(key, np.generic) else key)
    raise TypeError(f"a dict key that is a {type(key).__name__}")


# --- decoding (outside: everything that comes back is hostile) --------------------------------------------

def decode(data, limits=None, depth=None):
    """The value that `data` (already parsed JSON) stands for, or Refused (bounded by `limits`, and by
    `depth` levels of nesting if given)."""
    limits = limits or Limits()
    return _decode(data, limits, limits.depth if depth is None else depth)


def _decode(data, limits, depth):
    kind = type(data)
    if kind in (bool, float, str) or data is None:
        return data
    if kind is int:
        if not -(1 << 63) <= data < (1 << 64):
            raise Refused("an integer out of range")
        return data
    if depth <= 0:
        raise Refused("a value nested more deeply than the expected one")
    if kind is list:
        limits.spend_items(len(data))
        return [_decode(v, limits, depth - 1) for v in data]
    if kind is not dict:
        raise Refused(f"a {kind.__name__}")
    if "__array__" in data:
        return _array(data, limits)
    if len(data) != 1:
        raise Refused("an object that is not a tagged value")
    if "__tuple__" in data and type(data["__tuple__"]) is list:
        items = data["__tuple__"]
        limits.spend_items(len(items))
        return tuple(_decode(v, limits, depth - 1) for v in items)
    if "__dict__" in data and type(data["__dict__"]) is dict:
        items = data["__dict__"]
        limits.spend_items(len(items))
        return {k: _decode(v, limits, depth - 1) for k, v in items.items()}
    raise Refused("an object that is not a tagged value")


def _array(data, limits):
    if set(data) != {"__array__", "dtype", "shape"}:
        raise Refused("an array with other keys than its data, dtype and shape")
    text, dtype, shape = data["__array__"], data["dtype"], data["shape"]
    if type(dtype) is not str or dtype not in DTYPES:
        raise Refused("an array whose dtype is not bool, int, uint or float")
    if type(shape) is not list or len(shape) > 32 or any(type(n) is not int or not 0 <= n <= 1 << 31 for n in shape):
        raise Refused("an array with a malformed shape")  # each length bounded: an empty array may have huge ones
    count = 1
    for n in shape:
        count *= n
        if count > limits.elements:
            raise Refused("more array elements than the grader accepts")
    limits.spend_elements(count)
    dtype = np.dtype(dtype)
    size = count * dtype.itemsize
    if type(text) is not str or len(text) != 4 * math.ceil(size / 3):
        raise Refused("an array whose data does not have the length of its shape")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Refused("an array whose data is not base64") from None
    if len(raw) != size:
        raise Refused("an array whose data does not have the length of its shape")
    try:
        return np.frombuffer(bytearray(raw), dtype=dtype).reshape(shape)  # bytearray: writable, as inputs must be
    except ValueError:  # numpy's own bounds on dimensions
        raise Refused("an array whose shape numpy refuses") from None
