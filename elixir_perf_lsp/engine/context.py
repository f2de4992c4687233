"""What a check sees besides its match: the source, the tree and the target versions."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from elixir_perf_lsp.engine.options import Target
from elixir_perf_lsp.positions import decode, line_start
from elixir_perf_lsp.syntax import Node, comment_spans, quoting_spans


class Context:
    __slots__ = ("_comments", "_quoting", "crlf", "root", "source", "target")

    def __init__(self, source: bytes, root: Node, target: Target) -> None:
        self.source = source
        self.root = root
        self.target = target
        # Whether fixes must write CRLF line endings; computed once per analysis.
        self.crlf = b"\r\n" in source
        self._comments: list[tuple[int, int]] | None = None
        self._quoting: list[tuple[int, int, str]] | None = None

    def comments_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """Byte spans of the comments lying inside [start, end)."""
        if self._comments is None:
            self._comments = comment_spans(self.root) if b"#" in self.source else []
        first = bisect_left(self._comments, (start, start))
        out = []
        for span in self._comments[first:]:
            if span[0] >= end:
                break
            if span[1] <= end:
                out.append(span)
        return out

    def quoting_call_around(self, start: int, end: int) -> str | None:
        """`quote` or `dbg` when [start, end) lies inside such a call, else None.

        Code there is data: `quote` returns its AST and `dbg` prints its source,
        so rewriting it changes what the program sees. The spans are found once
        per analysis (one query), so asking is a bisection, not a walk to the root.
        """
        if self._quoting is None:
            mentioned = b"quote" in self.source or b"dbg" in self.source
            self._quoting = quoting_spans(self.root) if mentioned else []
        index = bisect_right(self._quoting, (start, float("inf"), "")) - 1
        # Spans nest, so look back past the ones that closed before `start`.
        while index >= 0:
            _start, span_end, name = self._quoting[index]
            if span_end >= end:
                return name
            index -= 1
        return None

    def span_text(self, start: int, end: int) -> str:
        return decode(self.source[start:end])

    def line_indent(self, offset: int) -> str:
        """The whitespace that starts the line holding `offset`."""
        start = line_start(self.source, offset)
        end = start
        while end < len(self.source) and self.source[end] in b" \t":
            end += 1
        return decode(self.source[start:end])
