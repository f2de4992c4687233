"""An open buffer: our own bytes and an incrementally re-parsed tree."""

from __future__ import annotations

from dataclasses import dataclass

from elixir_perf_lsp import syntax
from elixir_perf_lsp.positions import Encoding, LineIndex, encode, ts_point


@dataclass(frozen=True)
class TextChange:
    """One content change: `range` is ((line, char), (line, char)) or None for all text."""

    range: tuple[tuple[int, int], tuple[int, int]] | None
    text: str


@dataclass(frozen=True)
class ByteEdit:
    """What a change did in bytes, for incremental analysis and tree edits."""

    start: int
    old_end: int
    new_end: int


class Document:
    __slots__ = ("_line_index", "encoding", "source", "tree", "uri", "version")

    def __init__(self, uri: str, source: bytes, version: int | None, encoding: Encoding) -> None:
        self.uri = uri
        self.source = source
        self.version = version
        self.encoding = encoding
        self.tree = syntax.parse(source)
        self._line_index: LineIndex | None = None

    @property
    def line_index(self) -> LineIndex:
        if self._line_index is None:
            self._line_index = LineIndex(self.source)
        return self._line_index

    def apply(self, change: TextChange) -> ByteEdit:
        """Apply one change to the bytes and the tree; return its byte edit."""
        new_text = encode(change.text)
        old = self.source
        if change.range is None:
            start, old_end = 0, len(old)
        else:
            (sl, sc), (el, ec) = change.range
            index = self.line_index
            start = index.offset(sl, sc, self.encoding)
            old_end = index.offset(el, ec, self.encoding)
            if old_end < start:
                # A reversed range is a client bug; treat it as the span it covers.
                start, old_end = old_end, start
        new = old[:start] + new_text + old[old_end:]
        new_end = start + len(new_text)
        syntax.edit_tree(
            self.tree,
            start,
            old_end,
            new_end,
            ts_point(old, start),
            ts_point(old, old_end),
            ts_point(new, new_end),
        )
        self.source = new
        self.tree = syntax.parse(new, self.tree)
        self._line_index = None
        return ByteEdit(start, old_end, new_end)
