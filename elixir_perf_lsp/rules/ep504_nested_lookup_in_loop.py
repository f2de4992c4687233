"""## What it does
Flags a keyed search over a collection that does not change inside the loop:
`Enum.find`, `Enum.find_value`, `Enum.find_index`, `Enum.filter`, `Enum.any?`
and `Enum.count/2` whose function compares an element (or one of its fields)
with a key using `==`/`===` (also as one `and`/`&&` conjunct), or calls a function
of the same module that does (`&same_id?(&1, user)` with
`defp same_id?(a, b), do: a.id == b.id`, or the two clauses
`defp same_id?(%{id: id}, %{id: id}), do: true` and `defp same_id?(_, _), do: false`),
and `Enum.all?` whose function tests `!=`/`!==`, when the collection is a variable (or a field of
one) bound outside the loop and not rebound inside it, and the call runs once per
element of an `Enum`/`Stream` function, a `for` comprehension or a recursive
function that passes the collection back unchanged.

Not flagged: collections bound by the loop itself (`Enum.find(user.roles, …)`
inside `fn user -> … end`), module attributes and literal lists or ranges (their
size is fixed by the source, not by the input), predicates that are not key
comparisons (`Enum.all?(required, &Map.has_key?(row, &1))` must look at every
field anyway), `Enum.reject` (its result is as large as the collection), and
`Enum.member?`/`in`, which belong to EP505.

## Why is this bad?
Each search walks the collection: n iterations over a collection of m elements
cost O(n·m). Building a map keyed by the searched field once, before the loop,
costs O(m) and every lookup after that is O(log m).

Measured on Elixir 1.14 / OTP 25: {cost}

## Example
```elixir
Enum.map(users, fn user ->
  Enum.find(departments, fn d -> d.id == user.dept_id end)
end)
```

Use instead:
```elixir
departments_by_id = departments |> Enum.reverse() |> Map.new(&{&1.id, &1})
Enum.map(users, fn user ->
  Map.get(departments_by_id, user.dept_id)
end)
```
(`Enum.group_by/2` for `Enum.filter`, a `MapSet` of keys for `Enum.any?`.)

## Fix safety
Offered for `Enum.find(coll, fn v -> v.field == key end)` (or `key == v.field`,
`===`, `&(&1.field == key)`), with a simple `key` (variables, fields, literals),
in an `Enum`/`Stream` function or `for` whose statement starts its own line, when
the new name (`<collection>_by_<field>`) is free. The map is built from the
reversed collection so that, like `Enum.find`, the *first* element with a given
key wins (`Map.new/2` keeps the last one). The fix is always **unsafe**:
- `==` is not map-key equality: `Enum.find` with `d.id == 1.0` finds an element
  whose id is `1`, while `Map.get(map, 1.0)` does not (checked on 1.14/OTP 25).
  `===` avoids this one.
- The map is built before the loop, even when the loop runs zero times or never
  reaches the search: a collection that is not enumerable, or an element without
  the field (`Enum.find` stops at the first match and never reads later ones),
  now raises where the original did not.
- A lazy collection (a stream) is enumerated once instead of once per iteration,
  so its side effects run a different number of times.

The other functions, and searches through a predicate function, are reported
without a fix.

## References
- [Map.new/2](https://hexdocs.pm/elixir/Map.html#new/2)
- [Enum.group_by/3](https://hexdocs.pm/elixir/Enum.html#group_by/3)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from elixir_perf_lsp.analysis.loops import Loop, enclosing_loop
from elixir_perf_lsp.analysis.nodes import (
    Definition,
    as_definition,
    call_args,
    call_name,
    contains,
    definition_name,
    descendants,
    do_block,
    effective_args,
    enclosing_definition,
    operator,
    pipe_source,
    same_node,
    strip_parens,
    text,
)
from elixir_perf_lsp.analysis.scope import (
    binding_of,
    describe_loop,
    field_name,
    field_receiver,
    is_binding,
    is_field_access,
    is_loop_invariant,
    pattern_bindings,
    root_variable,
    simple_parts,
    variables,
)
from elixir_perf_lsp.analysis.shapes import is_small
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import Applicability, Edit, Fix, FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "1k users × 1k departments: `Enum.find` per user took 8.2 ms vs 0.19 ms with one `Map.new` + `Map.fetch!` (43×); 100k × 1k: 800 ms vs 6.1 ms (131×); through a predicate function (`&in_dept?(&1, u)`), 1k × 1k: 22–26 ms vs 0.17 ms (135–155×), 10k × 1k: 0.34–0.64 s vs 0.6 ms (measured under heavy load, when the inline `fn` took 27 ms at 1k × 1k)."

QUERY = """
(call
  target: (dot
    left: (alias) @ep504.module
    right: (identifier) @ep504.function)
  (#eq? @ep504.module "Enum")
  (#any-of? @ep504.function "find" "find_value" "find_index" "filter" "any?" "all?" "count")
  (arguments)) @ep504.call
"""

_EQUALITY = frozenset({"==", "==="})
_INEQUALITY = frozenset({"!=", "!=="})
_SEQUENCE_PARENTS = frozenset({"body", "do_block", "source"})


@dataclass(frozen=True)
class _Lookup:
    comparison: Node
    element_side: Node
    key_side: Node
    whole: bool  # the function body is exactly the comparison
    element_name: str  # the parameter, or "&1"


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    call = captures["ep504.call"][0]
    _module, function = call_name(call)
    args = effective_args(call)
    if len(args) != 2:
        return
    collection, predicate = strip_parens(args[0]), args[1]
    lookup = _read_predicate(predicate, function)
    if lookup is None:
        return
    loop = enclosing_loop(call)
    if loop is None or not _invariant_collection(collection, loop):
        return
    where = describe_loop(loop)
    name = text(collection)
    if _same_every_time(predicate, lookup, loop):
        message = (
            f"`Enum.{function}` over `{name}` gives the same result on every iteration of "
            f"{where}: compute it once before the loop"
        )
        yield Violation(call, message)
        return
    advice = {
        "filter": "group it once before the loop with `Enum.group_by/2` and use `Map.get/3`",
        "count": "count it once before the loop with `Enum.frequencies_by/2` and use `Map.get/3`",
        "any?": "build a `MapSet` of the keys once before the loop and use `MapSet.member?/2`",
        "all?": "build a `MapSet` of the keys once before the loop and use `MapSet.member?/2`",
    }.get(
        function, "build a map keyed by the compared field once before the loop and use `Map.get/2`"
    )
    message = (
        f"`Enum.{function}` scans all of `{name}` on every iteration of {where} (O(n·m)); {advice}"
    )
    fix = _fix(call, collection, lookup, loop, ctx) if function == "find" else None
    yield Violation(call, message, fix)


# --- the predicate -------------------------------------------------------------


def _same_every_time(predicate: Node, lookup: _Lookup, loop: Loop) -> bool:
    """Whether the function reads nothing that changes between iterations."""
    if not is_loop_invariant(lookup.key_side, loop):
        return False
    names = {lookup.element_name} if lookup.element_name else set()
    for ident in variables(predicate):
        binding = binding_of(ident)
        if binding is not None and contains(predicate, binding):
            continue  # bound by the function itself
        if text(ident) in names or not is_loop_invariant(ident, loop):
            return False
    return True


def _read_predicate(predicate: Node, function: str) -> _Lookup | None:
    body, element_names = _function_body(predicate)
    if body is None or not element_names:
        return None
    wanted = _INEQUALITY if function == "all?" else _EQUALITY
    whole = strip_parens(body)
    for conjunct in _conjuncts(whole, function):
        conjunct = strip_parens(conjunct)
        if conjunct.type != "binary_operator" or operator(conjunct) not in wanted:
            continue
        left = conjunct.child_by_field_name("left")
        right = conjunct.child_by_field_name("right")
        if left is None or right is None:
            continue
        left_dep = _depends_on(left, element_names)
        right_dep = _depends_on(right, element_names)
        if left_dep == right_dep:
            continue
        element, key = (left, right) if left_dep else (right, left)
        if not _only_element(element, element_names):
            continue  # `Date.compare(e.date, day) == :eq`: not a key of the element alone
        name = element_names[0] if len(element_names) == 1 else ""
        return _Lookup(
            conjunct, strip_parens(element), strip_parens(key), same_node(conjunct, whole), name
        )
    if function != "all?":
        for conjunct in _conjuncts(whole, function):
            lookup = _through_local_function(strip_parens(conjunct), element_names)
            if lookup is not None:
                return lookup
    return None


# --- a predicate that calls a local key comparison -----------------------------


def _through_local_function(call: Node, element_names: list[str]) -> _Lookup | None:
    """`same_id?(&1, user)` where `defp same_id?(a, b), do: a.id == b.id` (or
    `%{id: id}, %{id: id} -> true; _, _ -> false`): a key comparison one call away."""
    if call.type != "call" or call_name(call)[0] is not None or do_block(call) is not None:
        return None
    args = [strip_parens(a) for a in call_args(call)]
    at = [i for i, a in enumerate(args) if text(a) in element_names]
    if len(at) != 1 or len(args) < 2:
        return None
    element_at = at[0]
    others = [a for i, a in enumerate(args) if i != element_at]
    if any(_depends_on(a, element_names) for a in others):
        return None
    clauses = _local_clauses(call, call_name(call)[1], len(args))
    if not clauses or not _compares_keys(clauses, element_at):
        return None
    name = element_names[0] if len(element_names) == 1 else ""
    return _Lookup(call, args[element_at], others[0], False, name)


def _local_clauses(call: Node, name: str, arity: int) -> list[Definition]:
    """The clauses of the function `name/arity` defined beside the one `call` is in."""
    here = enclosing_definition(call)
    container = here.call.parent if here is not None else None
    if container is None:
        return []
    found = []
    for child in container.named_children:
        if definition_name(child) != name:
            continue
        definition = as_definition(child)
        if definition is not None and len(definition.params) == arity:
            found.append(definition)
    return found


def _compares_keys(clauses: list[Definition], element_at: int) -> bool:
    if len(clauses) == 1:
        return _compares_fields(clauses[0], element_at)
    if len(clauses) == 2:
        return _matches_same_key(clauses[0], clauses[1], element_at)
    return False


def _compares_fields(definition: Definition, element_at: int) -> bool:
    """`defp same_id?(a, b), do: a.id == b.id` (also one `and` conjunct of several)."""
    if definition.guard is not None or definition.body is None:
        return False
    statements = [c for c in definition.body.named_children if c.type != "comment"]
    if definition.body.type not in ("body", "do_block") or len(statements) != 1:
        statements = [definition.body]
    if len(statements) != 1:
        return False
    element_names = [text(b) for b in pattern_bindings(definition.params[element_at])]
    other_names = [
        text(b)
        for i, p in enumerate(definition.params)
        if i != element_at
        for b in pattern_bindings(p)
    ]
    if not element_names or not other_names:
        return False
    for conjunct in _conjuncts(strip_parens(statements[0]), "find"):
        conjunct = strip_parens(conjunct)
        if conjunct.type != "binary_operator" or operator(conjunct) not in _EQUALITY:
            continue
        left = conjunct.child_by_field_name("left")
        right = conjunct.child_by_field_name("right")
        if left is None or right is None:
            continue
        for one, other in ((left, right), (right, left)):
            if (
                _only_element(one, element_names)
                and _depends_on(one, element_names)
                and _only_element(other, other_names)
                and _depends_on(other, other_names)
            ):
                return True
    return False


def _matches_same_key(first: Definition, rest: Definition, element_at: int) -> bool:
    """`defp same?(%{id: id}, %{id: id}), do: true` then `defp same?(_, _), do: false`."""
    if first.guard is not None or rest.guard is not None:
        return False
    if _returns(first) != "true" or _returns(rest) != "false":
        return False
    if not all(strip_parens(p).type == "identifier" for p in rest.params):
        return False
    mine = {text(b) for b in pattern_bindings(first.params[element_at])}
    theirs = {
        text(b) for i, p in enumerate(first.params) if i != element_at for b in pattern_bindings(p)
    }
    return bool({n for n in mine & theirs if not n.startswith("_")})


def _returns(definition: Definition) -> str | None:
    body = definition.body
    if body is None:
        return None
    statements = [c for c in body.named_children if c.type != "comment"]
    if body.type in ("body", "do_block") and len(statements) == 1:
        body = statements[0]
    return text(strip_parens(body))


def _function_body(predicate: Node) -> tuple[Node | None, list[str]]:
    """The single expression a one-clause, one-argument function returns, and the
    names its head binds ("&1" for a capture)."""
    predicate = strip_parens(predicate)
    if predicate.type == "anonymous_function":
        clauses = [c for c in predicate.named_children if c.type == "stab_clause"]
        if len(clauses) != 1:
            return None, []
        head = clauses[0].child_by_field_name("left")
        body = clauses[0].child_by_field_name("right")
        if head is None or body is None or head.type != "arguments":
            return None, []
        params = head.named_children
        statements = [c for c in body.named_children if c.type != "comment"]
        if len(params) != 1 or len(statements) != 1:
            return None, []
        names = [text(b) for b in pattern_bindings(params[0])]
        return statements[0], names
    if predicate.type == "unary_operator" and operator(predicate) == "&":
        inner = predicate.named_children
        if len(inner) != 1 or inner[0].type == "integer":
            return None, []  # `&1` alone, or not a capture we understand
        refs = {text(d) for d in descendants(inner[0]) if _is_capture_arg(d)}
        if refs != {"&1"}:
            return None, []  # `&fun/1` has no `&1`; `&2` means another arity
        return inner[0], ["&1"]
    return None, []


def _is_capture_arg(node: Node) -> bool:
    return (
        node.type == "unary_operator"
        and operator(node) == "&"
        and any(c.type == "integer" for c in node.named_children)
    )


def _conjuncts(expr: Node, function: str) -> list[Node]:
    out: list[Node] = []
    stack = [expr]
    while stack:
        node = strip_parens(stack.pop())
        if node.type == "binary_operator" and operator(node) in ("and", "&&"):
            right = node.child_by_field_name("right")
            left = node.child_by_field_name("left")
            stack.extend(n for n in (right, left) if n is not None)
            continue
        if function == "find_value" and node.type == "call" and call_name(node) == (None, "if"):
            args = [a for a in node.named_children if a.type == "arguments"]
            if args and args[0].named_children:
                stack.append(args[0].named_children[0])
            continue
        out.append(node)
    return out


def _only_element(expr: Node, names: list[str]) -> bool:
    """Whether `expr` reads no variable but the element (a key computed from it)."""
    return all(text(v) in names for v in variables(expr))


def _depends_on(expr: Node, names: list[str]) -> bool:
    if names == ["&1"]:
        return any(_is_capture_arg(d) for d in (expr, *descendants(expr)))
    return any(text(v) in names for v in variables(expr))


# --- the collection --------------------------------------------------------------


def _invariant_collection(collection: Node, loop: Loop) -> bool:
    root = root_variable(collection)
    if root is None or not is_loop_invariant(collection, loop):
        return False
    return not (same_node(root, collection) and is_small(collection))


# --- the fix ---------------------------------------------------------------------


def _fix(call: Node, collection: Node, lookup: _Lookup, loop: Loop, ctx: Context) -> Fix | None:
    if not lookup.whole or loop.kind == "recursion":
        return None
    element = lookup.element_side
    if not is_field_access(element):
        return None
    receiver = field_receiver(element)
    if receiver is None or text(strip_parens(receiver)) != lookup.element_name:
        return None
    field = field_name(element)
    if simple_parts(lookup.key_side) is None:
        return None
    statement = _statement_of(loop.node)
    if statement is None or not _starts_line(statement, ctx):
        return None
    sources: list[Node] = []
    for ident in simple_parts(collection) or []:
        binding = binding_of(ident)
        if binding is None or statement.start_byte <= binding.start_byte < statement.end_byte:
            return None
        sources.append(binding)
    base = text(collection).rsplit(".", 1)[-1]
    name = f"{base}_by_{field}"
    build = f"{name} = {text(collection)} |> Enum.reverse() |> Map.new(&{{&1.{field}, &1}})"
    target = call.parent if pipe_source(call) is not None and call.parent is not None else call
    lookup_edit = Edit(
        target.start_byte, target.end_byte, f"Map.get({name}, {text(lookup.key_side)})"
    )
    scope = enclosing_definition(call)
    region = scope.call if scope is not None else ctx.root
    uses: list[Node] = []
    if name.encode() in ctx.source[region.start_byte : region.end_byte]:  # cheap pre-check
        uses = [d for d in descendants(region) if d.type == "identifier" and text(d) == name]
    if uses:
        # A fix for another search of the same collection already built the map:
        # reuse it when that is the only binding of the name and it precedes the loop.
        built = _earlier_statement(statement, build)
        bindings = [u for u in uses if is_binding(u)]
        if built is None or len(bindings) != 1 or not contains(built, bindings[0]):
            return None
        if any(b.start_byte >= built.start_byte for b in sources):
            return None  # the collection was rebound after the map was built
        edits: tuple[Edit, ...] = (lookup_edit,)
    else:
        indent = ctx.line_indent(statement.start_byte)
        edits = (
            Edit(statement.start_byte, statement.start_byte, f"{build}\n{indent}"),
            lookup_edit,
        )
    return Fix(
        f"Build `{name}` once before the loop and look up with `Map.get/2`",
        Applicability.UNSAFE,
        edits,
    )


def _earlier_statement(statement: Node, content: str) -> Node | None:
    """A statement before `statement`, in the same block, whose text is `content`."""
    parent = statement.parent
    if parent is None:
        return None
    for sibling in parent.named_children:
        if sibling.start_byte >= statement.start_byte:
            break
        if text(sibling) == content:
            return sibling
    return None


def _statement_of(node: Node) -> Node | None:
    child = node
    while child.parent is not None:
        if child.parent.type in _SEQUENCE_PARENTS:
            return child
        child = child.parent
    return None


def _starts_line(node: Node, ctx: Context) -> bool:
    start = ctx.source.rfind(b"\n", 0, node.start_byte) + 1
    return ctx.source[start : node.start_byte].strip(b" \t") == b""


RULE = Rule(
    code="EP504",
    precision="0 of 31 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="nested-lookup-in-loop",
    summary="Keyed `Enum.find`/`filter`/`any?` over a loop-invariant collection inside a loop",
    severity=Severity.WARNING,
    fix_availability=FixAvailability.SOMETIMES,
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
            "def attach(users, departments) do\n"
            "  Enum.map(users, fn user ->\n"
            "    Enum.find(departments, fn d -> d.id == user.dept_id end)\n"
            "  end)\n"
            "end\n",
            "def attach(users, departments) do\n"
            "  departments_by_id = departments |> Enum.reverse() |> Map.new(&{&1.id, &1})\n"
            "  Enum.map(users, fn user ->\n"
            "    Map.get(departments_by_id, user.dept_id)\n"
            "  end)\n"
            "end\n",
            unsafe=True,
        ),
        Example(
            "def names(orders, products) do\n"
            "  for order <- orders do\n"
            "    Enum.find(products, &(&1.sku === order.sku))\n"
            "  end\n"
            "end\n",
            "def names(orders, products) do\n"
            "  products_by_sku = products |> Enum.reverse() |> Map.new(&{&1.sku, &1})\n"
            "  for order <- orders do\n"
            "    Map.get(products_by_sku, order.sku)\n"
            "  end\n"
            "end\n",
            unsafe=True,
        ),
        Example(
            "def tag(rows, tags) do\n"
            "  Enum.map(rows, fn row -> {row, Enum.filter(tags, &(&1.row_id == row.id))} end)\n"
            "end\n",
        ),
        Example(
            "def attach(users, depts) do\n"
            "  Enum.map(users, fn user -> {user, Enum.find(depts, &in_dept?(&1, user))} end)\n"
            "end\n"
            "defp in_dept?(dept, user), do: dept.id == user.dept_id\n",
        ),
        Example(
            "def known(events, users) do\n"
            "  Enum.filter(events, fn e -> Enum.any?(users, fn u -> u.id == e.user_id end) end)\n"
            "end\n",
        ),
    ),
    ok=(
        Example(
            "def roles(users) do\n"
            "  Enum.map(users, fn user -> Enum.find(user.roles, &(&1.name == :admin)) end)\n"
            "end\n"
        ),
        Example("def one(departments, id), do: Enum.find(departments, &(&1.id == id))\n"),
        Example(
            "def complete?(rows, required) do\n"
            "  Enum.all?(rows, fn row -> Enum.all?(required, &Map.has_key?(row, &1)) end)\n"
            "end\n"
        ),
        Example(
            "def kinds(items) do\n"
            "  Enum.map(items, fn i -> Enum.find(@kinds, &(&1.id == i.kind)) end)\n"
            "end\n"
        ),
    ),
)
