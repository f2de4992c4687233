"""## What it does
Flags a list carried from one iteration of a reducer to the next and grown with
`++` in the shapes EP103 (list-append-in-loop) does not cover: one part of a
tuple accumulator (`fn x, {acc, n} -> {acc ++ [x], n + 1} end`,
`{:cont, {:ok, acc ++ [x]}}`), bound before being handed back (`acc2 = acc ++ [x]`
… `{acc2, n}`, or `build(t, acc2)` in a recursion), and a group grown with
`Map.update(acc, key, [x], &(&1 ++ [x]))` in a reducer.

**Opt-in** (select it by its code): on the 17 projects of `benchmarks/precision` it reported 52
places, all real appends to a carried list, but only 4 were worth changing (Ash's
bulk actions appending notifications and errors per record); the other 48 carried
lists stay small in practice (validation errors per field, relationship paths,
certificates, days of the week, compiler lists). Turn it on to audit a code base.

## Why is this bad?
`++` copies its whole left operand. When that operand is the list being built,
every iteration copies everything collected so far: building n elements costs
O(n²). Prepending (`[x | acc]`) is O(1); reversing once at the end is O(n).
Grouping with `&(&1 ++ [x])` does the same per group.

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
Enum.reduce_while(rows, {:ok, []}, fn row, {:ok, acc} ->
  case parse(row) do
    {:ok, value} -> {:cont, {:ok, acc ++ [value]}}
    error -> {:halt, error}
  end
end)
```

Use instead:
```elixir
rows
|> Enum.reduce_while({:ok, []}, fn row, {:ok, acc} ->
  case parse(row) do
    {:ok, value} -> {:cont, {:ok, [value | acc]}}
    error -> {:halt, error}
  end
end)
|> case do
  {:ok, acc} -> {:ok, Enum.reverse(acc)}
  error -> error
end
```

## Fix safety
No fix is offered: where the list is read on the way, and what the final value
passes through before the list is used (a tuple, `{:ok, _}`, a map of groups),
varies too much to prove a rewrite.

## References
- [Erlang efficiency guide: list handling](https://www.erlang.org/doc/system/listhandling.html)
- [Enum.group_by/3](https://hexdocs.pm/elixir/Enum.html#group_by/3)
"""

from __future__ import annotations

from elixir_perf_lsp.analysis.loops import accumulator_of, accumulator_pattern, clause_params
from elixir_perf_lsp.analysis.nodes import (
    ancestors,
    call_name,
    contains,
    descendants,
    effective_args,
    enclosing_definition,
    identifiers_named,
    operator,
    same_node,
    strip_parens,
    tail_expressions,
    text,
)
from elixir_perf_lsp.analysis.scope import binding_of
from elixir_perf_lsp.engine.prelude import *

COST = "inside a tuple accumulator, `{acc ++ [x], n + 1}` took 608 ms at 10k elements vs 0.26 ms for `{[x | acc], n + 1}` and one `Enum.reverse/1` (1k: 5.7 ms vs 14 µs); grouping 30k elements into 10 groups with `Map.update(acc, k, [x], &(&1 ++ [x]))`: 346 ms vs 10 ms prepending and reversing each group, 5.7 ms with `Enum.group_by/2` (measured under load)."

QUERY = """
(binary_operator left: (identifier) operator: "++") @append
(binary_operator left: (unary_operator) operator: "++") @append
"""
# Nodes that build a value around their children: a list grown inside one of them is
# still the value returned (`{acc ++ [x], n}`, `{:cont, {:ok, acc ++ [x]}}`).
_CONTAINERS = frozenset({"tuple", "list", "map", "map_content", "pair", "keywords"})


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    append = captures["append"][0]
    left = append.child_by_field_name("left")
    if left is None:
        return
    if left.type == "identifier":
        if accumulator_of(left) is not None:
            return  # EP103's finding
        if _grows_a_carried_list(append, left) or _grows_a_recursive_argument(append, left):
            message = (
                f"`{text(append)}` copies the list carried from one iteration to the next "
                "every time (quadratic); prepend and reverse once at the end"
            )
            yield Violation(append, message)
            return
    if _grows_a_group(append, left):
        message = (
            f"`{text(append)}` copies the group's whole list every time an element joins it "
            "(quadratic in the group's size); prepend and reverse each group once at the end, "
            "or use `Enum.group_by/3`"
        )
        yield Violation(append, message)


def _container_top(node: Node) -> Node:
    """`node`, or the outermost tuple/list/map literal that holds it directly."""
    current = node
    parent = current.parent
    while parent is not None and (
        parent.type in _CONTAINERS or (parent.type == "block" and parent.named_child_count == 1)
    ):
        current, parent = parent, parent.parent
    return current


def _is_returned(node: Node, body: Node) -> bool:
    """Whether `node`'s value is (part of) what `body` returns."""
    top = _container_top(node)
    return any(same_node(strip_parens(t), strip_parens(top)) for t in tail_expressions(body))


