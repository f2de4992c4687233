"""What a collection is likely to hold: a few items fixed in the source, a set, or
anything at all.

Loop and membership rules price work by the size of a collection. A literal list,
a word sigil, a module attribute, keyword options or `System.argv()` are small by
construction: repeating work over them is not worth a finding. Maps, `MapSet`s
and ranges answer membership without a scan.
"""

from __future__ import annotations

import re

from elixir_perf_lsp.analysis.nodes import (
    call_args,
    call_name,
    effective_args,
    int_value,
    keyword_value,
    operator,
    strip_parens,
    text,
)
from elixir_perf_lsp.analysis.scope import binding_of, bound_value
from elixir_perf_lsp.syntax import Node

# A literal range of at most this many elements is small.
SMALL_RANGE = 1000
# How many `x = …` bindings to follow back from a variable.
_MAX_HOPS = 4

_OPTIONS_NAME = re.compile(r"^(opts|options|(\w+_)(opts|options))$")
_CONFIG_CALLS = frozenset(
    {
        ("System", "argv"),
        ("Application", "get_env"),
        ("Application", "fetch_env!"),
        ("Application", "compile_env"),
        ("Application", "compile_env!"),
        ("Keyword", "keys"),
        ("Keyword", "take"),
        ("Keyword", "merge"),
        ("Keyword", "put"),
        ("Keyword", "drop"),
    }
)
_SET_BUILDERS = frozenset(
    {
        ("MapSet", "new"),
        ("MapSet", "put"),
        ("MapSet", "union"),
        ("MapSet", "intersection"),
        ("MapSet", "difference"),
        ("Map", "new"),
        ("Map", "put"),
        ("Map", "merge"),
        ("Map", "take"),
        ("Map", "drop"),
        ("Range", "new"),
        ("Enum", "frequencies"),
        ("Enum", "frequencies_by"),
        ("Enum", "group_by"),
        ("Enum", "into"),  # judged by its collectable below
        ("Enum", "reduce"),  # judged by its accumulator below
    }
)


def is_small(expr: Node) -> bool:
    """Whether iterating `expr` is bounded by construction (written in the source,
    configuration, command-line arguments or keyword options)."""
    value = resolve(expr)
    if value is None:
        return False
    if value.type == "identifier":
        return _OPTIONS_NAME.match(text(value)) is not None
    if value.type == "list":
        return not any(
            c.type == "binary_operator" and operator(c) == "|" for c in value.named_children
        )
    if value.type == "sigil":
        return text(value)[:2] in ("~w", "~W")
    if value.type == "unary_operator" and operator(value) == "@":
        return True  # a module attribute: a constant fixed at compile time
    if value.type == "binary_operator" and operator(value) in ("..", "//"):
        count = range_size(value)
        return count is not None and count <= SMALL_RANGE
    if value.type == "call":
        name = call_name(value)
        if name in _CONFIG_CALLS:
            return True
        if name in (("Enum", "take"), ("Stream", "take")):
            args = effective_args(value)
            count = _integer(args[1]) if len(args) == 2 else None
            return count is not None and abs(count) <= SMALL_RANGE
    return False


def has_fast_membership(expr: Node) -> bool:
    """Whether `x in expr` / `Enum.member?(expr, x)` is already O(1) or O(log n)."""
    value = resolve(expr)
    if value is None:
        return False
    if value.type == "map":
        return True
    if value.type == "binary_operator" and operator(value) in ("..", "//"):
        return True
    if value.type != "call":
        return False
    name = call_name(value)
    if name == (None, "for"):
        into = [keyword_value(a, "into") for a in call_args(value) if a.type == "keywords"]
        return any(v is not None and strip_parens(v).type != "list" for v in into)
    if name not in _SET_BUILDERS:
        return False
    args = effective_args(value)
    if name == ("Enum", "into"):
        return len(args) >= 2 and strip_parens(args[1]).type != "list"
    if name == ("Enum", "reduce"):
        # `Enum.reduce(xs, MapSet.new(), …)` builds a set.
        return len(args) == 3 and has_fast_membership(args[1])
    return True


def range_size(node: Node) -> int | None:
    """Element count of a range with literal bounds (and step), else None."""
    node = strip_parens(node)
    step = 1
    if node.type == "binary_operator" and operator(node) == "//":
        step_node = node.child_by_field_name("right")
        value = _integer(step_node) if step_node is not None else None
        inner = node.child_by_field_name("left")
        if value is None or value == 0 or inner is None:
            return None
        step, node = abs(value), strip_parens(inner)
    if node.type != "binary_operator" or operator(node) != "..":
        return None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    first = _integer(left) if left is not None else None
    last = _integer(right) if right is not None else None
    if first is None or last is None:
        return None
    return abs(last - first) // step + 1


def resolve(expr: Node) -> Node | None:
    """`expr` with variables replaced by what they were bound to (a few hops), and
    pipelines by their last step; an unbound variable stays an identifier."""
    node: Node | None = strip_parens(expr)
    for _ in range(_MAX_HOPS):
        if node is None:
            return None
        if node.type == "binary_operator" and operator(node) == "|>":
            right = node.child_by_field_name("right")
            node = strip_parens(right) if right is not None else None
            continue
        if node.type != "identifier":
            return node
        binding = binding_of(node)
        value = bound_value(binding) if binding is not None else None
        if value is None:
            return node
        node = strip_parens(value)
    return node


def _integer(node: Node) -> int | None:
    node = strip_parens(node)
    if node.type == "unary_operator" and operator(node) in ("-", "+"):
        operand = node.child_by_field_name("operand")
        value = int_value(operand) if operand is not None else None
        if value is None:
            return None
        return -value if operator(node) == "-" else value
    return int_value(node)
