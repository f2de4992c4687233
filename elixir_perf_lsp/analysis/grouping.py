"""Writing rewritten code back: where an expression needs parentheses.

A replacement is spliced into the text around it; these tell whether it can stand
bare where the old expression stood, or must be wrapped to keep its meaning.
"""

from __future__ import annotations

from elixir_perf_lsp.analysis.nodes import (
    arguments_node,
    do_block,
    operator,
    same_node,
)
from elixir_perf_lsp.syntax import Node

# Operators that bind more loosely than `|>`: a pipe as their operand needs no parentheses.
_LOOSER_THAN_PIPE = frozenset(
    {
        "<",
        ">",
        "<=",
        ">=",
        "==",
        "!=",
        "=~",
        "===",
        "!==",
        "&&",
        "&&&",
        "and",
        "||",
        "|||",
        "or",
        "=",
        "|",
        "::",
        "when",
        "<-",
        "\\\\",
    }
)


_STATEMENT_PARENTS = frozenset(
    {"source", "body", "do_block", "else_block", "after_block", "rescue_block", "catch_block"}
)


def bare_call_fits(node: Node) -> bool:
    """Whether a call without parentheses (`for x <- xs, p, do: e`) can replace `node` as is.

    True where `node` stands alone as an expression, is the value bound by `=`
    there, or is the only argument of a call with parentheses.
    """
    current = node
    parent = current.parent
    while parent is not None:
        if parent.type in _STATEMENT_PARENTS:
            return True
        if parent.type == "block" and parent.named_child_count == 1:
            return True  # already in parentheses
        if parent.type == "arguments":
            return parent.named_child_count == 1 and _has_parens(parent)
        if (
            parent.type == "binary_operator"
            and operator(parent) == "="
            and same_node(parent.child_by_field_name("right"), current)
        ):
            current, parent = parent, parent.parent
            continue
        return False
    return False


def pipe_fits(node: Node) -> bool:
    """Whether a `a |> f()` expression can replace `node` without parentheses."""
    parent = node.parent
    if parent is None:
        return True
    if parent.type == "binary_operator":
        op = operator(parent)
        if op == "|>":
            return same_node(parent.child_by_field_name("left"), node)
        return op in _LOOSER_THAN_PIPE
    return parent.type not in ("unary_operator", "dot", "access_call", "call")


def needs_grouping(expr: Node) -> bool:
    """Whether `expr`, copied into a comma-separated position, must be parenthesised.

    A call without parentheses (`valid? x`, `if a, do: b`) or with a do-block
    at the right end of the expression would swallow the commas and keywords
    that follow it. Only the right spine can reach them: whatever sits to the
    left of an operator or inside brackets is closed already.
    """
    current: Node | None = expr
    while current is not None:
        kind = current.type
        if kind == "call":
            if do_block(current) is not None:
                return True
            args = arguments_node(current)
            return args is not None and args.named_child_count > 0 and not _has_parens(args)
        if kind == "keywords":
            return True
        if kind == "binary_operator":
            current = current.child_by_field_name("right")
        elif kind == "unary_operator":
            current = current.child_by_field_name("operand")
        else:
            return False
    return False


def _has_parens(arguments: Node) -> bool:
    first = arguments.child(0)
    return first is not None and first.type == "("


def grouped(expr: Node, written: str) -> str:
    return f"({written})" if needs_grouping(expr) else written
