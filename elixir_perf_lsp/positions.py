"""Byte offsets ↔ line/column positions in utf-8, utf-16 or utf-32 code units.

Findings carry byte offsets into the UTF-8 source; editors speak (line, character)
where a line ends at `\\n`, `\\r\\n` or `\\r` (LSP's definition, not Python's
`splitlines`, which also breaks at `\\f` and `\\u2028`) and a character is counted in
the negotiated encoding. This module is the only place those two meet.
"""

from __future__ import annotations

import enum
from bisect import bisect_right
from itertools import accumulate


class Encoding(enum.Enum):
    UTF8 = "utf-8"
    UTF16 = "utf-16"
    UTF32 = "utf-32"


def decode(data: bytes) -> str:
    # surrogatepass keeps lone surrogates a client sent us round-trippable.
    return data.decode("utf-8", "surrogatepass")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def units(text: str, encoding: Encoding) -> int:
    """Length of `text` in code units of `encoding`."""
    if encoding is Encoding.UTF32 or text.isascii():
        return len(text) if encoding is not Encoding.UTF8 else len(encode(text))
    if encoding is Encoding.UTF8:
        return len(encode(text))
    # In C, not a Python loop per character: a 1 MB line costs milliseconds.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _prefix(text: str, count: int, encoding: Encoding) -> str:
    """The longest prefix of `text` at most `count` code units long that ends on a
    character boundary (a position inside a surrogate pair snaps to its start)."""
    if encoding is Encoding.UTF32:
        return text[:count]
    prefix = text.encode("utf-16-le", "surrogatepass")[: 2 * count].decode(
        "utf-16-le", "surrogatepass"
    )
    if prefix and prefix[-1] != text[len(prefix) - 1]:
        prefix = prefix[:-1]  # the cut left half of an astral character
    return prefix


class LineIndex:
    """Line starts of one source, for converting offsets both ways."""

    __slots__ = ("_source", "_starts")

    def __init__(self, source: bytes) -> None:
        self._source = source
        # bytes.splitlines breaks exactly at \n, \r\n and \r (unlike str.splitlines),
        # and runs in C: much faster than a regex scan on a 10k-line buffer.
        self._starts = [0, *accumulate(map(len, source.splitlines(keepends=True)))]
        if source[-1:] not in (b"", b"\n", b"\r"):
            self._starts.pop()  # the last line has no break, so no line follows it

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_span(self, line: int) -> tuple[int, int]:
        """Byte span of `line` without its line break."""
        start = self._starts[line]
        if line + 1 < len(self._starts):
            end = self._starts[line + 1]
            if self._source[end - 2 : end] == b"\r\n":
                return start, end - 2
            return start, end - 1
        return start, len(self._source)

    def offset(self, line: int, character: int, encoding: Encoding) -> int:
        """Byte offset of an editor position, clamped as LSP requires.

        A line past the end means the end of the document; a character past the
        end of its line means the end of that line; a position inside a
        multi-unit character snaps to that character's start.
        """
        if line < 0:
            return 0
        if line >= len(self._starts):
            return len(self._source)
        start, end = self.line_span(line)
        if character <= 0:
            return start
        raw = self._source[start:end]
        if encoding is Encoding.UTF8 or raw.isascii():
            col = min(character, len(raw))
            # Never land inside a UTF-8 sequence: back up to a lead byte.
            while 0 < col < len(raw) and (raw[col] & 0xC0) == 0x80:
                col -= 1
            return start + col
        return start + len(encode(_prefix(decode(raw), character, encoding)))

    def position(self, offset: int, encoding: Encoding) -> tuple[int, int]:
        """(line, character) of a byte offset, both 0-based."""
        offset = max(0, min(offset, len(self._source)))
        line = bisect_right(self._starts, offset) - 1
        start, end = self.line_span(line)
        # An offset between \r and \n belongs to the end of the line.
        offset = min(offset, end)
        return line, units(decode(self._source[start:offset]), encoding)


def ts_point(source: bytes, offset: int) -> tuple[int, int]:
    """tree-sitter's point for an offset: rows split at `\\n` only, columns in bytes."""
    row = source.count(b"\n", 0, offset)
    line_start = source.rfind(b"\n", 0, offset) + 1
    return row, offset - line_start
