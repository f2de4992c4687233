"""What a check sees besides its match: the source, the tree and the target versions."""

from __future__ import annotations

from bisect import bisect_left

from elixir_perf_lsp.engine.options import Target
from elixir_perf_lsp.positions import decode
from elixir_perf_lsp.syntax import Node, comment_spans


class Context:
    __slots__ = ("_comments", "crlf", "root", "source", "target")

    def __init__(self, source: bytes, root: Node, target: Target) -> None:
        self.source = source
        self.root = root
        self.target = target
        # Whether fixes must write CRLF line endings; computed once per analysis.
        self.crlf = b"\r\n" in source
        self._comments: list[tuple[int, int]] | None = None

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

    def text(self, node: Node) -> str:
        return decode(self.source[node.start_byte : node.end_byte])

    def span_text(self, start: int, end: int) -> str:
        return decode(self.source[start:end])

    def line_indent(self, offset: int) -> str:
        """The whitespace that starts the line holding `offset`."""
        line_start = max(self.source.rfind(b"\n", 0, offset), self.source.rfind(b"\r", 0, offset))
        line_start += 1
        end = line_start
        while end < len(self.source) and self.source[end] in b" \t":
            end += 1
        return decode(self.source[line_start:end])
