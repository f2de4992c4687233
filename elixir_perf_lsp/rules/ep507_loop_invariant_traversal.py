"""## What it does
Flags an O(n) call on a value the loop does not change, written inside a loop
over that same value (or over something made from it, such as
`Enum.with_index(list)`), which makes the loop quadratic: `length/1`, `Enum.count/1`, `Enum.sum/1`, `Enum.max/1`, `Enum.min/1`,
`Enum.sort/1`, `Enum.reverse/1`, `Enum.uniq/1`, `List.last/1`, `Map.keys/1`,
`Map.values/1`, `Map.to_list/1` and `String.length/1`, when the argument is a
variable (or a field of one) bound outside the loop and not rebound inside it.
The loop is an `Enum`/`Stream` function, a `for` comprehension or a recursive
function that takes a list or binary apart and passes the value back unchanged.

Not flagged: loops over another collection (n·m work: on five real projects
every such finding was over a handful of signatures, key sets or options, or in
dev tooling), values that are small by construction (literals, module
attributes, keyword options), `Enum.count/1`, `Enum.sum/1`, `Enum.max/1` and
`Enum.min/1` on maps, sets and ranges (O(1) or not a traversal), loops over a
literal list or a small range, clauses of a multi-clause `fn` picked by a
literal tag (`fn {:max_length, n}, errors -> …`: they run once per option of
that name), guards (EP101), counts compared with a small
number (EP102 and EP802 make those tests O(1)), and `Map.keys/1` inside a
membership test (EP508 says how to avoid building the list at all).

## Why is this bad?
The call walks the whole value on every iteration, although its result never
changes: n iterations over a list of n elements cost O(n²). Computed once before
the loop, it costs O(n).

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
def shares(amounts) do
  Enum.map(amounts, fn a -> a / Enum.sum(amounts) end)
end
```

Use instead:
```elixir
def shares(amounts) do
  amounts_sum = Enum.sum(amounts)
  Enum.map(amounts, fn a -> a / amounts_sum end)
end
```

## Fix safety
The fix binds the call to a new variable on a line above the statement holding
the loop and uses the variable inside it. It is offered for `Enum`/`Stream`
callbacks and `for` comprehensions (a recursive function needs a new parameter:
no fix), when the statement starts its own line in a function body or block.

It is **safe** only when the call cannot raise and has no side effects for the
value it gets, whether or not the loop would have reached it: the argument is a
variable bound to the result of an `Enum`/`Map`/`String.split` call that returns
a list (or a map, for `Map.keys/1`, `Map.values/1`, `Map.to_list/1`), and the
call is one that accepts every list (map): `length/1`, `Enum.count/1`,
`List.last/1`, `Enum.sort/1`, `Enum.reverse/1`, `Enum.uniq/1`. Otherwise it is
**unsafe**: when the loop runs zero times or never reaches the call (an empty
list, a branch not taken), the hoisted call now runs anyway and can raise where
the original returned (`length/1` of a map, `Enum.max([])`, `Enum.sum/1` of
non-numbers), and a lazy stream counted before the loop runs its side effects
once more.

## References
- [Enum](https://hexdocs.pm/elixir/Enum.html)
- [Erlang efficiency guide: list handling](https://www.erlang.org/doc/efficiency_guide/listhandling.html)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from elixir_perf_lsp.analysis.hoist import hoist_point
from elixir_perf_lsp.analysis.lists import MAX_PATTERN_CELLS, read_comparison
from elixir_perf_lsp.analysis.loops import Loop, enclosing_loop, enclosing_loops
from elixir_perf_lsp.analysis.nodes import (
    as_definition,
    call_name,
    clauses_of,
    contains,
    descendants,
    effective_args,
    enclosing_definition,
    in_guard,
    operator,
    strip_parens,
    text,
)
from elixir_perf_lsp.analysis.pipelines import Step, consumer_step, identifier_names, step_of_call
from elixir_perf_lsp.analysis.scope import (
    binding_of,
    bound_value,
    describe_loop,
    is_loop_invariant,
    root_variable,
)
from elixir_perf_lsp.analysis.shapes import has_fast_membership, is_small, resolve
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "`Enum.map(l, fn x -> x / Enum.sum(l) end)` took 4.3 ms at 1k elements and 324 ms at 10k vs 34 µs and 0.35 ms with the sum computed before the loop (128×, 922×); `Enum.count/1`, `length/1` and `List.last/1` alike (98–180× at 1k, 550–640× at 10k); `String.length/1` of a 1,000-byte string inside a 1,000-iteration loop: 84 ms vs 73 µs."

QUERY = """
(call target: (identifier) @ep507.fn (#eq? @ep507.fn "length")) @ep507.call
(call
  target: (dot left: (alias) @ep507.module right: (identifier))
  (#any-of? @ep507.module "Enum" "List" "Map" "String" "Kernel")) @ep507.call
"""

# The calls that walk their whole argument, and what a variable holding the
# result is called (`items_count`).
_TRAVERSALS: dict[tuple[str | None, str], str] = {
    (None, "length"): "length",
    ("Kernel", "length"): "length",
    ("Enum", "count"): "count",
    ("Enum", "sum"): "sum",
    ("Enum", "max"): "max",
    ("Enum", "min"): "min",
    ("Enum", "sort"): "sorted",
    ("Enum", "reverse"): "reversed",
    ("Enum", "uniq"): "uniq",
    ("List", "last"): "last",
    ("Map", "keys"): "keys",
    ("Map", "values"): "values",
    ("Map", "to_list"): "pairs",
    ("String", "length"): "length",
}
# `Enum` functions that are O(1), or not a walk worth hoisting, on maps, sets and ranges.
_CHEAP_ON_SETS = frozenset({("Enum", "count"), ("Enum", "sum"), ("Enum", "max"), ("Enum", "min")})
# Names that say the value is a map or a set, whose size is known without a walk.
_SET_LIKE_NAME = re.compile(r"(^|_)(set|mapset|map|index|lookup|table)$|_by_|^by_")

# Calls that never raise and have no side effects on any list, and on any map.
_TOTAL_ON_LISTS = frozenset(
    {
        (None, "length"),
        ("Kernel", "length"),
        ("Enum", "count"),
        ("List", "last"),
        ("Enum", "sort"),
        ("Enum", "reverse"),
        ("Enum", "uniq"),
    }
)
_TOTAL_ON_MAPS = frozenset({("Map", "keys"), ("Map", "values"), ("Map", "to_list")})
# Calls that always return a list (when they return), and always a map.
_LIST_PRODUCERS = frozenset(
    {
        ("Enum", "map"),
        ("Enum", "filter"),
        ("Enum", "reject"),
        ("Enum", "sort"),
        ("Enum", "sort_by"),
        ("Enum", "uniq"),
        ("Enum", "uniq_by"),
        ("Enum", "to_list"),
        ("Enum", "flat_map"),
        ("Enum", "reverse"),
        ("Enum", "with_index"),
        ("Enum", "take"),
        ("Enum", "drop"),
        ("Enum", "concat"),
        ("Enum", "zip"),
        ("Enum", "dedup"),
        ("Map", "keys"),
        ("Map", "values"),
        ("Map", "to_list"),
        ("String", "split"),
    }
)
_MAP_PRODUCERS = frozenset(
    {
        ("Map", "new"),
        ("Map", "put"),
        ("Map", "merge"),
        ("Map", "take"),
        ("Map", "drop"),
        ("Enum", "group_by"),
        ("Enum", "frequencies"),
    }
)
_MEMBERSHIP = frozenset({("Enum", "member?")})
# Calls whose result is made from their first argument (`Enum.with_index(xs)`).
_DERIVING_MODULES = frozenset({"Enum", "Stream", "List", "Map", "String", "MapSet", "Keyword"})
# How many bindings and calls to follow back from a loop's source to the value.
_MAX_HOPS = 8


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    call = captures["ep507.call"][0]
    step = step_of_call(call)
    if step is None or step.input is None or step.arity != 1:
        return
    name = (step.module, step.name)
    suffix = _TRAVERSALS.get(name)
    if suffix is None or (step.module is None and not step.is_call(None, "length", arity=1)):
        return
    value = strip_parens(step.input)
    if in_guard(step.node) or _membership_subject(step) or _small_size_test(step):
        return
    loop = enclosing_loop(step.node)
    if loop is None or not _worth_reporting(name, value, loop):
        return
    spelled = text(step.node)
    message = (
        f"`{spelled}` walks `{text(value)}` on every iteration of {describe_loop(loop)}, "
        "which does not change it (O(n·m)); "
        + (
            "compute it once before the loop"
            if loop.kind != "recursion"
            else "compute it once in the caller and pass it down"
        )
    )
    yield Violation(step.node, message, _fix(step, name, value, suffix, loop, ctx))


def _membership_subject(step: Step) -> bool:
    """`x in Map.keys(m)` / `Enum.member?(Map.keys(m), x)`: EP508's finding."""
    if (step.module, step.name) != ("Map", "keys"):
        return False
    node = step.node
    parent = node.parent
    while parent is not None and parent.type == "block" and parent.named_child_count == 1:
        node, parent = parent, parent.parent
    if (
        parent is not None
        and parent.type == "binary_operator"
        and operator(parent) in ("in", "not in")
    ):
        return True
    consumer = consumer_step(step)
    return consumer is not None and (consumer.module, consumer.name) in _MEMBERSHIP


def _small_size_test(step: Step) -> bool:
    """`length(xs) == 0`, `Enum.count(xs) > 1`: EP102 (or EP802) makes the test O(1),
    which beats computing the count once."""
    node = step.node
    parent = node.parent
    while parent is not None and parent.type == "block" and parent.named_child_count == 1:
        node, parent = parent, parent.parent
    if parent is None:
        return False
    read = read_comparison(parent)
    return read is not None and read[2] <= MAX_PATTERN_CELLS + 1


def _worth_reporting(name: tuple[str | None, str], value: Node, loop: Loop) -> bool:
    root = root_variable(value)
    if root is None or text(root).startswith("_") or not is_loop_invariant(value, loop):
        return False
    if is_small(value):
        return False
    if name in _CHEAP_ON_SETS and (
        has_fast_membership(value) or _SET_LIKE_NAME.search(text(value).rsplit(".", 1)[-1])
    ):
        return False
    if _loops_over_few(loop) or _option_clause(value, loop):
        return False
    if loop.kind == "recursion":
        return _walks_a_structure(loop)
    return _walks_the_same_value(value, loop)


def _loop_source(loop: Loop) -> Node | None:
    if loop.kind == "iterator":
        args = effective_args(loop.node)
        return args[0] if args else None
    for arg in effective_args(loop.node):
        if arg.type == "binary_operator" and operator(arg) == "<-":
            return arg.child_by_field_name("right")
    return None


def _walks_the_same_value(value: Node, loop: Loop) -> bool:
    """Whether the loop runs over `value` itself or something made from it
    (`Enum.with_index(points)`, `points |> Enum.filter(…)`, a variable bound to
    those): then the work is quadratic in one input. A loop over another collection
    costs n·m, and on real projects one of the two was nearly always a handful of
    items (signatures, key sets, options), so those are left alone."""
    wanted = text(value)
    node = _loop_source(loop)
    for _ in range(_MAX_HOPS):
        if node is None:
            return False
        node = strip_parens(node)
        if text(node) == wanted:
            return True
        if node.type == "binary_operator" and operator(node) == "|>":
            node = node.child_by_field_name("left")
        elif node.type == "call" and call_name(node)[0] in _DERIVING_MODULES:
            args = effective_args(node)
            node = args[0] if args else None
        elif node.type == "identifier":
            binding = binding_of(node)
            node = bound_value(binding) if binding is not None else None
        else:
            return False
    return False


def _option_clause(value: Node, loop: Loop) -> bool:
    """`Enum.reduce(constraints, [], fn {:max_length, n}, acc -> … String.length(v) …`:
    a clause picked by a literal tag runs once per option of that name, not per element."""
    if loop.kind != "iterator" or loop.body.type != "anonymous_function":
        return False
    clauses = [c for c in loop.body.named_children if c.type == "stab_clause"]
    if len(clauses) < 2:
        return False
    clause = next((c for c in clauses if contains(c, value)), None)
    left = clause.child_by_field_name("left") if clause is not None else None
    params = left.named_children if left is not None and left.type == "arguments" else []
    if not params:
        return False
    element = strip_parens(params[0])
    if element.type == "tuple" and element.named_child_count:
        element = element.named_children[0]
    return element.type in ("atom", "string", "integer")


def _walks_a_structure(loop: Loop) -> bool:
    """A recursion that takes a list or binary apart (`[h | t]`, `<<c, rest::binary>>`) in
    some clause head runs once per element; one that retries or counts down may not."""
    definition = as_definition(loop.node)
    if definition is None:
        return False
    for clause in clauses_of(definition):
        for param in clause.params:
            for node in (param, *descendants(param)):
                if node.type == "binary_operator" and operator(node) == "|":
                    return True
                if node.type == "bitstring" and node.named_child_count > 1:
                    return True
    return False


def _loops_over_few(loop: Loop) -> bool:
    """A loop over a literal list, a small range or options repeats the work a few times."""
    if loop.kind == "iterator":
        args = effective_args(loop.node)
        return bool(args) and is_small(args[0])
    if loop.kind == "for":
        for arg in effective_args(loop.node):
            if arg.type == "binary_operator" and operator(arg) == "<-":
                source = arg.child_by_field_name("right")
                return source is not None and is_small(source)
    return False


def _fix(
    step: Step,
    name: tuple[str | None, str],
    value: Node,
    suffix: str,
    loop: Loop,
    ctx: Context,
) -> Fix | None:
    outermost = _outermost_invariant_loop(value, loop)
    if outermost is None:
        return None
    point = hoist_point(outermost.node, step.node, ctx.source)
    if point is None:
        return None
    definition = enclosing_definition(step.node)
    scope = definition.call if definition is not None else point.statement
    variable = _fresh(f"{text(value).replace('.', '_')}_{suffix}", identifier_names(scope))
    expression = ctx.text(step.node)
    applicability = Applicability.SAFE if _total(name, value) else Applicability.UNSAFE
    return Fix(
        f"Compute `{expression}` once before the loop",
        applicability,
        (
            Edit(point.offset, point.offset, f"{variable} = {expression}\n{point.indent}"),
            Edit(step.node.start_byte, step.node.end_byte, variable),
        ),
    )


def _outermost_invariant_loop(value: Node, loop: Loop) -> Loop | None:
    """The outermost of the nested `Enum`/`for` loops around `value` that all leave it
    unchanged: hoisting above it takes the work out of every one of them at once."""
    found = None
    for current in (loop, *enclosing_loops(loop.node)):
        if current.kind == "recursion" or not is_loop_invariant(value, current):
            break
        found = current
    return found


def _fresh(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def _total(name: tuple[str | None, str], value: Node) -> bool:
    """Whether the call cannot raise or run side effects on `value`, reached or not."""
    if value.type != "identifier":
        return False
    bound = resolve(value)
    if bound is None or bound.type != "call":
        return False
    producer = call_name(bound)
    if name in _TOTAL_ON_LISTS:
        return producer in _LIST_PRODUCERS
    if name in _TOTAL_ON_MAPS:
        return producer in _MAP_PRODUCERS
    return False


RULE = Rule(
    code="EP507",
    name="loop-invariant-traversal",
    summary="`length/1`, `Enum.count/1`, `Map.keys/1`… of a value the loop does not change, inside the loop",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.SOMETIMES,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    # Loop invariance looks at the other clauses of a recursive function.
    scope="file",
    default=False,
    precision="0 of 3 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06): a chart of ~100 points, short tuple types; before it was limited to loops over the same value, 17 findings, none worth changing.",
    bad=(
        Example(
            "def shares(amounts) do\n  Enum.map(amounts, fn a -> a / Enum.sum(amounts) end)\nend\n",
            "def shares(amounts) do\n"
            "  amounts_sum = Enum.sum(amounts)\n"
            "  Enum.map(amounts, fn a -> a / amounts_sum end)\n"
            "end\n",
            unsafe=True,
            inputs=("[[[]], [[1, 2]], [%{}], [[1.5]]]",),
        ),
        Example(
            "def without_last(rows) do\n"
            "  ids = Enum.map(rows, & &1.id)\n"
            "  Enum.reject(ids, fn id -> id == List.last(ids) end)\n"
            "end\n",
            "def without_last(rows) do\n"
            "  ids = Enum.map(rows, & &1.id)\n"
            "  ids_last = List.last(ids)\n"
            "  Enum.reject(ids, fn id -> id == ids_last end)\n"
            "end\n",
            inputs=("[[[]], [[%{id: 1}, %{id: 2}, %{id: 1}]]]",),
        ),
        Example(
            "def labels(names) do\n"
            "  for name <- names do\n"
            "    if name == :last, do: length(names), else: 0\n"
            "  end\n"
            "end\n",
            "def labels(names) do\n"
            "  names_length = length(names)\n"
            "  for name <- names do\n"
            "    if name == :last, do: names_length, else: 0\n"
            "  end\n"
            "end\n",
            unsafe=True,
            inputs=("[[%{}], [[:a, :last]], [%{a: 1}], [1..3]]",),
        ),
        Example(
            "defp walk([x | rest], all), do: [x * length(all) | walk(rest, all)]\n"
            "defp walk([], _all), do: []\n"
        ),
    ),
    ok=(
        Example(
            "def shares(amounts) do\n"
            "  total = Enum.sum(amounts)\n"
            "  Enum.map(amounts, fn a -> a / total end)\n"
            "end\n"
        ),
        Example("def f(rows), do: Enum.map(rows, fn r -> length(r.tags) end)\n"),
        Example("def f(rows, index), do: Enum.map(index, fn r -> {r, Enum.count(index)} end)\n"),
        Example("def f(rows, names), do: Enum.map(rows, fn r -> {r, length(names)} end)\n"),
        Example("def f(rows), do: for(f <- [:a, :b], do: {f, length(rows)})\n"),
        Example("def f(rows), do: Enum.map(rows, fn r -> r * length(@weights) end)\n"),
    ),
)
