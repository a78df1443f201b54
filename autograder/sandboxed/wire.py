"""Messages across the sandbox's boundary, and the one error for anything malformed that comes back.

Standard library only: this module runs inside the sandbox too (values.py encodes what messages carry).
A message is an 8-byte big-endian length, then that many bytes of JSON.  Read outside, a message longer
than the reader's cap is refused before its body arrives, and `loads` refuses JSON with more containers
or items than a bound before parsing it: what parsing allocates is then a bounded multiple of the
message's bytes, whatever a sandbox sends.
"""

import json
import os

HEADER = 8  # bytes of a message's length


class Refused(ValueError):
    """Data that is not a well-formed value or message, or that exceeds a bound.  Its text names the rule
    that was broken and nothing the sender chose (no length, position or byte of it): a hidden phase's
    process could otherwise spell a hidden input with it."""


def frame(message):
    """The bytes of one message."""
    body = json.dumps(message, separators=(",", ":")).encode()
    return len(body).to_bytes(HEADER, "big") + body


def frame_raw(text):
    """The bytes of one message whose JSON is written already."""
    body = text.encode()
    return len(body).to_bytes(HEADER, "big") + body


def loads(body, containers=1 << 16):
    """Parse one message's JSON, refusing more than `containers` lists and objects before parsing it (a
    bound on what parsing can allocate: each container, item and string costs a bounded multiple of the
    bytes it takes in the message, which is bounded by the caller)."""
    if body.count(b"[") + body.count(b"{") > containers or body.count(b",") > 4 * containers:
        raise Refused("more items than the grader accepts")
    try:
        return json.loads(body)  # an integer of more than 4300 digits is a ValueError (sys.get_int_max_str_digits)
    except RecursionError:
        raise Refused("a value nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise Refused("not JSON") from None  # not its position or byte: the answers chose them


class Reader:
    """Splits a byte stream into messages, each at most `cap` bytes."""

    def __init__(self, cap):
        self.cap, self.buffer = cap, bytearray()

    def feed(self, data):
        """Add received bytes; return the complete message bodies (bytes).  Raise Refused on a message
        longer than the cap (before its body arrives)."""
        self.buffer += data
        bodies = []
        while len(self.buffer) >= HEADER:
            length = int.from_bytes(self.buffer[:HEADER], "big")
            if length > self.cap:
                raise Refused(f"a message over the {self.cap >> 20} MB limit")  # not its length: the answers chose it
            if len(self.buffer) < HEADER + length:
                break
            bodies.append(bytes(self.buffer[HEADER:HEADER + length]))
            del self.buffer[:HEADER + length]
        return bodies


def read_message(fd, cap=1 << 30):
    """Inside: read one message from a blocking file descriptor; None at its end."""
    header = _read_exactly(fd, HEADER)
    if header is None:
        return None
    length = int.from_bytes(header, "big")
    if length > cap:
        raise Refused("a message over the limit")
    body = _read_exactly(fd, length)
    return None if body is None else json.loads(body)


def _read_exactly(fd, count):
    chunks, left = [], count
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def write_message(fd, message):
    """Inside: write one message on a blocking file descriptor."""
    data = memoryview(frame(message))
    while data:
        data = data[os.write(fd, data):]
