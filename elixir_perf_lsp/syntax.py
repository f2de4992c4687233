"""The one module that talks to tree-sitter.

Everything else sees `Node`, `Tree` and `Match` through the helpers here, so the
binding's API churn (0.22 → 0.26 renamed half of it) stays in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
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
    "compile_linear",
    "compile_query",
    "deeper_than",
    "edit_tree",
    "error_ranges",
    "iter_matches",
    "linear_matches",
    "matches",
    "parse",
]

Captures: TypeAlias = dict[str, list[Node]]

# In-progress matches per query. A left-nested operator chain (`1 + 1 + ...`)
# otherwise keeps one per operator alive and matching turns quadratic inside one
# C call; past the limit tree-sitter drops the oldest, which `matches` reports.
MATCH_LIMIT = 256


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


def matches(
    query: Query, node: Node, byte_range: tuple[int, int] | None = None
) -> tuple[list[tuple[int, Captures]], bool]:
    """All matches of `query` under `node`, and whether the match limit cut some.

    One C call computes them all, uninterruptibly; MATCH_LIMIT keeps its cost
    linear in the tree (see engine/limits.py). py-tree-sitter 0.26's progress
    callback would be the way to stop it on time, but it reads its callback through
    a pointer to a stack struct that has gone out of scope (segfaults once matches
    are found), so it is not used.
    """
    cursor = QueryCursor(query, match_limit=MATCH_LIMIT)
    if byte_range is not None:
        cursor.set_byte_range(*byte_range)
    found = cursor.matches(node)
    return found, cursor.did_exceed_match_limit


# Node types that nest without bound on one side: `a + b + c` is
# ((a + b) + c). A pattern rooted at one that looks at its operator or right
# operand stays in progress while the cursor walks the whole left operand, so a
# chain of n keeps n matches in progress at once: quadratic matching.
_CHAIN_TYPES = ("binary_operator",)


@dataclass(frozen=True)
class LinearQuery:
    """A query split so that patterns rooted at chain nodes are matched node by node."""

    rest: Query  # every pattern not rooted at a chain node type
    rooted: Query  # only the patterns rooted at one
    roots: Query  # the chain nodes themselves, found without waiting for children
    has_rooted: bool


def compile_linear(source: str) -> LinearQuery:
    """`source` compiled for `linear_matches`; pattern indices are those of `source`."""
    rest, rooted = compile_query(source), compile_query(source)
    text = source.encode()
    head = re.compile(rb"\s*\((?:%s)[\s)]" % b"|".join(k.encode() for k in _CHAIN_TYPES))
    found = False
    for index in range(rest.pattern_count):
        if head.match(text, rest.start_byte_for_pattern(index)):
            rest.disable_pattern(index)
            found = True
        else:
            rooted.disable_pattern(index)
    roots = compile_query(" ".join(f"({kind}) @root" for kind in _CHAIN_TYPES))
    return LinearQuery(rest, rooted, roots, found)


def linear_matches(
    query: LinearQuery, node: Node, byte_range: tuple[int, int] | None = None
) -> tuple[list[tuple[int, Captures]], bool]:
    """`matches` of the whole query, in time linear in the chains' length: the
    chain-rooted patterns run on each chain node alone (start depth 0), so no
    match waits on another's left operand. Matches are not in document order."""
    found, cut = matches(query.rest, node, byte_range)
    if not query.has_rooted:
        return found, cut
    roots, _ = matches(query.roots, node, byte_range)
    cursor = QueryCursor(query.rooted, match_limit=MATCH_LIMIT)
    cursor.set_max_start_depth(0)
    for _index, captures in roots:
        for root in captures["root"]:
            found.extend(cursor.matches(root))
            cut = cut or cursor.did_exceed_match_limit
    return found, cut


def iter_matches(
    query: Query, node: Node, byte_range: tuple[int, int] | None = None
) -> Iterator[tuple[int, Captures]]:
    yield from matches(query, node, byte_range)[0]


def deeper_than(root: Node, limit: int) -> bool:
    """Whether some node lies more than `limit` levels below `root`.

    Only subtrees big enough to be that deep are entered (every level of nesting
    takes source bytes: at most `_LEVELS_PER_BYTE` levels per byte, counting the
    grammar's single-child wrappers), so an ordinary file costs a few nodes.
    """
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in node.children:
            room = _LEVELS_PER_BYTE * (child.end_byte - child.start_byte + 1)
            if depth + 1 + room > limit:
                stack.append((child, depth + 1))
    return False


_LEVELS_PER_BYTE = 4


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
