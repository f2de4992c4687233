"""## What it does
Flags sorting a collection to keep only its first or last element:
`Enum.sort/1,2` or `Enum.sort_by/2,3` followed by `hd/1`, `List.first/1`,
`List.last/1`, `Enum.at(…, 0)`, `Enum.at(…, -1)` or `Enum.take(…, 1)`, in any
spelling (pipe or nested).

## Why is this bad?
Sorting costs O(n log n) and builds a new list of n elements; `Enum.min/max`
and `Enum.min_by/max_by` find the same element in one pass without building
anything.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
oldest = users |> Enum.sort_by(& &1.inserted_at) |> List.first()
```

Use instead:
```elixir
oldest = Enum.min_by(users, & &1.inserted_at, fn -> nil end)
```

## Fix safety
The fix returns the same element when the sort keeps equal elements in input
order, and that is where it is **safe**:
- **Ties.** Among elements that compare equal, the first in input order is at the
  front of a stable sort and the last at the back. `Enum.min/max(_by)` keep the first
  extreme they meet; to take the *last* one the fix passes the strict comparison
  (`&>/2` for the last of an ascending sort, `&</2` for the last of a descending
  one), which replaces the element found on a tie.
- **Empty input.** `List.first/1`, `List.last/1` and `Enum.at/2` give `nil` for an
  empty list where `Enum.min/max` raise: the fix passes `fn -> nil end` as the
  empty fallback. `hd/1` raised already, so it needs none.
- **Direction.** `:desc` swaps `min` and `max`.
- **Side effects.** `Enum.sort_by` calls the key function once per element in
  order, and so do `Enum.min_by/max_by`.

Measured on the BEAM (every list of up to 6 elements of `0, 1, 1.0, 2, 2.0`, and
200,000 random ones of up to 60): `Enum.sort(xs, :asc)` and `Enum.sort(xs, :desc)`
keep equal elements in order, so those fixes are **safe**; so are the first of an
ascending `Enum.sort_by` and the last of a descending one. But `Enum.sort/1` and the
other `Enum.sort_by` ends do not keep integers and floats that compare equal in input
order (`[2, 1.0, 1, 1] |> Enum.sort() |> hd()` is `1` where `Enum.min/1` gives `1.0`),
so no comparison argument can make `min/max` agree: those fixes are **unsafe** (and
written without one: `[1.0, 1] |> Enum.sort() |> List.last()` is `1`, `Enum.max/1`
gives `1.0`), although they differ only when equal integer and float keys meet.

No fix for a comparator function or module (`Enum.sort(xs, &(&1.n >= &2.n))`,
`Enum.sort(xs, Date)`), nor for `Enum.take(…, 1)`, which returns a list; these
are reported with the function to use. The sorter argument needs Elixir 1.10.

## References
- [Enum.min/3](https://hexdocs.pm/elixir/Enum.html#min/3)
- [Enum.min_by/4](https://hexdocs.pm/elixir/Enum.html#min_by/4)
- [Enum.sort/2](https://hexdocs.pm/elixir/Enum.html#sort/2) (stability)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from elixir_perf_lsp.analysis.nodes import int_value, operator, strip_parens, text
from elixir_perf_lsp.analysis.pipelines import (
    Step,
    pair_edit,
    pair_span,
    previous_step,
    step_of_call,
)
from elixir_perf_lsp.analysis.shapes import is_small
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "`Enum.sort |> hd` took 113 µs at 1k random integers and 34 ms at 100k vs 7.2 µs and 0.22 ms for `Enum.min` (16×, 155×); `Enum.sort |> List.last` vs `Enum.max`: 24× at 1k, 71× at 100k; `Enum.sort_by(f) |> List.first` vs `Enum.min_by(f)`: 5× up to 10k elements, 73× at 100k."

QUERY = """
(call
  target: (dot left: (alias) @ep509.module right: (identifier) @ep509.function)
  (#any-of? @ep509.module "List" "Enum" "Kernel")
  (#any-of? @ep509.function "first" "last" "at" "take" "hd")) @ep509.call
(call target: (identifier) @ep509.local (#eq? @ep509.local "hd")) @ep509.call
(binary_operator operator: "|>" right: (identifier) @ep509.bare (#eq? @ep509.bare "hd")) @ep509.pipe
"""


@dataclass(frozen=True)
class _Take:
    last: bool  # the last element rather than the first
    nil_when_empty: bool  # `List.first([])` is nil; `hd([])` raises
    as_list: bool  # `Enum.take(…, 1)`: a list of the element


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    if "ep509.pipe" in captures:
        take_step = step_of_call(captures["ep509.bare"][0])
    else:
        take_step = step_of_call(captures["ep509.call"][0])
    if take_step is None:
        return
    take = _take(take_step)
    if take is None:
        return
    sort = previous_step(take_step)
    if sort is None or sort.input is None or is_small(sort.input):
        return
    by = sort.is_call("Enum", "sort_by", arity=2) or sort.is_call("Enum", "sort_by", arity=3)
    if not (by or sort.is_call("Enum", "sort", arity=1) or sort.is_call("Enum", "sort", arity=2)):
        return
    order = sort.args[1 if by else 0] if len(sort.args) > (1 if by else 0) else None
    descending = _direction(order)
    extreme = "max" if (take.last != (descending is True)) else "min"
    function = f"Enum.{extreme}{'_by' if by else ''}"
    taken = f"`{take_step.module}.{take_step.name}`" if take_step.module else f"`{take_step.name}`"
    message = (
        f"`Enum.{sort.name}` sorts every element (O(n log n), a new list) and {taken} keeps "
        f"one; `{function}` finds it in one pass"
    )
    fix = None
    if descending is not None and not take.as_list and not _too_old(ctx):
        fix = _fix(sort, take_step, take, by, descending, function, ctx)
    yield Violation(pair_span(sort, take_step), message, fix)


def _take(step: Step) -> _Take | None:
    if step.is_call(None, "hd", arity=1) or step.is_call("Kernel", "hd", arity=1):
        return _Take(last=False, nil_when_empty=False, as_list=False)
    if step.is_call("List", "first", arity=1):
        return _Take(last=False, nil_when_empty=True, as_list=False)
    if step.is_call("List", "last", arity=1):
        return _Take(last=True, nil_when_empty=True, as_list=False)
    if step.is_call("Enum", "at", arity=2):
        index = _integer(step.args[0])
        if index in (0, -1):
            return _Take(last=index == -1, nil_when_empty=True, as_list=False)
    if step.is_call("Enum", "take", arity=2):
        count = _integer(step.args[0])
        if count in (1, -1):
            return _Take(last=count == -1, nil_when_empty=True, as_list=True)
    return None


def _integer(node: Node) -> int | None:
    node = strip_parens(node)
    if node.type == "unary_operator" and operator(node) == "-":
        operand = node.child_by_field_name("operand")
        value = int_value(operand) if operand is not None else None
        return -value if value is not None else None
    return int_value(node)


def _direction(order: Node | None) -> bool | None:
    """True for `:desc`, False for no argument or `:asc`, None for anything else."""
    if order is None:
        return False
    spelled = text(strip_parens(order))
    if spelled == ":asc":
        return False
    if spelled == ":desc":
        return True
    return None


def _too_old(ctx: Context) -> bool:
    elixir = ctx.target.elixir
    return elixir is not None and elixir < (1, 10)


def _fix(
    sort: Step,
    take_step: Step,
    take: _Take,
    by: bool,
    descending: bool,
    function: str,
    ctx: Context,
) -> Fix:
    # Where Erlang's sort keeps equal elements in input order (measured: see the docs).
    stable_end = (not by and len(sort.args) == 1) or (by and take.last == descending)
    args = [ctx.text(sort.args[0])] if by else []
    if take.last and stable_end:
        # Stable sorts put the last of equal elements last; `min/max` keep the first
        # extreme they meet unless the comparison is strict.
        args.append("&</2" if descending else "&>/2")
    if take.nil_when_empty:
        args.append("fn -> nil end")
    edit = pair_edit(sort, take_step, function, args, ctx.source)
    if stable_end:
        return Fix(f"Replace with `{function}`", Applicability.SAFE, (edit,))
    title = f"Replace with `{function}` (of equal integer and float keys, another may come back)"
    return Fix(title, Applicability.UNSAFE, (edit,))


RULE = Rule(
    code="EP509",
    name="sort-to-take-one",
    summary="`Enum.sort`/`Enum.sort_by` then the first or last element, instead of `Enum.min/max(_by)`",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    default=False,
    precision="1 of 3 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06); the other two sort a handful of gateways.",
    bad=(
        Example(
            "def lowest(scores), do: scores |> Enum.sort() |> hd()\n",
            "def lowest(scores), do: scores |> Enum.min()\n",
            unsafe=True,
            inputs=("[[[2, 1.0, 1, 1]], [[3, 1, 2]], [[]], [%{a: 1, b: 0}]]",),
        ),
        Example(
            "def oldest(users), do: users |> Enum.sort_by(& &1.age) |> List.first()\n",
            "def oldest(users), do: users |> Enum.min_by(& &1.age, fn -> nil end)\n",
            inputs=(
                "[[[]], [[%{age: 3, n: 1}, %{age: 1, n: 2}, %{age: 1.0, n: 3}]],"
                " [[%{age: 2, n: 1}, %{age: 1.0, n: 2}, %{age: 1, n: 3}, %{age: 1, n: 4}]]]",
            ),
        ),
        Example(
            "def newest(users), do: List.last(Enum.sort_by(users, & &1.age))\n",
            "def newest(users), do: Enum.max_by(users, & &1.age, fn -> nil end)\n",
            unsafe=True,
            inputs=("[[[]], [[%{age: 1.0}, %{age: 1}]], [[%{age: 3, n: 1}, %{age: 1, n: 3}]]]",),
        ),
        Example(
            "def top(scores), do: scores |> Enum.sort(:desc) |> Enum.at(0)\n",
            "def top(scores), do: scores |> Enum.max(fn -> nil end)\n",
            inputs=("[[[2, 2.0, 1]], [[2.0, 2, 1]], [[]]]",),
        ),
        Example(
            "def bottom(scores), do: scores |> Enum.sort(:desc) |> Enum.at(-1)\n",
            "def bottom(scores), do: scores |> Enum.min(&</2, fn -> nil end)\n",
            inputs=("[[[2, 1, 1.0]], [[1.0, 2, 1]], [[]]]",),
        ),
        Example(
            "def highest(scores), do: scores |> Enum.sort(:asc) |> List.last()\n",
            "def highest(scores), do: scores |> Enum.max(&>/2, fn -> nil end)\n",
            inputs=("[[[2, 1, 2.0]], [[2.0, 1, 2]], [[1.0, 1]], [[]]]",),
        ),
        Example(
            "def first(posts), do: posts |> Enum.sort_by(& &1.at, &>=/2) |> hd()\n",
        ),
    ),
    ok=(
        Example("def lowest(scores), do: Enum.min(scores)\n"),
        Example("def second(scores), do: scores |> Enum.sort() |> Enum.at(1)\n"),
        Example("def top3(scores), do: scores |> Enum.sort(:desc) |> Enum.take(3)\n"),
        Example("def pick, do: [3, 1, 2] |> Enum.sort() |> hd()\n"),
    ),
)
