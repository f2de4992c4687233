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


@contextmanager
def scope() -> Iterator[None]:
    """Memoize per-node facts until the block ends (nested scopes share the outer one)."""
    if _current.get() is not None:
        yield
        return
    token = _current.set({})
    try:
        yield
    finally:
        _current.reset(token)


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
