"""Splitting the client's byte stream into JSON-RPC messages, robustly.

pygls 2 matches `Content-Length: N\\r\\n` exactly (case and line ending) and
trusts N. One bad frame then wedges it for good: a lowercase or LF-only header
is never recognised, a wrong N reads into the next message or waits for bytes
that never come, and a huge N is allocated (MemoryError).

Here header names are case-insensitive, lines may end in LF, and N is a hint
checked against the JSON itself: the body is the JSON value that starts after
the headers. When N is missing, malformed, too large or wrong, the message is
still found (and the fault reported); after garbage the stream resynchronises
at the next `Content-Length`/`Content-Type` header.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# Larger messages are dropped unread: a didOpen far over the size we would ever
# analyse (2 MB) is not worth the memory.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# A header line longer than this is garbage.
MAX_HEADER_BYTES = 8 * 1024

_HEADER_START = re.compile(rb"content-(?:length|type)[ \t]*:", re.IGNORECASE)
_HEADER_NAME = re.compile(rb"[A-Za-z0-9-]+")
_DECODER = json.JSONDecoder()
# A Content-Length header, maybe more headers, a blank line, a JSON object: a
# message really starts there (used to cut short a body whose size was a lie).
_NEW_MESSAGE = re.compile(
    rb"content-length[ \t]*:[ \t]*\d+\r?\n(?:[^\n]*\n)*?\r?\n\s*\{", re.IGNORECASE
)


@dataclass(frozen=True)
class Message:
    content: Any  # the decoded JSON value


@dataclass(frozen=True)
class Fault:
    """Something wrong in the stream; `parse_error` when a body was not JSON."""

    text: str
    parse_error: bool = False


Event = Message | Fault


class Framer:
    """Feed bytes in, get messages and faults out, in stream order."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._in_body = False
        self._seen_header = False
        self._length: int | None = None  # the declared length, when usable
        self._skip = 0  # bytes of an oversized body still to drop
        self._scanned = 0  # body bytes already searched for a header start

    def feed(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        if self._skip:
            data = self._drop_oversized(data)
        self._buffer += data
        while True:
            step = self._body() if self._in_body else self._header_line()
            if step is None:
                return events
            events.extend(step)
            if self._skip:
                rest = self._drop_oversized(bytes(self._buffer))
                self._buffer = bytearray(rest)

    # --- headers --------------------------------------------------------------------

    def _header_line(self) -> list[Event] | None:
        """Consume one header line; None when more bytes are needed."""
        buffer = self._buffer
        end = buffer.find(b"\n")
        if end < 0:
            if len(buffer) > MAX_HEADER_BYTES:
                return [self._resync("a header line without end")]
            return None
        line = bytes(buffer[:end]).rstrip(b"\r")
        if not line.strip():
            del buffer[: end + 1]
            if self._seen_header:  # blank lines between messages are harmless
                self._in_body, self._scanned = True, 0
            return []
        name, colon, value = line.partition(b":")
        if not colon or not _HEADER_NAME.fullmatch(name.strip()):
            start = _HEADER_START.search(line)
            if start is not None and start.start() > 0:
                del buffer[: start.start()]  # garbage glued to the next header
                return [Fault(f"skipped {start.start()} bytes of garbage before a header")]
            del buffer[: end + 1]
            return [Fault(f"skipped a line that is not a header: {line[:60]!r}")]
        del buffer[: end + 1]
        self._seen_header = True
        if name.strip().lower() != b"content-length":
            return []
        value = value.strip()
        if not value.isdigit():
            self._length = None
            return [Fault(f"invalid Content-Length {value[:30]!r}; reading the JSON instead")]
        length = int(value)
        if length > MAX_MESSAGE_BYTES:
            self._length, self._skip, self._seen_header = None, length, False
            return [Fault(f"dropped a message of {length} bytes, over the size limit")]
        self._length = length
        return []

    # --- body -----------------------------------------------------------------------

    def _body(self) -> list[Event] | None:
        buffer = self._buffer
        length = self._length
        if length is not None and len(buffer) >= length:
            try:
                content = json.loads(bytes(buffer[:length]))
            except ValueError:
                return self._find_json(frame_known=True)
            del buffer[:length]
            self._end_message()
            return [Message(content)]
        if len(buffer) > MAX_MESSAGE_BYTES:
            return [self._resync("a message over the size limit")]
        # Fewer bytes than declared, or no usable declaration. If a complete JSON
        # value is already here, followed by nothing or by the next header, the
        # declared length was wrong and waiting for it would wait forever. Tried
        # only when the data could end a value, so a large message arriving in
        # chunks is not re-parsed on every chunk.
        marker = _HEADER_START.search(buffer, max(0, self._scanned - 32))
        self._scanned = len(buffer)
        if marker is not None or bytes(buffer[-64:]).rstrip().endswith((b"}", b"]")):
            return self._find_json(frame_known=False)
        return None

    def _find_json(self, frame_known: bool) -> list[Event] | None:
        """The JSON value at the start of the body, whatever the length said."""
        buffer = self._buffer
        try:
            text = bytes(buffer).decode("utf-8", "surrogatepass")
        except UnicodeDecodeError as exc:
            text = bytes(buffer[: exc.start]).decode("utf-8", "surrogatepass")
        start = len(text) - len(text.lstrip())
        try:
            content, end = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            if _stops_early(exc):
                # The rest has not arrived yet (a header's text inside a JSON string
                # is no reason to cut a message; MAX_MESSAGE_BYTES bounds the wait).
                return None
            if frame_known and self._length is not None:
                del buffer[: self._length]  # the frame was right, its JSON is not
                self._end_message()
                return [Fault("a message body is not valid JSON", parse_error=True)]
            return [self._resync("a message body that is not valid JSON", parse_error=True)]
        consumed = len(text[:end].encode("utf-8", "surrogatepass"))
        declared = self._length
        del buffer[:consumed]
        self._end_message()
        events: list[Event] = [Message(content)]
        if declared != consumed:
            said = "no usable Content-Length" if declared is None else f"Content-Length {declared}"
            events.insert(0, Fault(f"{said} for a {consumed}-byte message; resynchronised"))
        return events

    def _end_message(self) -> None:
        self._in_body = self._seen_header = False
        self._length = None

    def _resync(self, what: str, parse_error: bool = False) -> Fault:
        """Drop bytes up to the next header start (or all of them)."""
        buffer = self._buffer
        marker = _HEADER_START.search(buffer, 1)
        dropped = marker.start() if marker is not None else len(buffer)
        del buffer[:dropped]
        self._end_message()
        return Fault(f"skipped {dropped} bytes: {what}", parse_error=parse_error)

    def _drop_oversized(self, data: bytes) -> bytes:
        """Drop the rest of an oversized body as it arrives; return what follows it."""
        start = _NEW_MESSAGE.search(data)
        if start is not None and start.start() < self._skip:
            self._skip = 0  # the declared size was a lie: a new message starts here
            return data[start.start() :]
        taken = min(self._skip, len(data))
        self._skip -= taken
        return data[taken:]


def _stops_early(exc: json.JSONDecodeError) -> bool:
    """Whether decoding failed only because the JSON text ends too soon."""
    return exc.pos >= len(exc.doc.rstrip()) or exc.msg.startswith("Unterminated string")
