"""## What it does
Flags `x in list`, `x not in list` and `Enum.member?(list, x)` inside a loop
(an `Enum`/`Stream` function, a `for` comprehension or a recursive function that
passes `list` back unchanged) when `list` is a variable, or a field of one, bound
outside the loop and not rebound inside it.

Not flagged: literal lists and ranges, variables bound to them, module
attributes (`x in @allowed`: its length is fixed by the source; Elixir 1.14
compiles it to comparisons in guards and to `:lists.member/2` over a literal in
bodies), variables bound to a `MapSet`, a map or a range (`Enum.member?/2` is
already fast on those) or named like one (`allowed_set`, `ids_by_user`,
`index`, `lookup`), and guards.

## Why is this bad?
On a list, `in` and `Enum.member?/2` scan element by element: n iterations over
a list of m elements cost O(n·m). A `MapSet` built once before the loop answers
each test in O(log m).

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
Enum.filter(events, fn e -> e.user_id in blocked_ids end)
```

Use instead:
```elixir
blocked = MapSet.new(blocked_ids)
Enum.filter(events, fn e -> MapSet.member?(blocked, e.user_id) end)
```

## Fix safety
No fix is offered. The membership test itself would not change: `in` on a list
and `MapSet.member?/2` both compare with `===` (`1.0 in [1]` and
`MapSet.member?(MapSet.new([1]), 1.0)` are both false on 1.14/OTP 25). But the
set must be built before the loop: when the loop runs zero times, or never
reaches the test, a `list` that is not enumerable now raises, a stream's side
effects run once instead of per test, and a struct with its own
`Enumerable.member?/2` loses its semantics. For small lists the set costs more
than it saves (up to 4 elements the scan was as fast or faster in the measurements).

## References
- [MapSet](https://hexdocs.pm/elixir/MapSet.html)
- [Kernel.in/2](https://hexdocs.pm/elixir/Kernel.html#in/2)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from elixir_perf_lsp.analysis.loops import Loop, enclosing_loop
from elixir_perf_lsp.analysis.nodes import (
    effective_args,
    in_guard,
    operator,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.analysis.scope import (
    describe_loop,
    is_binding,
    is_loop_invariant,
    root_variable,
)
from elixir_perf_lsp.analysis.shapes import has_fast_membership, is_small
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "10k `x in list` tests against a 1k-element list took 11.8 ms vs 0.58 ms with `MapSet.new` + `MapSet.member?` (20×; 27× with a prebuilt set); 10k elements: 116 ms vs 2.3 ms; up to 4 elements the list is as fast."

QUERY = """
(binary_operator operator: _ @ep505.op (#any-of? @ep505.op "in" "not in")) @ep505.in
(call
  target: (dot
    left: (alias) @ep505.module
    right: (identifier) @ep505.function)
  (#eq? @ep505.module "Enum")
  (#eq? @ep505.function "member?")
  (arguments)) @ep505.member
"""

# Names that say the value is a set or a map, where membership is already fast.
_SET_LIKE_NAME = re.compile(r"(^|_)(set|mapset|map|index|lookup|table)$|_by_|^by_")


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    if "ep505.in" in captures:
        node = captures["ep505.in"][0]
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None or _in_pattern(node) or in_guard(node):
            return
        collection, element, spelled = strip_parens(right), left, operator(node) or "in"
    else:
        node = captures["ep505.member"][0]
        args = effective_args(node)
        if len(args) != 2:
            return
        collection, element, spelled = strip_parens(args[0]), args[1], "Enum.member?"
    loop = enclosing_loop(node)
    if loop is None or not _runtime_list(collection, loop):
        return
    name = text(collection)
    message = (
        f"`{spelled}` scans the list `{name}` on every iteration of {describe_loop(loop)} "
        f"(O(n·m)); build `MapSet.new({name})` once before the loop and test with "
        f"`MapSet.member?(set, {text(element)})`"
    )
    yield Violation(node, message)


def _in_pattern(node: Node) -> bool:
    """`rescue e in [A, B] ->` binds `e`; it is not a membership test."""
    left = node.child_by_field_name("left")
    return left is not None and left.type == "identifier" and is_binding(left)


def _runtime_list(collection: Node, loop: Loop) -> bool:
    root = root_variable(collection)
    if root is None or not is_loop_invariant(collection, loop):
        return False
    if _SET_LIKE_NAME.search(text(collection).rsplit(".", 1)[-1]):
        return False
    if not same_node(root, collection):
        return True
    return not (is_small(collection) or has_fast_membership(collection))


RULE = Rule(
    code="EP505",
    precision="2 of 165 findings worth changing on the 17 projects of `benchmarks/precision`, 1 wrong (2026-12-06).",
    default=False,
    name="list-membership-in-loop",
    summary="`x in list` / `Enum.member?` on a loop-invariant runtime list inside a loop",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.NONE,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    # Loop invariance looks beyond the form: at the other clauses of a recursive
    # function (is the collection passed back unchanged?) and, in scripts, at
    # bindings in earlier top-level statements.
    scope="file",
    bad=(
        Example(
            "def visible(events, blocked_ids) do\n"
            "  Enum.filter(events, fn e -> e.user_id not in blocked_ids end)\n"
            "end\n"
        ),
        Example(
            "def tagged(posts, opts) do\n"
            "  for post <- posts do\n"
            "    Enum.member?(opts.featured, post.id)\n"
            "  end\n"
            "end\n"
        ),
        Example(
            "def split(rows) do\n"
            "  seen = Enum.map(load(), & &1.id)\n"
            "  Enum.reject(rows, &(&1.id in seen))\n"
            "end\n"
        ),
    ),
    ok=(
        Example("def ok(items), do: Enum.filter(items, &(&1 in [:a, :b, :c]))\n"),
        Example("def ok(items), do: Enum.filter(items, &(&1 in @allowed))\n"),
        Example("def ok(items), do: Enum.filter(items, &(&1 in 1..10))\n"),
        Example(
            "def ok(items, ids) do\n"
            "  set = MapSet.new(ids)\n"
            "  Enum.filter(items, &(&1.id in set))\n"
            "end\n"
        ),
        Example("def ok(users), do: Enum.filter(users, fn u -> :admin in u.roles end)\n"),
        Example("def ok(x, allowed), do: x in allowed\n"),
    ),
)
