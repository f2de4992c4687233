"""## What it does
Flags `acc ++ [x]` and `acc ++ list` where `acc` is the accumulator of an
`Enum.reduce`/`List.foldl`-style function, of a `for … reduce:` comprehension, or
of a recursive function that passes the result back to itself.

## Why is this bad?
`++` copies its whole left operand. Appending to the accumulator copies
everything collected so far on every iteration, so building a list of n elements
costs O(n²). Prepending (`[x | acc]`) is O(1); reversing once at the end is O(n).

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
Enum.reduce(items, [], fn item, acc -> acc ++ [item * 2] end)
```

Use instead:
```elixir
Enum.reduce(items, [], fn item, acc -> [item * 2 | acc] end) |> Enum.reverse()
```

## Fix safety
Offered only when it is provable: an `Enum.reduce/3` or `for … reduce:` with a
literal `[]` initial value, a single clause, and an accumulator that is read
nowhere else, each returned value being `acc ++ [..]`, `acc` or `[]`. Then the
reversed list is the same list, built in O(n): **safe**. Several appended
elements are prepended in reverse order (`acc ++ [a, b]` → `[b, a | acc]`).
Appending a non-literal list (`acc ++ list`) becomes `Enum.reverse(list, acc)`,
which raises when `list` is not a proper list where `++` built an improper one:
**unsafe**. Recursive functions are reported without a fix: their base clause
must reverse too.

## References
- [Erlang efficiency guide: list handling](https://www.erlang.org/doc/system/listhandling.html)
- [Enum.reverse/2](https://hexdocs.pm/elixir/Enum.html#reverse/2)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.binaries import wrap_result
from elixir_perf_lsp.analysis.loops import Accumulator, accumulator_of
from elixir_perf_lsp.analysis.nodes import (
    identifiers_named,
    operator,
    same_node,
    strip_parens,
    tail_expressions,
    text,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures

COST = "at 100k elements, `acc ++ [x]` in a reduce took 16.0 s vs 1.8 ms for `[x | acc]` + `Enum.reverse/1` (10k: 144 ms vs 0.15 ms)."

QUERY = """
(binary_operator left: (identifier) operator: "++") @append
"""


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    append = captures["append"][0]
    left = append.child_by_field_name("left")
    if left is None:
        return
    acc = accumulator_of(left)
    if acc is None:
        return
    message = (
        f"`{text(append)}` copies the whole accumulator on every iteration (quadratic); "
        "prepend and reverse once at the end"
    )
    yield Violation(append, message, _fix(acc))


def _fix(acc: Accumulator) -> Fix | None:
    if acc.body is None or acc.result is None or acc.initial is None:
        return None
    if strip_parens(acc.initial).type != "list" or strip_parens(acc.initial).named_child_count:
        return None
    edits: list[Edit] = []
    applicability = Applicability.SAFE
    tails = tail_expressions(acc.body)
    tail_ids = {t.id for t in tails}
    uses = identifiers_named(acc.body, acc.name)
    for use in uses:
        parent = use.parent
        if use.id in tail_ids:
            continue  # returning acc unchanged is fine
        if (
            parent is not None
            and parent.id in tail_ids
            and operator(parent) == "++"
            and same_node(parent.child_by_field_name("left"), use)
        ):
            continue
        return None  # acc is read somewhere else: its order would be observable
    for tail in tails:
        tail = strip_parens(tail)
        if tail.type == "identifier" and text(tail) == acc.name:
            continue
        if tail.type == "list" and tail.named_child_count == 0:
            continue
        if tail.type != "binary_operator" or operator(tail) != "++":
            return None
        right = tail.child_by_field_name("right")
        if right is None:
            return None
        right = strip_parens(right)
        if right.type == "list" and not any(
            c.type == "binary_operator" and operator(c) == "|" for c in right.named_children
        ):
            items = [text(c) for c in reversed(right.named_children)]
            if any(c.type == "keywords" for c in right.named_children):
                return None
            content = (
                "[" + ", ".join([*items[:-1], f"{items[-1]} | {acc.name}"]) + "]"
                if items
                else acc.name
            )
        else:
            content = f"Enum.reverse({text(right)}, {acc.name})"
            applicability = Applicability.UNSAFE
        edits.append(Edit(tail.start_byte, tail.end_byte, content))
    wrap = wrap_result(acc.result, "Enum.reverse")
    if wrap is None:
        return None
    edits.extend(wrap)
    return Fix("Prepend to the accumulator and reverse once", applicability, tuple(edits))


RULE = Rule(
    code="EP103",
    precision="2 of 18 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="list-append-in-loop",
    summary="`acc ++ [x]` on an accumulator: quadratic list building",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "Enum.reduce(items, [], fn item, acc -> acc ++ [item * 2] end)\n",
            "Enum.reverse(Enum.reduce(items, [], fn item, acc -> [item * 2 | acc] end))\n",
        ),
        Example(
            "items\n|> Enum.reduce([], fn item, acc -> acc ++ [item] end)\n|> Enum.map(&inspect/1)\n",
            "items\n|> Enum.reduce([], fn item, acc -> [item | acc] end) |> Enum.reverse()\n"
            "|> Enum.map(&inspect/1)\n",
        ),
        Example(
            "for x <- xs, reduce: [] do\n  acc -> if x > 0, do: acc ++ [x, -x], else: acc\nend\n",
            "Enum.reverse(for x <- xs, reduce: [] do\n"
            "  acc -> if x > 0, do: [-x, x | acc], else: acc\nend)\n",
        ),
        Example(
            "Enum.reduce(groups, [], fn group, acc -> acc ++ group.members end)\n",
            "Enum.reverse(Enum.reduce(groups, [], fn group, acc -> "
            "Enum.reverse(group.members, acc) end))\n",
            unsafe=True,
        ),
        Example(
            "defp build([h | t], acc), do: build(t, acc ++ [h])\n",
        ),
        Example(
            "Enum.reduce(items, [], fn item, acc ->\n"
            "  if item in acc, do: acc, else: acc ++ [item]\nend)\n",
        ),
    ),
    ok=(
        Example("Enum.reduce(items, [], fn item, acc -> [item | acc] end)\n"),
        Example("Enum.reduce(items, [], fn item, acc -> [item] ++ acc end)\n"),
        Example("result = prefix ++ [suffix]\n"),
        Example("Enum.map(items, fn item -> item ++ [0] end)\n"),
    ),
)
