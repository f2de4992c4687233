"""## What it does
Flags `Enum.filter/2` whose result goes straight into `Enum.map/2`, in every
spelling: `xs |> Enum.filter(f) |> Enum.map(g)`, `Enum.map(Enum.filter(xs, f), g)`
and `Enum.filter(xs, f) |> Enum.map(g)`, also in the middle of a longer pipeline.

## Why is this bad?
The filter builds a whole intermediate list that the map walks again and throws
away. A `for` comprehension with a filter does both in one pass and builds only
the result.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
names = users |> Enum.filter(& &1.active) |> Enum.map(& &1.name)
```

Use instead:
```elixir
names = for user <- users, user.active, do: user.name
```

## Fix safety
A `for` filter keeps an element when the expression is truthy (anything but
`nil` and `false`), as `Enum.filter/2` does; `for` walks maps (as `{key, value}`
tuples), ranges, MapSets and streams in the same order as `Enum`, and raises
`Protocol.UndefinedError` on what is not enumerable, as `Enum` does. What
changes is the order of calls: `Enum.filter |> Enum.map` calls the filter on
every element before the map's function runs once, the comprehension
alternates them. So the fix is **safe** when the map's function is plainly free
of side effects (operators, field access, `String`/`Map`/`Kernel` data
functions…); when it calls anything else (a local function, I/O, a function
held in a variable) its effects would interleave with the filter's, and the fix
is **unsafe**. It is also unsafe when it would drop a comment written between
the steps.

A fix is offered only when both functions are simple: `&fun/1`,
`&Mod.fun/1`, a capture of `&1` (`&(&1 > 1)`, `& &1.name`), a variable, or a
one-clause `fn x -> expression end` on one line without a guard or a pattern in
its head. The comprehension's variable is a parameter name of those functions
when no other name clashes with it, else a fresh one (`fn a -> … end` and
`fn b -> … end` are renamed to the same variable). Multi-clause functions,
pattern-matching heads and guards are reported without a fix.

## References
- [Kernel.SpecialForms.for/1](https://hexdocs.pm/elixir/Kernel.SpecialForms.html#for/1)
- [Enum.filter/2](https://hexdocs.pm/elixir/Enum.html#filter/2)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.nodes import strip_parens
from elixir_perf_lsp.analysis.pipelines import (
    Function,
    Step,
    apply_function,
    bare_call_fits,
    element_name,
    fresh_name,
    function_looks_pure,
    grouped,
    identifier_names,
    node_text,
    pair_span,
    previous_step,
    read_function,
    step_of_call,
    uses_param,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures

COST = "at 100k elements, `Enum.filter |> Enum.map` took 1.56 ms vs 0.64 ms for `for x <- l, pred, do: f` (2.4×; 1.5–1.6× at 10–1k elements)."

QUERY = """
(call
  target: (dot left: (alias) @ep501_module right: (identifier) @ep501_function)
  (#eq? @ep501_module "Enum")
  (#eq? @ep501_function "map")) @ep501_map
"""


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    second = step_of_call(captures["ep501_map"][0])
    if second is None or not second.is_call("Enum", "map", arity=2):
        return
    first = previous_step(second)
    if first is None or not first.is_call("Enum", "filter", arity=2) or first.input is None:
        return
    message = (
        "`Enum.filter/2` then `Enum.map/2` builds and walks an intermediate list; "
        "use a `for` comprehension with a filter (one pass)"
    )
    yield Violation(pair_span(first, second), message, _fix(first, second, ctx))


def _fix(first: Step, second: Step, ctx: Context) -> Fix | None:
    predicate = read_function(first.args[0])
    mapper = read_function(second.args[0])
    if predicate is None or mapper is None or first.input is None:
        return None
    var = _variable(predicate, mapper, element_name(strip_parens(first.input)))
    condition = apply_function(predicate, var)
    value = apply_function(mapper, var)
    if condition is None or value is None or "\n" in condition or "\n" in value:
        return None
    if predicate.body is not None:
        condition = grouped(predicate.body, condition)
    if mapper.body is not None:
        value = grouped(mapper.body, value)
    subject = node_text(first.input, ctx.source)
    if first.input.type != "block":
        subject = grouped(first.input, subject)
    content = f"for {var} <- {subject}, {condition}, do: {value}"
    if not bare_call_fits(second.node):
        content = f"({content})"
    applicability = Applicability.SAFE
    title = "Replace with a `for` comprehension"
    if not function_looks_pure(mapper):
        applicability = Applicability.UNSAFE
        title += " (the map's calls would interleave with the filter's)"
    edit = Edit(second.node.start_byte, second.node.end_byte, content)
    return Fix(title, applicability, (edit,))


def _variable(predicate: Function, mapper: Function, preferred: str | None) -> str:
    """The comprehension's variable: a parameter name when nothing clashes, else fresh."""
    functions = (predicate, mapper)
    if not any(uses_param(f) for f in functions):
        return "_"
    for candidate in (predicate.param, mapper.param):
        if candidate is None or candidate.startswith("_"):
            continue
        if all(
            f.param == candidate or candidate not in identifier_names(f.node) for f in functions
        ):
            return candidate
    return fresh_name(
        identifier_names(predicate.node, mapper.node), [preferred] if preferred else []
    )


RULE = Rule(
    code="EP501",
    precision="0 of 82 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="filter-then-map",
    summary="`Enum.filter/2` piped into `Enum.map/2`: two passes and an intermediate list",
    severity=Severity.HINT,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "names = users |> Enum.filter(& &1.active) |> Enum.map(& &1.name)\n",
            "names = for user <- users, user.active, do: user.name\n",
        ),
        Example(
            "names = Enum.map(Enum.filter(users, fn user -> user.age > 17 end), fn user -> user.name end)\n",
            "names = for user <- users, user.age > 17, do: user.name\n",
        ),
        Example(
            "total = xs |> Enum.filter(&(&1 > 1)) |> Enum.map(&(&1 * 2)) |> Enum.sum()\n",
            "total = (for x <- xs, x > 1, do: x * 2) |> Enum.sum()\n",
        ),
        Example(
            "load()\n|> Enum.filter(&valid?/1)\n|> Enum.map(fn row -> {row.id, row} end)\n",
            "for row <- load(), valid?(row), do: {row.id, row}\n",
        ),
        Example(
            "Enum.filter(orders, &paid?/1) |> Enum.map(&notify/1)\n",
            "for order <- orders, paid?(order), do: notify(order)\n",
            unsafe=True,
        ),
        Example(
            "Enum.filter(xs, fn\n  {:ok, _} -> true\n  _ -> false\nend)\n|> Enum.map(&elem(&1, 1))\n",
        ),
    ),
    ok=(
        Example('xs |> Enum.map(&to_string/1) |> Enum.join(",")\n'),
        Example("xs |> Enum.map(&{&1.id, &1}) |> Enum.into(%{})\n"),
        Example("xs |> Enum.map(&(&1 * 2)) |> Enum.filter(&(&1 > 2))\n"),
        Example("xs |> Stream.filter(&(&1 > 1)) |> Enum.map(&(&1 * 2))\n"),
        Example("for x <- xs, x > 1, do: x * 2\n"),
    ),
)
