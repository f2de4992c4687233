"""Where a value can be computed once, before the statement that repeats it.

A loop-invariant expression moves to a new `name = expr` line just above the
statement holding the loop, in the nearest sequence of statements (a function
body, a `do` block, a clause body), at that statement's indentation.
"""

from __future__ import annotations

from dataclasses import dataclass

from elixir_perf_lsp.analysis.nodes import ancestors, as_definition
from elixir_perf_lsp.analysis.scope import binding_of, variables
from elixir_perf_lsp.syntax import Node

# Sequences of statements a new line can be inserted into (`block` is a
# parenthesised expression: a statement there would change what it returns only
# if it were last, but `(a; b)` spellings are rare enough to leave alone).
_SEQUENCES = frozenset({"body", "do_block", "else_block", "after_block"})


@dataclass(frozen=True)
class HoistPoint:
    statement: Node  # the statement the new line goes above
    offset: int  # where the new line is inserted (the statement's start)
    indent: str  # the statement's indentation


def hoist_point(loop: Node, expr: Node, source: bytes) -> HoistPoint | None:
    """Where `expr`, read inside `loop`, can be bound before the statement holding `loop`.

    None when that statement does not start its own line, or when a variable
    `expr` reads is bound at or after the statement's start (its value would not
    be visible above it).
    """
    statement: Node = loop
    for ancestor in ancestors(loop):
        if ancestor.type in _SEQUENCES:
            break
        if as_definition(ancestor) is not None:
            return None  # `def f(x), do: loop`: no statement sequence to insert into
        statement = ancestor
    else:
        return None
    line_start = source.rfind(b"\n", 0, statement.start_byte) + 1
    indent = source[line_start : statement.start_byte]
    if indent.strip(b" \t"):
        return None
    for ident in variables(expr):
        binding = binding_of(ident)
        if binding is None or binding.end_byte > statement.start_byte:
            return None
    return HoistPoint(statement, statement.start_byte, indent.decode())
