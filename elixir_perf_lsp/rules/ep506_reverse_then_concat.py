"""## What it does
Flags `Enum.reverse(a) ++ b` (also `:lists.reverse(a) ++ b` and
`a |> Enum.reverse() |> Kernel.++(b)`).

## Why is this bad?
`++` copies its whole left operand: the list that `Enum.reverse/1` has just
built is built a second time. `Enum.reverse(a, b)` reverses `a` straight onto
`b`, building each cell once.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
Enum.reverse(acc) ++ [last]
```

Use instead:
```elixir
Enum.reverse(acc, [last])
```

## Fix safety
When `b` is a list (a list literal, a charlist, a `~w` sigil, a comprehension,
or the result of a standard function that returns one), `Enum.reverse(a, b)`
equals `Enum.reverse(a) ++ b` for every `a`: **safe**. Otherwise the fix is
**unsafe**: `Enum.reverse/2` runs a non-list tail through `Enum.to_list/1`, so
where `Enum.reverse([1, 2]) ++ 3` builds the improper list `[2, 1 | 3]`,
`Enum.reverse([1, 2], 3)` raises `Protocol.UndefinedError`, and
`Enum.reverse([1], %{a: 1})` gives `[1, {:a, 1}]` instead of `[1 | %{a: 1}]`
(checked on Elixir 1.14). `:lists.reverse(a) ++ b` → `:lists.reverse(a, b)` is
**safe** for every `b`.

One more difference, found by the BEAM harness: the original reverses `a`
before evaluating `b`, the fix evaluates `b` first. When `a` may be a lazy
stream and `b` may have side effects (a call outside a list of known pure
functions), the order of those side effects changes, so the fix is **unsafe**
then too.

## References
- [Enum.reverse/2](https://hexdocs.pm/elixir/Enum.html#reverse/2)
- [Erlang efficiency guide: list handling](https://www.erlang.org/doc/system/listhandling.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.eagerness import is_eager
from elixir_perf_lsp.analysis.nodes import (
    call_args,
    call_name,
    keyword_value,
    operator,
    strip_parens,
    text,
)
from elixir_perf_lsp.analysis.pipelines import (
    Step,
    chained,
    looks_pure,
    node_text,
    read_step,
    sigil_name,
    step_of_call,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "at 100k elements, `Enum.reverse(a) ++ b` took 3.3 ms vs 0.70 ms for `Enum.reverse(a, b)` (4.7×; 2× at 10–1k elements)."

QUERY = """
(binary_operator operator: "++") @ep506_concat
(call
  target: (dot left: (alias) @ep506_kernel right: (operator_identifier) @ep506_op)
  (#eq? @ep506_kernel "Kernel")
  (#eq? @ep506_op "++")) @ep506_call
"""

# Functions whose result is always a list (given arguments they accept).
_LIST_RESULTS: dict[str, frozenset[str]] = {
    "Enum": frozenset(
        {
            "chunk_by",
            "chunk_every",
            "concat",
            "dedup",
            "drop",
            "filter",
            "flat_map",
            "map",
            "reject",
            "reverse",
            "shuffle",
            "slice",
            "sort",
            "sort_by",
            "take",
            "to_list",
            "uniq",
            "uniq_by",
            "with_index",
            "zip",
        }
    ),
    "Map": frozenset({"keys", "to_list", "values"}),
    "Keyword": frozenset({"keys", "values"}),
    "MapSet": frozenset({"to_list"}),
    "String": frozenset({"codepoints", "graphemes", "split"}),
    "Tuple": frozenset({"to_list"}),
    ":lists": frozenset({"reverse", "sort", "map", "filter"}),
}


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    if "ep506_concat" in captures:
        yield from _operator(captures["ep506_concat"][0], ctx)
    else:
        yield from _kernel_call(captures["ep506_call"][0], ctx)


def _reverse(node: Node) -> Step | None:
    step = read_step(node)
    if step is None or step.input is None or step.arity != 1:
        return None
    if step.is_call("Enum", "reverse") or step.is_call(":lists", "reverse"):
        return step
    return None


def _operator(concat: Node, ctx: Context) -> Iterator[Violation]:
    left = concat.child_by_field_name("left")
    right = concat.child_by_field_name("right")
    if left is None or right is None:
        return
    reverse = _reverse(left)
    if reverse is None or reverse.input is None:
        return
    edits: tuple[Edit, ...]
    if reverse.piped:
        # `(a |> Enum.reverse()) ++ b` → `(a |> Enum.reverse(b))`
        start, end = reverse.call.start_byte, concat.end_byte
        edits = (
            Edit(reverse.call.start_byte, reverse.call.end_byte, _call(reverse, text(right))),
            Edit(left.end_byte, concat.end_byte, ""),
        )
    else:
        start, end = concat.start_byte, concat.end_byte
        subject = node_text(reverse.input, ctx.source)
        content = _call(reverse, f"{subject}, {text(right)}")
        edits = (Edit(start, end, content),)
    yield _violation(concat, reverse, right, edits)


def _kernel_call(call: Node, ctx: Context) -> Iterator[Violation]:
    step = step_of_call(call)
    if step is None or step.arity != 2 or step.input is None:
        return
    reverse = _reverse(step.input)
    if reverse is None or reverse.input is None:
        return
    tail = step.args[0]
    if chained(reverse, step):
        start, end = reverse.call.start_byte, step.node.end_byte
        content = _call(reverse, text(tail))
    else:
        start, end = step.node.start_byte, step.node.end_byte
        subject = node_text(reverse.input, ctx.source)
        content = _call(reverse, f"{subject}, {text(tail)}")
    edits = (Edit(start, end, content),)
    yield _violation(step.node, reverse, tail, edits, span=(start, end))


def _call(reverse: Step, args: str) -> str:
    return f"{reverse.module}.reverse({args})"


def _violation(
    node: Node,
    reverse: Step,
    tail: Node,
    edits: tuple[Edit, ...],
    span: tuple[int, int] | None = None,
) -> Violation:
    module = reverse.module
    message = (
        f"`{module}.reverse/1` then `++` copies the reversed list a second time; "
        f"use `{module}.reverse/2`, which reverses onto the tail"
    )
    title = f"Replace with `{module}.reverse/2`"
    applicability = Applicability.SAFE
    if module == "Enum" and not is_list_expression(tail):
        applicability = Applicability.UNSAFE
        title += " (a tail that is not a list is converted with `Enum.to_list/1`, or raises)"
    elif not _order_free(reverse.input, tail):
        applicability = Applicability.UNSAFE
        title += " (the tail is now evaluated before a lazy input is reversed)"
    return Violation(span or node, message, Fix(title, applicability, edits))


def _order_free(reversed_input: Node | None, tail: Node) -> bool:
    """Whether moving the reversal after the tail's evaluation is invisible: the
    reversed input is certainly eager, or the tail has no side effects to reorder."""
    if reversed_input is not None and is_eager(reversed_input):
        return True
    return looks_pure(tail)


def is_list_expression(node: Node) -> bool:
    """Whether `node` evaluates to a list (proper or not) whenever it does not raise."""
    node = strip_parens(node)
    kind = node.type
    if kind in ("list", "charlist"):
        return True
    if kind == "sigil":
        return sigil_name(node) in ("w", "W", "c", "C")
    if kind == "binary_operator" and operator(node) == "++":
        right = node.child_by_field_name("right")
        return right is not None and is_list_expression(right)
    if kind == "call" and call_name(node) == (None, "for"):
        return not any(
            keyword_value(arg, key) is not None
            for arg in call_args(node)
            if arg.type == "keywords"
            for key in ("into", "reduce")
        )
    step = read_step(node)
    if step is None or step.module is None:
        return False
    allowed = _LIST_RESULTS.get(step.module)
    return allowed is not None and step.name in allowed


RULE = Rule(
    code="EP506",
    precision="0 of 5 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="reverse-then-concat",
    summary="`Enum.reverse(a) ++ b`: use `Enum.reverse(a, b)`",
    severity=Severity.HINT,
    fix_availability=FixAvailability.ALWAYS,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example("Enum.reverse(acc) ++ [last]\n", "Enum.reverse(acc, [last])\n"),
        Example(
            "Enum.reverse(seen) ++ Enum.map(rest, &to_string/1)\n",
            "Enum.reverse(seen, Enum.map(rest, &to_string/1))\n",
            unsafe=True,
        ),
        Example(":lists.reverse(acc) ++ rest\n", ":lists.reverse(acc, rest)\n"),
        Example(
            "acc |> Enum.reverse() |> Kernel.++(rest)\n",
            "acc |> Enum.reverse(rest)\n",
            unsafe=True,
        ),
        Example("Enum.reverse(acc) ++ rest\n", "Enum.reverse(acc, rest)\n", unsafe=True),
    ),
    ok=(
        Example("Enum.reverse(acc, rest)\n"),
        Example("rest ++ Enum.reverse(acc)\n"),
        Example("xs |> Enum.sort() |> Enum.reverse()\n"),
        Example("Enum.reverse(acc, [0]) ++ rest\n"),
    ),
)
