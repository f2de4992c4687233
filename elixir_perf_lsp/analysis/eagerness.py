"""Is an enumerable expression certainly eager (a list, a map, a range…)?

Fixes that stop early (`Enum.empty?`, `Enum.find`) pull fewer elements from a
lazy stream than the code they replace, so a stream's side effects would happen
fewer times. They are safe only when the enumerable is certainly not lazy.
"""

from __future__ import annotations

from elixir_perf_lsp.analysis.nodes import call_name, operator, strip_parens
from elixir_perf_lsp.syntax import Node

_EAGER_LITERALS = frozenset({"list", "map", "string", "charlist", "sigil"})
# Enum functions that return a plain value or list, never a stream.
_LAZY_ENUM = frozenset({"into"})  # `Enum.into(x, stream_collectable)` can be anything


def is_eager(node: Node) -> bool:
    """True only when `node` is certainly a list, map, binary or range."""
    node = strip_parens(node)
    if node.type in _EAGER_LITERALS:
        return True
    if node.type == "binary_operator":
        op = operator(node)
        if op in ("..", "..//", "++", "--"):
            return True
        if op == "|>":
            right = node.child_by_field_name("right")
            return right is not None and _eager_call(right)
        return False
    return node.type == "call" and _eager_call(node)


def _eager_call(call: Node) -> bool:
    if call.type != "call":
        return False
    module, name = call_name(call)
    if module == "Enum" and name not in _LAZY_ENUM:
        return True
    return module in ("Map", "MapSet", "Keyword", "List", "String")
