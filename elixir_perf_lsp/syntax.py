"""The one module that talks to tree-sitter.

Everything else sees `Node`, `Tree` and `Match` through the helpers here, so the
binding's API churn (0.22 → 0.26 renamed half of it) stays in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import TypeAlias

import tree_sitter_elixir
from tree_sitter import Language, Node, Parser, Point, Query, QueryCursor, Tree

__all__ = [
    "Captures",
    "Node",
    "Point",
    "Query",
    "Tree",
    "changed_ranges",
    "comment_spans",
    "compile_query",
    "edit_tree",
    "error_ranges",
    "iter_matches",
    "parse",
]

Captures: TypeAlias = dict[str, list[Node]]


@cache
def language() -> Language:
    return Language(tree_sitter_elixir.language())


@cache
def _parser() -> Parser:
    return Parser(language())


def parse(source: bytes, old_tree: Tree | None = None) -> Tree:
    """Parse `source`, reusing `old_tree` (already `edit`ed) when given."""
    if old_tree is None:
        return _parser().parse(source)
    return _parser().parse(source, old_tree)


def edit_tree(
    tree: Tree,
    start_byte: int,
    old_end_byte: int,
    new_end_byte: int,
    start_point: tuple[int, int],
    old_end_point: tuple[int, int],
    new_end_point: tuple[int, int],
) -> None:
    tree.edit(
        start_byte=start_byte,
        old_end_byte=old_end_byte,
        new_end_byte=new_end_byte,
        start_point=Point(*start_point),
        old_end_point=Point(*old_end_point),
        new_end_point=Point(*new_end_point),
    )


def changed_ranges(old: Tree, new: Tree) -> tuple[tuple[int, int], ...]:
    """Byte ranges (in `new`) whose syntactic structure differs from the edited `old`."""
    return tuple((r.start_byte, r.end_byte) for r in old.changed_ranges(new))


def compile_query(source: str) -> Query:
    query: Query = Query(language(), source)
    return query


def iter_matches(
    query: Query, node: Node, byte_range: tuple[int, int] | None = None
) -> Iterator[tuple[int, Captures]]:
    cursor = QueryCursor(query)
    if byte_range is not None:
        cursor.set_byte_range(*byte_range)
    yield from cursor.matches(node)


@cache
def _quoting_query() -> Query:
    return compile_query('(call target: (identifier) @name (#any-of? @name "quote" "dbg")) @call')


def quoting_spans(root: Node) -> list[tuple[int, int, str]]:
    """(start, end, name) of every `quote`/`dbg` call, sorted by start."""
    spans = [
        (call.start_byte, call.end_byte, (captures["name"][0].text or b"").decode())
        for _index, captures in iter_matches(_quoting_query(), root)
        for call in captures["call"]
    ]
    spans.sort()
    return spans


@cache
def _comment_query() -> Query:
    return compile_query("(comment) @comment")


def comment_spans(root: Node) -> list[tuple[int, int]]:
    """Byte spans of every comment, sorted."""
    spans = [
        (node.start_byte, node.end_byte)
        for _index, captures in iter_matches(_comment_query(), root)
        for node in captures["comment"]
    ]
    return sorted(spans)


_ERROR_QUERY_SOURCE = "(ERROR) @error (MISSING) @missing"


@cache
def _error_query() -> Query:
    return compile_query(_ERROR_QUERY_SOURCE)


def error_ranges(root: Node) -> list[tuple[int, int]]:
    """Byte ranges of ERROR and MISSING nodes, outermost only, sorted."""
    if not root.has_error:
        return []
    spans: list[tuple[int, int]] = []
    for _index, captures in iter_matches(_error_query(), root):
        for nodes in captures.values():
            for node in nodes:
                start, end = node.start_byte, node.end_byte
                # A MISSING node is zero-width; widen it to the token before so a
                # finding that ends exactly where the parser gave up still counts as touched.
                if start == end:
                    start = max(0, start - 1)
                spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
