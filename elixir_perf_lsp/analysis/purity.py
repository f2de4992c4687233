"""A conservative "free of side effects" test for expressions and functions.

A rewrite that reorders calls (a `for` comprehension interleaving a filter and a
map) is safe only when the calls it moves do nothing observable; anything not
known to be a pure data function counts as having effects.
"""

from __future__ import annotations

from elixir_perf_lsp.analysis.functions import Function, read_function
from elixir_perf_lsp.analysis.nodes import (
    arguments_node,
    call_args,
    call_name,
    descendants,
    is_piped_into,
    operator,
)
from elixir_perf_lsp.syntax import Node

# Calls read as free of side effects and of outside state. Higher-order functions
# are left out on purpose: the function they call could do anything.
_KERNEL_PURE = frozenset(
    {
        "abs",
        "binary_part",
        "bit_size",
        "byte_size",
        "case",
        "ceil",
        "cond",
        "div",
        "elem",
        "floor",
        "hd",
        "if",
        "inspect",
        "is_atom",
        "is_binary",
        "is_bitstring",
        "is_boolean",
        "is_exception",
        "is_float",
        "is_function",
        "is_integer",
        "is_list",
        "is_map",
        "is_map_key",
        "is_nil",
        "is_number",
        "is_struct",
        "is_tuple",
        "length",
        "map_size",
        "match?",
        "max",
        "min",
        "not",
        "put_elem",
        "rem",
        "round",
        "tl",
        "to_string",
        "trunc",
        "tuple_size",
        "unless",
    }
)


_PURE_FUNCTIONS: dict[str, frozenset[str]] = {
    "String": frozenset(
        {
            "at",
            "capitalize",
            "codepoints",
            "contains?",
            "downcase",
            "duplicate",
            "ends_with?",
            "first",
            "graphemes",
            "last",
            "length",
            "pad_leading",
            "pad_trailing",
            "reverse",
            "slice",
            "split",
            "starts_with?",
            "to_atom",
            "to_existing_atom",
            "to_float",
            "to_integer",
            "trim",
            "trim_leading",
            "trim_trailing",
            "upcase",
        }
    ),
    "Map": frozenset(
        {
            "delete",
            "drop",
            "fetch",
            "fetch!",
            "from_struct",
            "get",
            "has_key?",
            "keys",
            "merge",
            "pop",
            "put",
            "put_new",
            "take",
            "to_list",
            "values",
        }
    ),
    "Keyword": frozenset(
        {"delete", "drop", "fetch", "fetch!", "get", "has_key?", "keys", "put", "take", "values"}
    ),
    "List": frozenset({"first", "flatten", "last", "to_tuple", "wrap"}),
    "Tuple": frozenset({"append", "delete_at", "duplicate", "insert_at", "to_list"}),
    "Integer": frozenset(
        {"digits", "floor_div", "gcd", "is_even", "is_odd", "mod", "parse", "pow", "to_string"}
    ),
    "Float": frozenset({"ceil", "floor", "parse", "round", "to_string"}),
    "Atom": frozenset({"to_string"}),
    "MapSet": frozenset({"member?", "size", "to_list"}),
    "Enum": frozenset(
        {"at", "count", "empty?", "join", "max", "member?", "min", "reverse", "sort", "sum", "uniq"}
    ),
}


# Enum functions in `_PURE_FUNCTIONS` become higher-order past these arities.
_ENUM_MAX_ARITY = {"count": 1, "max": 1, "min": 1, "sort": 1, "uniq": 1, "join": 2, "at": 3}


def looks_pure(node: Node) -> bool:
    """Whether evaluating `node` plainly has no side effects and reads no outside state.

    Conservative: only operators, literals, variables, field access and a list of
    standard-library data functions pass; local and unknown remote calls,
    anonymous calls (`f.(x)`), `send`, I/O and time do not.
    """
    for current in (node, *descendants(node)):
        kind = current.type
        if kind == "call":
            if not _pure_call(current):
                return False
        elif kind == "unary_operator" and operator(current) == "&":
            fn = read_function(current)
            if fn is not None and fn.kind == "named" and not _pure_name(fn.name, fn.arity):
                return False
    return True


def function_looks_pure(fn: Function) -> bool:
    """`looks_pure` for a function argument: what calling it would evaluate."""
    if fn.kind == "named":
        return _pure_name(fn.name, fn.arity)
    if fn.kind in ("fn", "capture") and fn.body is not None:
        return looks_pure(fn.body)
    return False


def _pure_call(call: Node) -> bool:
    target = call.child_by_field_name("target")
    if target is None:
        return False
    module, name = call_name(call)
    if target.type == "dot":
        if target.child_by_field_name("right") is None:
            return False  # `f.(x)`
        left = target.child_by_field_name("left")
        if left is not None and left.type not in ("alias", "atom"):
            # `x.name` reads a field; `x.name()` calls a function of a module in `x`.
            return arguments_node(call) is None
    arity = len(call_args(call)) + (1 if is_piped_into(call) else 0)
    return _pure_name(f"{module}.{name}" if module else name, arity)


def _pure_name(name: str, arity: int | None) -> bool:
    module, _, function = name.rpartition(".")
    if not module:
        return function in _KERNEL_PURE
    if module == "Kernel":
        return function in _KERNEL_PURE
    allowed = _PURE_FUNCTIONS.get(module)
    if allowed is None or function not in allowed:
        return False
    if module == "Enum":
        limit = _ENUM_MAX_ARITY.get(function, 2)
        return arity is not None and arity <= limit
    return True
