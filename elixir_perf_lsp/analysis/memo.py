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

_current: ContextVar[dict[tuple[str, int], Any] | None] = ContextVar("memo", default=None)
_root: ContextVar[Node | None] = ContextVar("memo_root", default=None)
# node id -> parent, filled as paths from the root are found.
_parents: ContextVar[dict[int, Node] | None] = ContextVar("memo_parents", default=None)


@contextmanager
def scope(root: Node | None = None) -> Iterator[None]:
    """Memoize per-node facts until the block ends (nested scopes share the outer one).

    With `root`, `ancestors` finds paths downward from it: tree-sitter computes a
    node's parent by descending from the root, so walking up parent by parent
    costs O(depth²), minutes on a 10k-deep file.
    """
    if _current.get() is not None:
        yield
        return
    tokens = (_current.set({}), _root.set(root), _parents.set({}))
    try:
        yield
    finally:
        _parents.reset(tokens[2])
        _root.reset(tokens[1])
        _current.reset(tokens[0])


def ancestors(node: Node) -> list[Node]:
    """`node`'s ancestors, innermost first."""
    root, parents = _root.get(), _parents.get()
    if root is not None and parents is not None and node.id not in parents:
        # Descend from the root once, remembering every parent on the way.
        step: Node | None = root
        while step is not None and step.id != node.id:
            child = step.child_with_descendant(node)
            if child is not None:
                parents[child.id] = step
            step = child
    if parents is None or node.id not in parents:
        return _walk_up(node)  # no scope, the root itself, or another tree's node
    out = []
    above = parents.get(node.id)
    while above is not None:
        out.append(above)
        above = parents.get(above.id)
    return out


def _walk_up(node: Node) -> list[Node]:
    out = []
    current = node.parent
    while current is not None:
        out.append(current)
        current = current.parent
    return out


def per_node(kind: str, node: Node, compute: Callable[[Node], T]) -> T:
    """`compute(node)`, remembered for this analysis when a scope is open."""
    table = _current.get()
    if table is None:
        return compute(node)
    key = (kind, node.id)
    if key not in table:
        table[key] = compute(node)
    value: T = table[key]
    return value
