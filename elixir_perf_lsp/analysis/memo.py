"""Facts computed once per analysis and shared by every rule that asks.

A module's definitions, imports or kind are read by many findings; recomputing
them per finding makes a 3,000-function module quadratic. Within one analysis the
tree does not change, so a node's id identifies it; the memo lives only as long
as the analysis (`with memo.scope():`), so no fact outlives its tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from elixir_perf_lsp.syntax import Node

T = TypeVar("T")


class _Memo:
    """One analysis's facts: per-node answers and the parents learnt so far."""

    __slots__ = ("parents", "root", "table")

    def __init__(self, root: Node | None) -> None:
        self.table: dict[tuple[str, int], Any] = {}
        self.root = root
        self.parents: dict[int, Node] = {}  # node id -> parent, filled as learnt


# One context variable: `parent` is asked millions of times, each lookup counts.
_state: ContextVar[_Memo | None] = ContextVar("memo", default=None)


@contextmanager
def scope(root: Node | None = None) -> Iterator[None]:
    """Memoize per-node facts until the block ends (nested scopes share the outer one).

    With `root`, `parent` learns parents below it: tree-sitter computes a node's
    parent by descending from the root, so walking up parent by parent costs
    O(depth²), minutes on a 10k-deep file.
    """
    if _state.get() is not None:
        yield
        return
    token = _state.set(_Memo(root))
    try:
        yield
    finally:
        _state.reset(token)


# Steps climbed with tree-sitter's own `.parent` (each O(depth), but in C) before
# falling back to one descent from the root: a node's parent is usually a few
# steps below a node already known, so most lookups never descend.
_CLIMB_STEPS = 8


def parent(node: Node) -> Node | None:
    """`node`'s parent; O(1) amortised inside a scope opened with a root."""
    state = _state.get()
    if state is None or state.root is None:
        return node.parent
    root, parents = state.root, state.parents
    known = parents.get(node.id)
    if known is not None or node.id == root.id:
        return known
    _learn_parents(node, root, parents)
    known = parents.get(node.id)
    # Not below the root: a node of another tree, asked the slow way.
    return known if known is not None else node.parent


def _learn_parents(node: Node, root: Node, parents: dict[int, Node]) -> None:
    found: dict[int, Node] = {}
    current = node
    for _ in range(_CLIMB_STEPS):
        above = current.parent
        if above is None:
            return  # the top of another tree: nothing of ours to learn
        found[current.id] = above
        if above.id in parents or above.id == root.id:
            parents.update(found)
            return
        current = above
    # Deep in unknown territory: descend from the root once, remembering every
    # parent on the way (walking up parent by parent would be O(depth²)).
    step: Node | None = root
    while step is not None and step.id != node.id:
        child = step.child_with_descendant(node)
        if child is not None:
            parents[child.id] = step
        step = child


def ancestors(node: Node) -> Iterator[Node]:
    """`node`'s ancestors, innermost first, found lazily: a caller that stops at
    the first match pays for the steps it took, not for the whole path."""
    current = parent(node)
    while current is not None:
        yield current
        current = parent(current)


def nearest(kind: str, node: Node, pick: Callable[[Node], T | None]) -> T | None:
    """`pick` of the innermost ancestor for which it is not None, remembered per
    node for this analysis: asking it for every node of a 1,000-deep chain costs
    1,000 steps in all, not 1,000 each."""
    state = _state.get()
    table = state.table if state is not None else None
    if table is None:
        return next((v for a in ancestors(node) if (v := pick(a)) is not None), None)
    # Climb until a node whose answer is known, then fill in the answers below it.
    climbed: list[Node] = []
    answer: T | None = None
    current: Node | None = node
    while current is not None:
        key = (kind, current.id)
        if key in table:
            answer = table[key]
            break
        climbed.append(current)
        above = parent(current)
        if above is not None and (picked := pick(above)) is not None:
            answer = picked
            break
        current = above
    for below in climbed:
        table[(kind, below.id)] = answer
    return answer


def per_node(kind: str, node: Node, compute: Callable[[Node], T]) -> T:
    """`compute(node)`, remembered for this analysis when a scope is open."""
    state = _state.get()
    table = state.table if state is not None else None
    if table is None:
        return compute(node)
    key = (kind, node.id)
    if key not in table:
        table[key] = compute(node)
    value: T = table[key]
    return value


def hop(kind: str, node: Node, relevant: Callable[[Node], bool]) -> tuple[Node, Node] | None:
    """The innermost ancestor that is `relevant`, with its child on the way from
    `node`; remembered per node, so walks that look only at relevant ancestors skip
    long runs of others (a 1,000-deep `and` chain) in one step."""
    above = parent(node)
    if above is None:
        return None
    if relevant(above):
        return above, node
    state = _state.get()
    table = state.table if state is not None else None
    if table is None:
        child = above
        for ancestor in ancestors(above):
            if relevant(ancestor):
                return ancestor, child
            child = ancestor
        return None
    key = (kind, node.id)
    if key in table:
        found: tuple[Node, Node] | None = table[key]
        return found
    # Climb the irrelevant run, then share its answer with every node on it.
    run = [node]
    current = above
    answer: tuple[Node, Node] | None = None
    while True:
        cached = table.get((kind, current.id), False)
        if cached is not False:
            answer = cached
            break
        run.append(current)
        up = parent(current)
        if up is None:
            break
        if relevant(up):
            answer = (up, current)
            break
        current = up
    for below in run:
        table[(kind, below.id)] = answer
    return answer
