"""## What it does
Flags `List.replace_at/3`, `List.update_at/3`, `List.delete_at/2` and
`List.insert_at/3` on a list carried from one iteration to the next: the
accumulator of an `Enum.reduce`-style function or of a `for … reduce:`
comprehension (also one part of a tuple accumulator), or a list a recursive
function passes back to itself updated.

Not flagged: a literal index up to 5 (`List.replace_at(acc, 0, x)` touches the
first cells only), and updates of a list that the loop does not carry (each
iteration then builds its own copy on purpose).

## Why is this bad?
A list has no random access: each positional update walks the list up to the
index and copies every cell before it. n updates of an n-element list cost
O(n²). A map keyed by index (or Erlang's `:array`) updates in O(log n); turn it
into a list once at the end.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
Enum.reduce(moves, board, fn {i, piece}, acc -> List.replace_at(acc, i, piece) end)
```

Use instead:
```elixir
cells = board |> Enum.with_index() |> Map.new(fn {cell, i} -> {i, cell} end)
cells = Enum.reduce(moves, cells, fn {i, piece}, acc -> Map.put(acc, i, piece) end)
Enum.map(0..(length(board) - 1)//1, &Map.fetch!(cells, &1))
```

## Fix safety
No fix is offered: the data structure changes, and how the list is read inside
the loop (if it is) must change with it.

## References
- [List.replace_at/3](https://hexdocs.pm/elixir/List.html#replace_at/3)
- [Erlang :array](https://www.erlang.org/doc/man/array.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.loops import accumulator_of, accumulator_pattern
from elixir_perf_lsp.analysis.nodes import (
    ancestors,
    call_name,
    contains,
    descendants,
    effective_args,
    enclosing_definition,
    int_value,
    operator,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.analysis.pipelines import Step, step_of_call
from elixir_perf_lsp.analysis.scope import binding_of
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "n `List.replace_at/3` updates of an n-element list in a reduce took 6.2 ms at 1k and 966 ms at 10k vs 0.98 ms and 28 ms with a map keyed by index (6×, 35×; 9.3 s vs 38 ms at 30k) and 0.10 ms and 1.9 ms with `:array` (61×, 523×); `List.update_at/3` alike; up to 100 elements the map was no faster (0.6–0.95×), `:array` 3× at 100 (measured under load)."

QUERY = """
(call
  target: (dot left: (alias) @ep106.module right: (identifier) @ep106.function)
  (#eq? @ep106.module "List")
  (#any-of? @ep106.function "replace_at" "update_at" "delete_at" "insert_at")) @ep106.call
"""
_ARITY = {"replace_at": 3, "update_at": 3, "delete_at": 2, "insert_at": 3}
# Indexes this small touch the first cells only.
_NEAR_HEAD = 5


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    step = step_of_call(captures["ep106.call"][0])
    if step is None or step.module != "List" or step.arity != _ARITY.get(step.name):
        return
    if step.input is None or not step.args:
        return
    index = int_value(strip_parens(step.args[0]))
    if index is not None and 0 <= index <= _NEAR_HEAD:
        return
    subject = strip_parens(step.input)
    if subject.type != "identifier" or not _carried(step, subject):
        return
    message = (
        f"`List.{step.name}` walks and copies `{text(subject)}` up to the index on every "
        "iteration (O(n²) over the loop); update a map keyed by index (or an `:array`) "
        "and build the list once at the end"
    )
    yield Violation(step.node, message)


def _carried(step: Step, subject: Node) -> bool:
    if accumulator_of(subject) is not None:
        return True
    binding = binding_of(subject)
    if binding is None:
        return False
    clause = next((a for a in ancestors(binding) if a.type == "stab_clause"), None)
    pattern = accumulator_pattern(clause) if clause is not None else None
    if pattern is not None and contains(pattern, binding):
        return True
    return _passed_back_updated(step, binding)


def _passed_back_updated(step: Step, binding: Node) -> bool:
    """`go(rest, List.replace_at(acc, i, v))`, or through `acc2 = List.replace_at(…)`."""
    definition = enclosing_definition(step.node)
    if definition is None or definition.body is None:
        return False
    index = next(
        (i for i, p in enumerate(definition.params) if same_node(strip_parens(p), binding)), None
    )
    if index is None:
        return False
    bound = _bound_to(step.node)
    arity = len(definition.params)
    for node in (definition.body, *descendants(definition.body)):
        if node.type != "call" or call_name(node) != (None, definition.name):
            continue
        args = effective_args(node)
        if len(args) != arity:
            continue
        arg = strip_parens(args[index])
        if same_node(arg, step.node) or (bound is not None and text(arg) == text(bound)):
            return True
    return False


def _bound_to(node: Node) -> Node | None:
    parent = node.parent
    if parent is None or parent.type != "binary_operator" or operator(parent) != "=":
        return None
    if not same_node(parent.child_by_field_name("right"), node):
        return None
    target = parent.child_by_field_name("left")
    return target if target is not None and target.type == "identifier" else None


RULE = Rule(
    code="EP106",
    name="positional-list-update-in-loop",
    summary="`List.replace_at/update_at/delete_at/insert_at` on a list carried through a loop",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.NONE,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    # A recursion's self-calls are read across the function's body.
    scope="file",
    default=False,
    precision="3 of 7 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06): LiveViewTest's stream patching; the rest update short lists (argument types, embedded values).",
    bad=(
        Example(
            "Enum.reduce(moves, board, fn {i, piece}, acc -> List.replace_at(acc, i, piece) end)\n"
        ),
        Example(
            "for {i, delta} <- changes, reduce: counts do\n"
            "  acc -> List.update_at(acc, i, &(&1 + delta))\n"
            "end\n"
        ),
        Example(
            "defp mark([i | rest], cells), do: mark(rest, List.replace_at(cells, i, true))\n"
            "defp mark([], cells), do: cells\n"
        ),
        Example(
            "Enum.reduce(ids, {list, 0}, fn id, {acc, n} ->\n"
            "  {List.delete_at(acc, id), n + 1}\n"
            "end)\n"
        ),
    ),
    ok=(
        Example("Enum.reduce(xs, [], fn x, acc -> List.insert_at(acc, 0, x) end)\n"),
        Example("Enum.map(0..9, fn i -> List.replace_at(row, i, :x) end)\n"),
        Example("def set(list, i, v), do: List.replace_at(list, i, v)\n"),
    ),
)
