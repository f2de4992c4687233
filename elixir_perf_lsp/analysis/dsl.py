"""Arguments of query and expression macros: code that is not plain Elixir.

Inside `from(u in User, where: length(u.tags) > 0)` or Ash's `expr(...)`, `length`
is translated to SQL and `in` binds a table: nothing a rule knows about Kernel,
Enum or lists applies there, and rewriting it changes the query. A rule that does
not know the DSL must stay silent inside it.
"""

from __future__ import annotations

from collections.abc import Iterable

from elixir_perf_lsp.analysis.nodes import (
    ancestors,
    arguments_node,
    call_name,
    calls_above,
    descendants,
    operator,
    same_node,
)
from elixir_perf_lsp.syntax import Node

# Ecto.Query's macros (keyword and pipe syntax); local calls count only when the
# file imports Ecto.Query, remote `Ecto.Query.*` calls always do.
ECTO_QUERY_MACROS = frozenset(
    {
        "from",
        "where",
        "or_where",
        "select",
        "select_merge",
        "join",
        "order_by",
        "group_by",
        "having",
        "or_having",
        "preload",
        "update",
        "dynamic",
        "subquery",
        "distinct",
        "limit",
        "offset",
        "lock",
        "windows",
        "with_cte",
        "exclude",
        "first",
        "last",
        "fragment",
        "field",
    }
)
# Ash's expression macros; `filter`/`calculate` are common names, so they count
# only in files that mention Ash.
_ASH_ALWAYS = frozenset({"expr"})
_ASH_IN_ASH_FILES = frozenset({"filter", "calculate"})
# Numerical definitions compile to a computation graph (Nx).
_NX_DEFINITIONS = frozenset({"defn", "defnp"})
_REMOTE_DSL_MODULES = frozenset({"Ecto.Query", "Ash.Query", "Ash.Expr"})

# Where a pin is an ordinary pattern pin rather than a DSL's value marker.
_PATTERN_OPERATORS = frozenset({"=", "<-", "->"})


class DslIndex:
    """Answers "is this node inside a DSL macro's arguments?" for one file."""

    __slots__ = ("_ash", "_cache", "_custom", "_ecto")

    def __init__(self, source: bytes, custom: Iterable[str] = ()) -> None:
        self._ecto = b"Ecto.Query" in source
        self._ash = b"Ash" in source
        self._custom = frozenset(custom)
        self._cache: dict[tuple[int, int], bool] = {}

    def inside(self, node: Node) -> Node | None:
        """The DSL call whose arguments hold `node`, or None."""
        for ancestor, child in calls_above(node):
            if self._is_dsl_call(ancestor, child):
                return ancestor
        return None

    def _is_dsl_call(self, call: Node, child: Node) -> bool:
        module, name = call_name(call)
        if module is None and name in _NX_DEFINITIONS:
            return True
        args = arguments_node(call)
        if args is None or not same_node(args, child):
            return False  # the do-block of a call is ordinary code
        if module is None:
            if name in self._custom or name in _ASH_ALWAYS:
                return True
            if self._ecto and name in ECTO_QUERY_MACROS:
                return True
            if self._ash and name in _ASH_IN_ASH_FILES:
                return True
        elif module in _REMOTE_DSL_MODULES:
            return True
        key = (call.start_byte, call.end_byte)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = _has_value_pin(args)
        return cached


def _has_value_pin(args: Node) -> bool:
    """Whether `args` holds a `^x` outside any pattern: outside a match, pins are
    only legal in macros that give them a meaning (queries, expression DSLs)."""
    if b"^" not in (args.text or b""):
        return False
    for node in descendants(args):
        if node.type == "unary_operator" and operator(node) == "^" and not _in_pattern(node, args):
            return True
    return False


def _in_pattern(pin: Node, stop: Node) -> bool:
    """Whether the pin is a pattern's, or belongs to a call nested inside `stop`."""
    child = pin
    for ancestor in ancestors(pin):
        if same_node(ancestor, stop):
            return False
        if ancestor.type == "call" and child.type == "arguments":
            return True  # an inner call's pin: that call is the DSL, not this one
        if (
            ancestor.type == "binary_operator"
            and operator(ancestor) in _PATTERN_OPERATORS
            and same_node(ancestor.child_by_field_name("left"), child)
        ):
            return True
        if ancestor.type == "stab_clause" and not same_node(
            ancestor.child_by_field_name("right"), child
        ):
            return True
        if ancestor.type == "call" and call_name(ancestor) == (None, "match?"):
            return True
        child = ancestor
    return False
