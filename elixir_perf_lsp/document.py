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
    # Where the tree's structure changed (new coordinates), when error recovery
    # was involved: then an edit can reshape code far from it.
    changed: tuple[tuple[int, int], ...] = ()


def compose(first: ByteEdit, second: ByteEdit) -> ByteEdit:
    """One edit covering `first` then `second` (given in coordinates after `first`)."""
    delta1 = first.new_end - first.old_end
    delta2 = second.new_end - second.old_end

    def back(p: int) -> int:  # after-first → original coordinates
        if p <= first.start:
            return p
        return p - delta1 if p >= first.new_end else first.old_end

    def forward(p: int) -> int:  # after-first → final coordinates
        if p <= second.start:
            return p
        return p + delta2 if p >= second.old_end else second.new_end

    start = min(first.start, second.start)
    old_end = max(first.old_end, back(second.old_end))
    new_end = max(forward(first.new_end), second.new_end)
    changed = tuple((forward(a), forward(b)) for a, b in first.changed) + second.changed
    return ByteEdit(start, old_end, new_end, changed)


class Document:
    """Bytes are the truth; the tree is a cache that may be dropped to save memory
    (a 1k-line buffer's tree takes ~700 KB) and is re-parsed on demand."""

    __slots__ = ("_line_index", "_tree", "encoding", "pending", "source", "uri", "version")

    def __init__(self, uri: str, source: bytes, version: int | None, encoding: Encoding) -> None:
        self.uri = uri
        self.source = source
        self.version = version
        self.encoding = encoding
        # Parsed on first use, so opening a buffer too large to analyse costs nothing.
        self._tree: syntax.Tree | None = None
        self._line_index: LineIndex | None = None
        # Everything changed since the last analysis, as one covering edit.
        self.pending: ByteEdit | None = None

    @property
    def tree(self) -> syntax.Tree:
        if self._tree is None:
            self._tree = syntax.parse(self.source)
        return self._tree

    @property
    def has_tree(self) -> bool:
        return self._tree is not None

    def tree_if_parsed(self, copy: bool = False) -> syntax.Tree | None:
        """The tree without parsing; `copy` for a reader in another thread, which
        must not see the in-place edit of the next change."""
        if self._tree is None:
            return None
        return self._tree.copy() if copy else self._tree

    def adopt_tree(self, tree: syntax.Tree) -> None:
        """A tree parsed elsewhere from exactly this buffer's current bytes."""
        self._tree = tree

    def drop_tree(self) -> None:
        self._tree = None

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
        changed: tuple[tuple[int, int], ...] = ()
        if self._tree is not None:
            old_tree = self._tree
            syntax.edit_tree(
                old_tree,
                start,
                old_end,
                new_end,
                ts_point(old, start),
                ts_point(old, old_end),
                ts_point(new, new_end),
            )
            self._tree = syntax.parse(new, old_tree)
            if old_tree.root_node.has_error or self._tree.root_node.has_error:
                changed = syntax.changed_ranges(old_tree, self._tree)
        else:
            # No old tree to compare with: treat the whole buffer as changed.
            changed = ((0, len(new)),)
        self.source = new
        self._line_index = None
        edit = ByteEdit(start, old_end, new_end, changed)
        self.pending = edit if self.pending is None else compose(self.pending, edit)
        return edit
