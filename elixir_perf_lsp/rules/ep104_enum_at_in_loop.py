"""## What it does
Flags `Enum.at(list, i)` inside a loop when the index changes from one iteration
to the next while the list stays the same: `for i <- 0..n`, an index from
`Enum.with_index/1`, the parameter of an `Enum.map`/`Enum.each` function, a
reduce accumulator, or a counter parameter of a recursive function.

Not flagged: a constant index (`Enum.at(list, 0)` in a loop walks one cell), a
literal list or range as the first argument (`Enum.at(0..9, i)` is O(1) on a
range), a module attribute, a list that itself changes every iteration, and
loops over a literal list or a range with literal bounds (a fixed number of
iterations).

## Why is this bad?
A list is a chain of cells: `Enum.at(list, i)` follows `i` links from the head
every time. Indexing every position of an n-element list this way costs
1 + 2 + … + n steps, O(n²), where walking the list once costs O(n).

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
for i <- 0..(length(prices) - 1) do
  Enum.at(prices, i) * Enum.at(quantities, i)
end
```

Use instead:
```elixir
for {price, quantity} <- Enum.zip(prices, quantities), do: price * quantity
```

## Fix safety
No fix is offered. The right rewrite depends on the loop: iterate the list
itself, pair it up with `Enum.with_index/1` or `Enum.zip/2`, or convert it once
with `List.to_tuple/1` and read with `elem/2`. The last one is not a drop-in
replacement: `Enum.at/2` returns `nil` (or the default) past the end and counts
negative indexes from the end, while `elem/2` raises.

## References
- [Enum.at/3](https://hexdocs.pm/elixir/Enum.html#at/3)
- [Erlang efficiency guide: list handling](https://www.erlang.org/doc/system/listhandling.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.loops import Loop, enclosing_loops
from elixir_perf_lsp.analysis.nodes import (
    as_definition,
    call_args,
    call_name,
    descendants,
    do_block,
    effective_args,
    int_value,
    operator,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "summing a 100k-element list through `Enum.at(list, i)` took 8.3 s vs 0.43 ms iterating the list (10k: 82 ms vs 42 µs)."

QUERY = """
(call
  target: (dot left: (alias) @_ep104_module right: (identifier) @_ep104_function)
  (#eq? @_ep104_module "Enum")
  (#eq? @_ep104_function "at")) @at
"""

_PLACEHOLDER = "&"  # stands for `&1`, `&2`… of a capture


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    call = captures["at"][0]
    args = effective_args(call)
    if len(args) not in (2, 3):
        return
    collection, index = strip_parens(args[0]), strip_parens(args[1])
    if _fixed_collection(collection) or _constant(index):
        return
    varying: set[str] = set()
    for loop in enclosing_loops(call):
        bound = _bound_per_iteration(loop)
        varying |= bound
        varying |= _derived(loop.body, varying)
        index_vars = _variables(index)
        if not index_vars & varying:
            continue
        if _variables(collection) & varying:
            return  # a different list each time: not the same walk repeated
        if _bounded(loop, index_vars & bound):
            return
        shown_list = _short(text(collection), 30)
        shown_index = _short(text(index), 30)
        message = (
            f"`Enum.at({shown_list}, {shown_index})` walks `{shown_list}` from its head on every "
            f"iteration while `{shown_index}` changes: O(n²) over the loop; iterate the list "
            "itself (`Enum.with_index/1`, `Enum.zip/2`) or convert it once with "
            "`List.to_tuple/1` and use `elem/2`"
        )
        yield Violation(call, message)
        return


def _fixed_collection(node: Node) -> bool:
    """A literal list, a sigil, a range or a module attribute: fixed size or O(1) access."""
    if node.type in ("list", "sigil", "charlist"):
        return True
    if node.type == "unary_operator" and operator(node) == "@":
        return True
    if node.type == "binary_operator" and operator(node) in ("..", "//"):
        return True
    return node.type == "call" and call_name(node) in (("Range", "new"),)


def _constant(node: Node) -> bool:
    if int_value(node) is not None:
        return True
    if node.type == "unary_operator" and operator(node) in ("-", "+"):
        operand = node.child_by_field_name("operand")
        return operand is not None and int_value(operand) is not None
    return node.type == "unary_operator" and operator(node) == "@"


# --- which names change per iteration ---------------------------------------


def _variables(node: Node) -> set[str]:
    """Variables read in `node` (function names and field names excluded); `&` for `&1`."""
    found: set[str] = set()
    for current in (node, *descendants(node)):
        if current.type == "unary_operator" and operator(current) == "&":
            operand = current.child_by_field_name("operand")
            if operand is not None and int_value(operand) is not None:
                found.add(_PLACEHOLDER)
            continue
        if current.type != "identifier":
            continue
        parent = current.parent
        if parent is not None and parent.type in ("call", "dot"):
            field = "target" if parent.type == "call" else "right"
            if same_node(parent.child_by_field_name(field), current):
                continue
        name = text(current)
        if not name.startswith("_"):
            found.add(name)
    return found


def _pattern_names(pattern: Node) -> set[str]:
    """Variables a pattern binds (pinned `^x` ones excluded)."""
    names: set[str] = set()
    stack = [pattern]
    while stack:
        current = stack.pop()
        if current.type == "unary_operator" and operator(current) == "^":
            continue
        if current.type == "identifier":
            name = text(current)
            if not name.startswith("_"):
                names.add(name)
            continue
        stack.extend(current.named_children)
    return names


def _clause_heads(container: Node) -> list[Node]:
    """The parameter patterns of the stab clauses directly in `container`."""
    heads: list[Node] = []
    for clause in container.named_children:
        if clause.type != "stab_clause":
            continue
        left = clause.child_by_field_name("left")
        if left is not None and left.type == "binary_operator" and operator(left) == "when":
            left = left.child_by_field_name("left")
        if left is not None:
            heads.append(left)
    return heads


def _generators(for_call: Node) -> list[tuple[Node, Node]]:
    """(pattern, enumerable) of each `pattern <- enumerable` generator of a `for`."""
    found: list[tuple[Node, Node]] = []
    for arg in call_args(for_call):
        candidates = [arg]
        if arg.type == "bitstring":
            candidates = list(arg.named_children)
        for node in candidates:
            if node.type == "binary_operator" and operator(node) == "<-":
                left = node.child_by_field_name("left")
                right = node.child_by_field_name("right")
                if left is not None and right is not None:
                    found.append((left, right))
    return found


def _bound_per_iteration(loop: Loop) -> set[str]:
    if loop.kind == "iterator":
        if loop.body.type == "unary_operator":
            return {_PLACEHOLDER}
        names: set[str] = set()
        for head in _clause_heads(loop.body):
            names |= _pattern_names(head)
        return names
    if loop.kind == "for":
        names = set()
        for pattern, _enumerable in _generators(loop.node):
            names |= _pattern_names(pattern)
        block = do_block(loop.node)
        if block is not None:
            for head in _clause_heads(block):
                names |= _pattern_names(head)  # the `reduce:` accumulator
        return names
    return _changing_params(loop.node)


def _changing_params(def_call: Node) -> set[str]:
    """Names bound by the parameters of a recursive clause, minus those passed back unchanged."""
    definition = as_definition(def_call)
    if definition is None or definition.body is None:
        return set()
    recursive = [
        n
        for n in (definition.body, *descendants(definition.body))
        if n.type == "call"
        and call_name(n) == (None, definition.name)
        and len(call_args(n)) == len(definition.params)
    ]
    names: set[str] = set()
    for position, param in enumerate(definition.params):
        if (
            param.type == "identifier"
            and recursive
            and all(_is_identifier(call_args(c)[position], text(param)) for c in recursive)
        ):
            continue  # handed back as is: the same value every iteration
        names |= _pattern_names(param)
    return names


def _is_identifier(node: Node, name: str) -> bool:
    node = strip_parens(node)
    return node.type == "identifier" and text(node) == name


def _derived(body: Node, varying: set[str]) -> set[str]:
    """Names bound inside `body` by `=` from something that changes per iteration."""
    matches = [n for n in descendants(body) if n.type == "binary_operator" and operator(n) == "="]
    derived: set[str] = set()
    changed = True
    while changed:
        changed = False
        for match in matches:
            left = match.child_by_field_name("left")
            right = match.child_by_field_name("right")
            if left is None or right is None:
                continue
            if _variables(right) & (varying | derived):
                new = _pattern_names(left) - derived
                if new:
                    derived |= new
                    changed = True
    return derived


def _bounded(loop: Loop, index_vars: set[str]) -> bool:
    """Whether the loop runs a fixed, literal number of times (a literal list or range)."""
    if loop.kind == "for":
        sources = [e for p, e in _generators(loop.node) if _pattern_names(p) & index_vars]
        return bool(sources) and all(_literal_enumerable(strip_parens(e)) for e in sources)
    if loop.kind == "iterator":
        args = effective_args(loop.node)
        return bool(args) and _literal_enumerable(strip_parens(args[0]))
    return False


def _literal_enumerable(node: Node) -> bool:
    if node.type in ("list", "sigil"):
        return True
    if node.type == "binary_operator" and operator(node) == "//":
        left = node.child_by_field_name("left")
        return left is not None and _literal_enumerable(strip_parens(left))
    if node.type == "binary_operator" and operator(node) == "..":
        ends = [node.child_by_field_name("left"), node.child_by_field_name("right")]
        return all(e is not None and _constant(strip_parens(e)) for e in ends)
    return False


def _short(source: str, limit: int) -> str:
    flat = " ".join(source.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


RULE = Rule(
    code="EP104",
    precision="1 of 22 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="enum-at-in-loop",
    summary="`Enum.at/2` with an index that changes every iteration: quadratic list walks",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.NONE,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "for i <- 0..(length(prices) - 1) do\n"
            "  Enum.at(prices, i) * Enum.at(quantities, i)\n"
            "end\n"
        ),
        Example(
            "list\n"
            "|> Enum.with_index()\n"
            "|> Enum.map(fn {x, i} -> x - Enum.at(list, i + 1, 0) end)\n"
        ),
        Example("Enum.map(0..(n - 1), &Enum.at(rows, &1))\n"),
        Example(
            "defp sum(list, i, acc) when i < length(list) do\n"
            "  sum(list, i + 1, acc + Enum.at(list, i))\n"
            "end\n"
        ),
        Example(
            "Enum.reduce(steps, 0, fn _step, pos ->\n"
            "  next = pos + 1\n"
            "  Enum.at(track, next)\n"
            "end)\n"
        ),
    ),
    ok=(
        Example("Enum.map(rows, fn row -> Enum.at(row, 0) end)\n"),
        Example("for i <- 0..n, do: Enum.at([:a, :b, :c], rem(i, 3))\n"),
        Example("Enum.map(indexes, fn i -> Enum.at(1..1_000_000, i) end)\n"),
        Example("for i <- 0..2 do\n  Enum.at(list, i)\nend\n"),
        Example("Enum.map(rows, fn row -> Enum.at(row, col) end)\n"),
        Example("first = Enum.at(list, i)\n"),
        Example("rows\n|> Enum.with_index()\n|> Enum.map(fn {row, i} -> Enum.at(row, i) end)\n"),
    ),
)
