"""What a `length(x) <op> n` comparison says about a list, as a pattern."""

from __future__ import annotations

from dataclasses import dataclass

from elixir_perf_lsp.analysis.nodes import (
    COMPARISONS,
    call_args,
    counted_operand,
    int_value,
    operator,
    strip_parens,
)
from elixir_perf_lsp.syntax import Node

# A pattern spelling more cells than this (`[_, _, _, _, _]`) stops reading as
# "a short list": longer length tests are left alone.
MAX_PATTERN_CELLS = 5

# Operand node types that need no parentheses in front of `==` / `!=`.
TIGHT_OPERANDS = frozenset(
    {"identifier", "call", "list", "tuple", "map", "access_call", "dot", "string", "atom", "sigil"}
)

_FLIPPED = {
    "==": "==",
    "!=": "!=",
    "===": "===",
    "!==": "!==",
    ">": "<",
    "<": ">",
    ">=": "<=",
    "<=": ">=",
}


@dataclass(frozen=True)
class LengthTest:
    """A comparison of a count with an integer literal, normalised to `count <op> n`."""

    comparison: Node
    counted: Node  # the call (or pipe) producing the count
    op: str
    n: int

    @property
    def exact(self) -> int | None:
        """The one length that passes, if the test pins a single length."""
        if (
            self.op in ("==", "===")
            or (self.op == "<=" and self.n == 0)
            or (self.op == "<" and self.n == 1)
        ):
            return 0 if self.op in ("<=", "<") else self.n
        return None

    @property
    def at_least(self) -> int | None:
        """The minimum length that passes, if the test is open-ended upwards."""
        if self.op == ">":
            return self.n + 1
        if self.op == ">=":
            return self.n
        if self.op in ("!=", "!==") and self.n == 0:
            return 1
        return None

    @property
    def at_most(self) -> int | None:
        if self.op == "<":
            return self.n - 1
        if self.op == "<=":
            return self.n
        return None

    @property
    def always(self) -> bool | None:
        """True or False when no count can change the answer (`>= 0`, `< 0`), else None."""
        if (self.op == ">=" and self.n <= 0) or (self.op == ">" and self.n < 0):
            return True
        if self.op in ("!=", "!==") and self.n < 0:
            return True
        if (self.op == "<" and self.n <= 0) or (self.op == "<=" and self.n < 0):
            return False
        if self.op in ("==", "===") and self.n < 0:
            return False
        return None


def read_comparison(node: Node) -> tuple[Node, str, int] | None:
    """`(operand, op, n)` for `operand <op> n` or `n <op> operand` with an integer literal."""
    if node.type != "binary_operator":
        return None
    op = operator(node)
    if op not in COMPARISONS:
        return None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        return None
    left, right = strip_parens(left), strip_parens(right)
    n = int_value(right)
    if n is not None:
        return left, op, n
    n = int_value(left)
    if n is not None:
        return right, _FLIPPED[op], n
    return None


def exact_pattern(k: int) -> str:
    return "[" + ", ".join(["_"] * k) + "]"


def at_least_pattern(k: int) -> str:
    return "[" + ", ".join(["_"] * k) + " | _]"


@dataclass(frozen=True)
class CountComparison:
    """`count(x, extra…) <op> n`, in call or pipe spelling, read off a comparison."""

    test: LengthTest
    call: Node  # the counting call (`length`, `Enum.count`, `String.length`…)
    operand: Node  # what is counted
    extra: list[Node]  # arguments after the counted one


def read_count_comparison(comparison: Node) -> CountComparison | None:
    read = read_comparison(comparison)
    if read is None:
        return None
    counted, op, n = read
    pair = counted_operand(counted)
    if pair is None:
        return None
    call, operand = pair
    piped = counted.type == "binary_operator"
    extra = call_args(call)[0 if piped else 1 :]
    return CountComparison(LengthTest(comparison, counted, op, n), call, operand, extra)