def _bound_to(append: Node) -> Node | None:
    """For `v = acc ++ [x]`, the identifier `v`."""
    parent = append.parent
    if parent is None or parent.type != "binary_operator" or operator(parent) != "=":
        return None
    if not same_node(parent.child_by_field_name("right"), append):
        return None
    target = parent.child_by_field_name("left")
    return target if target is not None and target.type == "identifier" else None


def _grows_a_carried_list(append: Node, left: Node) -> bool:
    """`fn x, {acc, n} -> {acc ++ [x], n + 1} end`, `acc2 = acc ++ [x]` … `{:cont, acc2}`:
    a list bound in a reducer's accumulator pattern, grown, and handed back."""
    binding = binding_of(left)
    if binding is None:
        return False
    clause = next((a for a in ancestors(binding) if a.type == "stab_clause"), None)
    pattern = accumulator_pattern(clause) if clause is not None else None
    body = clause.child_by_field_name("right") if clause is not None else None
    if pattern is None or body is None or not contains(pattern, binding):
        return False
    if not contains(body, append):
        return False
    if _is_returned(append, body):
        return True
    bound = _bound_to(append)
    if bound is None:
        return False
    return any(
        _is_returned(use, body)
        for use in identifiers_named(body, text(bound))
        if use.start_byte > append.end_byte
    )


def _grows_a_recursive_argument(append: Node, left: Node) -> bool:
    """`acc2 = acc ++ [h]` then `build(t, acc2)`: the grown list goes back to the same
    parameter of a self-call."""
    bound = _bound_to(append)
    binding = binding_of(left)
    definition = enclosing_definition(append)
    if bound is None or binding is None or definition is None or definition.body is None:
        return False
    index = next(
        (i for i, p in enumerate(definition.params) if same_node(strip_parens(p), binding)), None
    )
    if index is None:
        return False
    arity = len(definition.params)
    for node in (definition.body, *descendants(definition.body)):
        if node.type != "call" or call_name(node) != (None, definition.name):
            continue
        args = effective_args(node)
        if len(args) == arity and text(strip_parens(args[index])) == text(bound):
            return node.start_byte > append.end_byte
    return False


def _grows_a_group(append: Node, left: Node) -> bool:
    """`Map.update(acc, key, [x], &(&1 ++ [x]))` (or `fn l -> l ++ [x] end`) on a reducer's
    accumulator: each group's list is copied whenever it grows."""
    function = next(
        (
            a
            for a in ancestors(append)
            if a.type == "anonymous_function" or (a.type == "unary_operator" and operator(a) == "&")
        ),
        None,
    )
    if function is None or function.parent is None or function.parent.type != "arguments":
        return False
    call = function.parent.parent
    if call is None or call_name(call) not in (("Map", "update"), ("Map", "update!")):
        return False
    args = effective_args(call)
    if not args or not same_node(args[-1], function) or args[0].type != "identifier":
        return False
    if function.type == "anonymous_function":
        clauses = [c for c in function.named_children if c.type == "stab_clause"]
        params = [p for c in clauses for p in clause_params(c)]
        if len(params) != 1 or text(params[0]) != text(left):
            return False
    elif text(left) != "&1":
        return False
    accumulator = args[0]
    if accumulator_of(accumulator) is not None:
        return True
    binding = binding_of(accumulator)
    clause = (
        next((a for a in ancestors(binding) if a.type == "stab_clause"), None) if binding else None
    )
    pattern = accumulator_pattern(clause) if clause is not None else None
    return pattern is not None and binding is not None and contains(pattern, binding)


RULE = Rule(
    code="EP105",
    name="list-append-in-carried-value",
    summary="`acc ++ [x]` on a list inside a tuple accumulator, bound before being handed back, or grown in `Map.update`",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.NONE,
    doc=__doc__,
    cost=COST,
    query=QUERY,
    check=check,
    # A recursion's self-calls are read across the function's body.
    scope="file",
    default=False,
    precision="4 of 52 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06): Ash's bulk actions appending errors and notifications per record; the other carried lists stay short.",
    bad=(
        Example("Enum.reduce(items, {[], 0}, fn x, {acc, n} -> {acc ++ [x], n + 1} end)\n"),
        Example(
            "Enum.reduce_while(rows, {:ok, []}, fn row, {:ok, acc} ->\n"
            "  {:cont, {:ok, acc ++ [row]}}\n"
            "end)\n"
        ),
        Example("defp build([h | t], acc) do\n  acc2 = acc ++ [h]\n  build(t, acc2)\nend\n"),
        Example(
            "Enum.reduce(posts, %{}, fn post, acc ->\n"
            "  Map.update(acc, post.author_id, [post], &(&1 ++ [post]))\n"
            "end)\n"
        ),
    ),
    ok=(
        Example("Enum.reduce(items, [], fn item, acc -> acc ++ [item] end)\n"),
        Example("Enum.reduce(xs, {[], 0}, fn x, {acc, n} -> {acc, length(acc ++ [x])} end)\n"),
        Example("def put(m, k, v), do: Map.update(m, k, [v], &(&1 ++ [v]))\n"),
        Example("Enum.reduce(xs, %{}, fn x, acc -> Map.update(acc, x.k, [x], &[x | &1]) end)\n"),
    ),
)
