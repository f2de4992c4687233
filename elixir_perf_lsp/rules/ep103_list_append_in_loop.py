"""## What it does
Flags `acc ++ [x]` and `acc ++ list` where `acc` is the accumulator of an
`Enum.reduce`/`List.foldl`-style function, of a `for … reduce:` comprehension, or
of a recursive function that passes the result back to itself. Also when the list
is one part of the accumulator (`fn x, {acc, n} -> {acc ++ [x], n + 1} end`,
`{:cont, {:ok, acc ++ [x]}}`), when the grown list is bound first and handed back
(`acc2 = acc ++ [x]` … `{acc2, n}` or `build(t, acc2)`), and when a reducer groups
elements with `Map.update(acc, key, [x], &(&1 ++ [x]))`, which copies the group's
list each time it grows.

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
must reverse too. The other shapes (a list inside a tuple accumulator, bound
before being handed back, grown inside `Map.update/4`) are reported without a fix:
where the list is read and what the final value goes through varies too much to
prove a rewrite.

## References
- [Erlang efficiency guide: list handling](https://www.erlang.org/doc/system/listhandling.html)
- [Enum.reverse/2](https://hexdocs.pm/elixir/Enum.html#reverse/2)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.binaries import wrap_result
from elixir_perf_lsp.analysis.loops import Accumulator, accumulator_of, accumulator_pattern
from elixir_perf_lsp.analysis.nodes import (
    ancestors,
    call_name,
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
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "at 100k elements, `acc ++ [x]` in a reduce took 16.0 s vs 1.8 ms for `[x | acc]` + `Enum.reverse/1` (10k: 144 ms vs 0.15 ms). Inside a tuple accumulator `{acc ++ [x], n + 1}`: 608 ms vs 0.26 ms at 10k; grouping 30k elements into 10 groups with `Map.update(acc, k, [x], &(&1 ++ [x]))`: 346 ms vs 10 ms prepending and reversing each group, 5.7 ms with `Enum.group_by/2` (second run, under load)."

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
        acc = accumulator_of(left)
        if acc is not None:
            message = (
                f"`{text(append)}` copies the whole accumulator on every iteration (quadratic); "
                "prepend and reverse once at the end"
            )
            yield Violation(append, message, _fix(acc))
            return
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
    if pattern is None or body is None or not _inside(binding, pattern):
        return False
    if not _inside(append, body):
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
    for node in descendants(definition.body):
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
        params = [p for c in clauses for p in _params(c)]
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
    return pattern is not None and binding is not None and _inside(binding, pattern)


def _params(clause: Node) -> list[Node]:
    left = clause.child_by_field_name("left")
    if left is None:
        return []
    return list(left.named_children) if left.type == "arguments" else [left]


def _inside(node: Node, container: Node) -> bool:
    return container.start_byte <= node.start_byte and node.end_byte <= container.end_byte


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
        Example("Enum.reduce(items, {[], 0}, fn x, {acc, n} -> {acc ++ [x], n + 1} end)\n"),
        Example("defp build([h | t], acc) do\n  acc2 = acc ++ [h]\n  build(t, acc2)\nend\n"),
        Example(
            "Enum.reduce(posts, %{}, fn post, acc ->\n"
            "  Map.update(acc, post.author_id, [post], &(&1 ++ [post]))\n"
            "end)\n"
        ),
    ),
    ok=(
        Example("Enum.reduce(items, [], fn item, acc -> [item | acc] end)\n"),
        Example("Enum.reduce(items, [], fn item, acc -> [item] ++ acc end)\n"),
        Example("result = prefix ++ [suffix]\n"),
        Example("Enum.map(items, fn item -> item ++ [0] end)\n"),
        Example("Enum.reduce(xs, {[], 0}, fn x, {acc, n} -> {acc, length(acc ++ [x])} end)\n"),
        Example("def put(m, k, v), do: Map.update(m, k, [v], &(&1 ++ [v]))\n"),
    ),
)
