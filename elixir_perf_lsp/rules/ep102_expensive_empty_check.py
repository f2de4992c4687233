"""## What it does
Flags `length(x)` or `Enum.count(x)` / `Enum.count(x, fun)` compared with 0 or 1
outside guards, in any spelling (`length(x) > 0`, `0 == Enum.count(x)`,
`x |> Enum.count() == 0`); `length(x)` compared with a number up to 5
(`length(parts) == 4`, `length(xs) < 3`); and comparisons that no count can change
(`length(x) >= 0` is never false, `Enum.count(x) < 0` never true: outside a guard
they walk the whole list and then either give that one answer or raise, for
an improper list or a value that cannot be counted).

## Why is this bad?
Counting a list walks all of it to answer a question about its first one or two
cells. `x == []` and `match?([_], x)` look at one cell; `Enum.empty?/1` and
`Enum.any?/2` stop at the first element (and are O(1) for maps and ranges, where
counting is too).

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
if length(items) == 0, do: :none, else: :some
```

Use instead:
```elixir
if items == [], do: :none, else: :some
```

## Fix safety
`length/1` only accepts proper lists, so for every input it accepts without
raising, `x == []`, `x != []`, `match?([_], x)`, `match?([_, _, _], x)` and
`not match?([_, _, _ | _], x)` (for `length(x) < 3`) give the same answer:
**safe**. Comparisons that are never false or never true are reported without a
fix: they are not constants, since they raise for a value that cannot be counted
(`length([1 | 2])` raises `ArgumentError`), which `true` would not. `Enum.count/1` also accepts maps, ranges, MapSets and
streams, so the fix is `Enum.empty?/1` (never `== []`, which is false for an empty
map). It gives the same answer for every enumerable, but stops at the first
element: a lazy stream runs fewer times, so its side effects happen fewer times.
The fix is therefore **safe** only when the operand is certainly eager (a literal,
a range, the result of an `Enum`/`Map`/`List`/`String` call) and **unsafe**
otherwise, e.g. for a plain variable that might hold a stream.
`Enum.count(x, fun) > 0` becomes `Enum.any?(x, fun)`, which stops calling `fun`
at the first truthy result: **unsafe** when `fun` has side effects.
Inside guards `Enum.empty?/1` is not allowed; guards belong to EP101.

## References
- [Enum.empty?/1](https://hexdocs.pm/elixir/Enum.html#empty?/1)
- [Credo.Check.Warning.ExpensiveEmptyEnumCheck](https://hexdocs.pm/credo/Credo.Check.Warning.ExpensiveEmptyEnumCheck.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.eagerness import is_eager
from elixir_perf_lsp.analysis.lists import (
    MAX_PATTERN_CELLS,
    TIGHT_OPERANDS,
    LengthTest,
    at_least_pattern,
    exact_pattern,
    read_count_comparison,
)
from elixir_perf_lsp.analysis.names import is_kernel_call
from elixir_perf_lsp.analysis.nodes import (
    call_name,
    in_guard,
    text,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "`length(l) == 0` on a 100k-element list costs 128 µs vs 13 ns for `l == []` (1k: 1.27 µs); `Enum.count(l, f) > 0` vs `Enum.any?(l, f)` with the first match halfway: 1.34 ms vs 0.53 ms. `length(l) == 3` vs `match?([_, _, _], l)`: 1.1 µs vs 68 ns at 1k, 117 µs vs 12 ns at 100k, the same at 3–10 elements (second run, under load)."

QUERY = """
(binary_operator
  operator: _ @operator
  (#any-of? @operator "==" "!=" "===" "!==" ">" ">=" "<" "<=")) @comparison
"""


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    comparison = captures["comparison"][0]
    read = read_count_comparison(comparison)
    if read is None:
        return
    test, call, operand, extra_args = read.test, read.call, read.operand, read.extra
    name = call_name(call)
    if name in ((None, "length"), ("Kernel", "length")) and not extra_args:
        if not is_kernel_call(call):
            return  # a local or imported `length/1` that is not Kernel's: nothing known
        kind = "length"
    elif name == ("Enum", "count") and len(extra_args) <= 1:
        kind = "count"
    else:
        return
    if in_guard(comparison):
        return
    if test.always is not None:
        yield Violation(comparison, _always_message(kind, test, text(operand)))
        return
    replacement, applicability = _replacement(kind, test, ctx.text(operand), operand, extra_args)
    if replacement is None:
        return
    subject = text(comparison)
    what = "walks the whole list" if kind == "length" else "counts every element"
    emptiness = test.exact == 0 or test.at_most == 0 or test.at_least == 1
    purpose = "to test emptiness" if emptiness else "to compare its size with a small number"
    message = f"`{subject}` {what} {purpose}; use `{replacement}`"
    fix = Fix(
        f"Replace with `{replacement}`",
        applicability,
        (Edit(comparison.start_byte, comparison.end_byte, replacement),),
    )
    yield Violation(comparison, message, fix)


def _replacement(
    kind: str, test: LengthTest, operand: str, node: Node, extra: list[Node]
) -> tuple[str | None, Applicability]:
    if kind == "length":
        x = operand if node.type in TIGHT_OPERANDS else f"({operand})"
        if test.exact == 0 or test.at_most == 0:
            return f"{x} == []", Applicability.SAFE
        if test.at_least == 1:
            return f"{x} != []", Applicability.SAFE
        # `length/1` accepts only proper lists, and on those the patterns are exact.
        if test.exact is not None and test.exact <= MAX_PATTERN_CELLS:
            return f"match?({exact_pattern(test.exact)}, {operand})", Applicability.SAFE
        if test.at_least is not None and test.at_least <= MAX_PATTERN_CELLS:
            return f"match?({at_least_pattern(test.at_least)}, {operand})", Applicability.SAFE
        if test.at_most is not None and test.at_most < MAX_PATTERN_CELLS:
            pattern = at_least_pattern(test.at_most + 1)
            return f"not match?({pattern}, {operand})", Applicability.SAFE
        return None, Applicability.SAFE
    empty = test.exact == 0 or test.at_most == 0
    nonempty = test.at_least == 1
    if not (empty or nonempty):
        return None, Applicability.SAFE
    if extra:
        any_call = f"Enum.any?({operand}, {text(extra[0])})"
        return (f"not {any_call}" if empty else any_call), Applicability.UNSAFE
    call = f"Enum.empty?({operand})"
    # `Enum.empty?` stops after one element: a lazy stream would run fewer times.
    applicability = Applicability.SAFE if is_eager(node) else Applicability.UNSAFE
    return (call if empty else f"not {call}"), applicability


def _always_message(kind: str, test: LengthTest, operand: str) -> str:
    """Outside a guard a failing `length/1` raises instead of failing the test, so the
    comparison is not a constant: it gives one answer or raises."""
    subject = text(test.comparison)
    if kind == "length":
        what, failure = "walks the whole list", f"when `{operand}` is not a proper list"
    else:
        what, failure = "counts every element", f"when `{operand}` is not enumerable"
    never = "false" if test.always else "true"
    answer = "true" if test.always else "false"
    return (
        f"`{subject}` is never {never} (a count is never negative): it {what} of "
        f"`{operand}` only to return {answer}, or raises {failure}; drop it, or write "
        "the test that was meant"
    )


RULE = Rule(
    code="EP102",
    precision="0 of 23 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="expensive-empty-check",
    summary="`length/1` or `Enum.count` compared with a small number to test emptiness or size",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example("empty = length(items) == 0\n", "empty = items == []\n"),
        Example("if length(items) > 0, do: :some\n", "if items != [], do: :some\n"),
        Example("single? = length(items) == 1\n", "single? = match?([_], items)\n"),
        Example("many? = 1 < length(items)\n", "many? = match?([_, _ | _], items)\n"),
        Example(
            "if Enum.count(map) == 0, do: :none\n",
            "if Enum.empty?(map), do: :none\n",
            unsafe=True,
        ),
        Example(
            "if Enum.count(Map.keys(config)) == 0, do: :none\n",
            "if Enum.empty?(Map.keys(config)), do: :none\n",
        ),
        Example(
            "found = users |> Enum.count() > 0\n",
            "found = not Enum.empty?(users)\n",
            unsafe=True,
        ),
        Example(
            "if Enum.count(users, & &1.admin) > 0, do: :admins\n",
            "if Enum.any?(users, & &1.admin), do: :admins\n",
            unsafe=True,
        ),
        Example(
            "ipv4? = length(parts) == 4\n",
            "ipv4? = match?([_, _, _, _], parts)\n",
            inputs=("[[[1, 2, 3, 4]], [[1, 2, 3]], [[1, 2, 3, 4, 5]], [[]]]",),
        ),
        Example(
            "short = length(words) < 3\n",
            "short = not match?([_, _, _ | _], words)\n",
            inputs=("[[[]], [[1, 2]], [[1, 2, 3]], [[1, 2, 3, 4]]]",),
        ),
        Example("counted = length(items) >= 0\n"),
    ),
    ok=(
        Example("empty = items == []\n"),
        Example("big = length(items) > 100\n"),
        Example("def f(items) when length(items) > 0, do: :guard_is_ep101\n"),
        Example("two = Enum.count(map) == 2\n"),
        Example("long = length(items) > 5\n"),
    ),
)
