"""## What it does
Flags `Enum.filter/2` whose result is only used for its first element:
`List.first/1,2`, `hd/1` or `Enum.at(…, 0)`, in every pipeline spelling
(`xs |> Enum.filter(f) |> List.first()`, `hd(Enum.filter(xs, f))`,
`Enum.filter(xs, f) |> Enum.at(0)`).

## Why is this bad?
The filter tests every element and builds a list of all matches to keep one.
`Enum.find/2,3` stops at the first match and builds nothing.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
admin = users |> Enum.filter(& &1.admin) |> List.first()
```

Use instead:
```elixir
admin = users |> Enum.find(& &1.admin)
```

## Fix safety
`Enum.find/2` returns the first element for which the function is truthy, the
first element `Enum.filter/2` would keep, and `nil` when there is none, like
`List.first([])` and `Enum.at([], 0)`; `List.first(list, default)` and
`Enum.at(list, 0, default)` become `Enum.find(xs, default, fun)`. What changes
is that the function is no longer called on the elements after the first
match: the fix is **safe** when the function is plainly free of side effects
(operators, field access, `String`/`Map`/`Kernel` data functions…), and
**unsafe** when it calls anything else (a local function, I/O, a function held
in a variable). A lazy stream given as input is likewise only run up to the
first match.

`hd/1` raises `ArgumentError` when nothing matches where `Enum.find` returns
`nil`: that fix is always **unsafe** (use `Enum.find(xs, f) || raise …` to keep
failing loudly).

## References
- [Enum.find/3](https://hexdocs.pm/elixir/Enum.html#find/3)
- [List.first/2](https://hexdocs.pm/elixir/List.html#first/2)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.eagerness import is_eager
from elixir_perf_lsp.analysis.nodes import int_value, strip_parens, text
from elixir_perf_lsp.analysis.pipelines import (
    Step,
    function_looks_pure,
    looks_pure,
    pair_edit,
    pair_span,
    previous_step,
    read_function,
    step_of_call,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "100k elements, one match at 10%: `Enum.filter |> List.first` 1.08 ms vs 0.105 ms for `Enum.find` (10×); 90% of elements matching: 2.76 ms vs 0.10 ms (27×); only the last one matching: 1.11 ms vs 1.05 ms (no gain)."

QUERY = """
(call
  target: (dot left: (alias) @ep502_module right: (identifier) @ep502_function)
  (#any-of? @ep502_module "List" "Enum")
  (#any-of? @ep502_function "first" "at")) @ep502_call
(call target: (identifier) @ep502_local (#eq? @ep502_local "hd")) @ep502_call
(call
  target: (dot left: (alias) @ep502_kernel right: (identifier) @ep502_hd)
  (#eq? @ep502_kernel "Kernel")
  (#eq? @ep502_hd "hd")) @ep502_call
(binary_operator operator: "|>" right: (identifier) @ep502_bare (#eq? @ep502_bare "hd")) @ep502_pipe
"""


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    if "ep502_pipe" in captures:
        second = step_of_call(captures["ep502_bare"][0])
    else:
        second = step_of_call(captures["ep502_call"][0])
    if second is None:
        return
    takes_first, default = _first_of(second)
    if not takes_first:
        return
    first = previous_step(second)
    if first is None or not first.is_call("Enum", "filter", arity=2) or first.input is None:
        return
    taken = f"`{second.module}.{second.name}`" if second.module else f"`{second.name}`"
    message = (
        f"`Enum.filter/2` then {taken} tests every element and builds a list to keep the "
        "first; `Enum.find` stops at the first match"
    )
    yield Violation(pair_span(first, second), message, _fix(first, second, default, ctx))


def _first_of(step: Step) -> tuple[bool, Node | None]:
    """Whether the step takes the first element, and the default it gives if any."""
    if step.is_call("List", "first", arity=1) or step.is_call(None, "hd", arity=1):
        return True, None
    if step.is_call("Kernel", "hd", arity=1):
        return True, None
    if step.is_call("List", "first", arity=2):
        return True, step.args[0]
    if step.is_call("Enum", "at") and step.arity in (2, 3):
        if int_value(strip_parens(step.args[0])) != 0:
            return False, None
        return True, (step.args[1] if step.arity == 3 else None)
    return False, None


def _fix(first: Step, second: Step, default: Node | None, ctx: Context) -> Fix | None:
    predicate = first.args[0]
    args = [text(predicate)] if default is None else [text(default), text(predicate)]
    edit = pair_edit(first, second, "Enum.find", args, ctx.source)
    call = "Enum.find/2" if default is None else "Enum.find/3"
    title = f"Replace with `{call}`"
    applicability = Applicability.SAFE
    if second.name == "hd":
        applicability = Applicability.UNSAFE
        title += " (returns `nil` where `hd/1` raised)"
    else:
        function = read_function(predicate)
        pure = function is not None and function_looks_pure(function)
        if not pure or (default is not None and not looks_pure(default)):
            applicability = Applicability.UNSAFE
            title += " (the function is no longer called after the first match)"
        elif first.input is None or not is_eager(first.input):
            applicability = Applicability.UNSAFE
            title += " (a lazy stream would be pulled only up to the first match)"
    return Fix(title, applicability, (edit,))


RULE = Rule(
    code="EP502",
    precision="0 of 2 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="filter-then-first",
    summary="`Enum.filter/2` then `List.first`/`hd`/`Enum.at(0)`: use `Enum.find`",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.ALWAYS,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "admin = Map.values(users) |> Enum.filter(& &1.admin) |> List.first()\n",
            "admin = Map.values(users) |> Enum.find(& &1.admin)\n",
        ),
        Example(
            "big = List.first(Enum.filter([3, 30, 300], fn x -> x > 10 end))\n",
            "big = Enum.find([3, 30, 300], fn x -> x > 10 end)\n",
        ),
        Example(
            "big = Enum.filter(xs, &(&1 > 10)) |> Enum.at(0, :none)\n",
            "big = Enum.find(xs, :none, &(&1 > 10))\n",
            unsafe=True,
        ),
        Example(
            "user = Enum.filter(users, &active?/1) |> List.first()\n",
            "user = Enum.find(users, &active?/1)\n",
            unsafe=True,
        ),
        Example(
            "row = rows |> Enum.filter(&(&1.id == id)) |> hd()\n",
            "row = rows |> Enum.find(&(&1.id == id))\n",
            unsafe=True,
        ),
    ),
    ok=(
        Example("admin = Enum.find(users, & &1.admin)\n"),
        Example("second = users |> Enum.filter(& &1.admin) |> Enum.at(1)\n"),
        Example("last = users |> Enum.filter(& &1.admin) |> List.last()\n"),
        Example("first = users |> Enum.sort() |> List.first()\n"),
    ),
)
