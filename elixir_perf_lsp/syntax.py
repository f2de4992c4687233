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
    """A query split so that patterns rooted at chain nodes are matched node by node.

    `rest` holds every pattern not rooted at a chain node type, then (when there
    are any that are) one pattern per chain node type finding the chain nodes;
    `rooted` holds the chain-rooted ones. `rest_index`/`rooted_index` map their
    pattern indices back to the caller's.
    """

    rest: Query | None
    rest_index: tuple[int, ...]
    rooted: Query | None
    rooted_index: tuple[int, ...]


_CHAIN_HEAD = re.compile(r"\s*\((?:" + "|".join(_CHAIN_TYPES) + r")[\s)]")
# Complete as soon as the node is entered, so they never wait on a left operand.
_CHAIN_ROOTS = tuple(f"({kind}) @_chain_root" for kind in _CHAIN_TYPES)


def compile_linear(patterns: list[str]) -> LinearQuery:
    """`patterns` (one top-level pattern each) compiled for `linear_matches`;
    match indices are positions in `patterns`.

    Each half is compiled from its own patterns only, and the chain nodes are
    found by the first half's walk: each query costs ~7 ms to compile and each
    walk a pass over the tree, so there are two of each, not three.
    """
    rest_index = tuple(i for i, p in enumerate(patterns) if not _CHAIN_HEAD.match(p))
    rooted_index = tuple(i for i, p in enumerate(patterns) if _CHAIN_HEAD.match(p))
    rooted = _compile_exactly([patterns[i] for i in rooted_index])
    roots = _CHAIN_ROOTS if rooted is not None else ()
    rest = _compile_exactly([*(patterns[i] for i in rest_index), *roots])
    return LinearQuery(rest, rest_index, rooted, rooted_index)


def _compile_exactly(patterns: list[str]) -> Query | None:
    if not patterns:
        return None
    query = compile_query("\n".join(patterns))
    if query.pattern_count != len(patterns):
        # The caller's split disagrees with tree-sitter's: indices would point at
        # the wrong rules, so refuse rather than misattribute findings.
        raise ValueError(f"{len(patterns)} patterns given, tree-sitter read {query.pattern_count}")
    return query


def linear_matches(
    query: LinearQuery, node: Node, byte_range: tuple[int, int] | None = None
) -> tuple[list[tuple[int, Captures]], bool]:
    """`matches` of the whole query, in time linear in the chains' length: the
    chain-rooted patterns run on each chain node alone (start depth 0), so no
    match waits on another's left operand. Matches are not in document order."""
    if query.rest is None:
        return [], False
    rest, cut = matches(query.rest, node, byte_range)
    own = len(query.rest_index)
    found = [(query.rest_index[i], captures) for i, captures in rest if i < own]
    if query.rooted is None:
        return found, cut
    cursor = QueryCursor(query.rooted, match_limit=MATCH_LIMIT)
    cursor.set_max_start_depth(0)
    for index, captures in rest:
        if index < own:
            continue
        for root in captures["_chain_root"]:
            found.extend((query.rooted_index[i], c) for i, c in cursor.matches(root))
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
