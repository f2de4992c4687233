"""## What it does
Flags membership tests against the keys of a map: `k in Map.keys(m)`,
`k not in Map.keys(m)` and `Enum.member?(Map.keys(m), k)` in any spelling
(`m |> Map.keys() |> Enum.member?(k)`).

## Why is this bad?
`Map.keys/1` builds a new list of every key, then the test scans it: O(m) time
and garbage for a question the map answers directly. `Map.has_key?/2` is a hash
lookup (or a search of a small sorted key tuple below 33 keys) and allocates
nothing. Inside a loop the difference is O(n·m) against O(n).

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
Enum.filter(ids, fn id -> id in Map.keys(users) end)
```

Use instead:
```elixir
Enum.filter(ids, fn id -> Map.has_key?(users, id) end)
```

## Fix safety
Both compare keys with exact term equality (`1.0 in Map.keys(%{1 => :a})` and
`Map.has_key?(%{1 => :a}, 1.0)` are both false) and both raise `BadMapError` for a
non-map, and a struct's keys include `:__struct__` either way, so the answer is the
same for every input. `k in Map.keys(m)` evaluates `k` before `m` while
`Map.has_key?(m, k)` evaluates `m` first: the fix is **safe** when at least one
of them is free of side effects (then the order cannot show), **unsafe** when
both are calls that might do something.

## References
- [Map.has_key?/2](https://hexdocs.pm/elixir/Map.html#has_key?/2)
- [Map.keys/1](https://hexdocs.pm/elixir/Map.html#keys/1)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.nodes import operator, strip_parens, text
from elixir_perf_lsp.analysis.pipelines import (
    Step,
    grouped,
    looks_pure,
    pair_edit,
    pair_span,
    previous_step,
    read_step,
    step_of_call,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "one `k in Map.keys(m)` took 30.9 µs on a 1,000-key map and 4.1 ms on a 100k-key map vs 27–42 ns for `Map.has_key?/2` (4× already at 4 keys); 1,000 tests inside `Enum.filter` against a 1,000-key map: 30.1 ms vs 76 µs (397×)."

QUERY = """
(binary_operator operator: _ @ep508.op (#any-of? @ep508.op "in" "not in")) @ep508.in
(call
  target: (dot left: (alias) @ep508.module right: (identifier) @ep508.function)
  (#eq? @ep508.module "Enum")
  (#eq? @ep508.function "member?")) @ep508.member
"""


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    if "ep508.in" in captures:
        yield from _check_in(captures["ep508.in"][0], ctx)
        return
    member = step_of_call(captures["ep508.member"][0])
    if member is None or not member.is_call("Enum", "member?", arity=2):
        return
    keys = previous_step(member)
    if keys is None or not _is_map_keys(keys) or keys.input is None:
        return
    key = member.args[0]
    message = _message(ctx.text(keys.input), text(key), negated=False)
    edit = pair_edit(keys, member, "Map.has_key?", [ctx.text(key)], ctx.source)
    fix = Fix(_title(keys.input, key, ctx, negated=False), Applicability.SAFE, (edit,))
    yield Violation(pair_span(keys, member), message, fix)


def _check_in(node: Node, ctx: Context) -> Iterator[Violation]:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        return
    keys = read_step(strip_parens(right))
    if keys is None or not _is_map_keys(keys) or keys.input is None:
        return
    negated = operator(node) == "not in"
    map_text = grouped(keys.input, ctx.text(keys.input))
    key_text = grouped(left, ctx.text(left))
    replacement = f"Map.has_key?({map_text}, {key_text})"
    if negated:
        replacement = f"not {replacement}"
    # `k in Map.keys(m)` evaluates `k` first; `Map.has_key?(m, k)` evaluates `m` first.
    order_shows = not (looks_pure(left) or looks_pure(keys.input))
    applicability = Applicability.UNSAFE if order_shows else Applicability.SAFE
    fix = Fix(
        _title(keys.input, left, ctx, negated),
        applicability,
        (Edit(node.start_byte, node.end_byte, replacement),),
    )
    yield Violation(node, _message(ctx.text(keys.input), text(left), negated), fix)


def _is_map_keys(step: Step) -> bool:
    return step.is_call("Map", "keys", arity=1)


def _message(map_text: str, key_text: str, negated: bool) -> str:
    test = f"{'not ' if negated else ''}Map.has_key?({map_text}, {key_text})"
    return (
        f"`Map.keys/1` builds a list of every key of `{map_text}` to scan it (O(m)); "
        f"`{test}` is a lookup"
    )


def _title(map_node: Node, key: Node, ctx: Context, negated: bool) -> str:
    prefix = "not " if negated else ""
    return f"Replace with `{prefix}Map.has_key?({ctx.text(map_node)}, {ctx.text(key)})`"


RULE = Rule(
    code="EP508",
    name="membership-in-map-keys",
    summary="`k in Map.keys(m)` / `Enum.member?(Map.keys(m), k)` instead of `Map.has_key?/2`",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.ALWAYS,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    default=False,
    precision="1 of 1 finding worth changing on the 17 projects of `benchmarks/precision` (2026-12-06): too few to enter the default set.",
    bad=(
        Example(
            "def known(ids, users), do: Enum.filter(ids, fn id -> id in Map.keys(users) end)\n",
            "def known(ids, users), do: Enum.filter(ids, fn id -> Map.has_key?(users, id) end)\n",
            inputs=(
                '[[[1, 1.0, :a], %{1 => :x, :a => 2}], [[], %{}], [[:__struct__], URI.parse("/")]]',
            ),
        ),
        Example(
            "def missing?(config, key), do: key not in Map.keys(config)\n",
            "def missing?(config, key), do: not Map.has_key?(config, key)\n",
            inputs=("[[%{a: 1}, :a], [%{a: 1}, :b], [%{}, nil]]",),
        ),
        Example(
            "def known?(params, field) do\n  params |> Map.keys() |> Enum.member?(field)\nend\n",
            "def known?(params, field) do\n  params |> Map.has_key?(field)\nend\n",
            inputs=('[[%{"a" => 1}, "a"], [%{"a" => 1}, :a]]',),
        ),
        Example(
            "def known?(params, field), do: Enum.member?(Map.keys(params), field)\n",
            "def known?(params, field), do: Map.has_key?(params, field)\n",
            inputs=('[[%{"a" => 1}, "a"], [%{2 => 1}, 2.0]]',),
        ),
        Example(
            "def seen?(tracker), do: next_id(tracker) in Map.keys(load(tracker))\n",
            "def seen?(tracker), do: Map.has_key?(load(tracker), next_id(tracker))\n",
            unsafe=True,
        ),
    ),
    ok=(
        Example("def known?(params, field), do: Map.has_key?(params, field)\n"),
        Example("def known?(kw, field), do: field in Keyword.keys(kw)\n"),
        Example("def known?(map, v), do: v in Map.values(map)\n"),
    ),
)
