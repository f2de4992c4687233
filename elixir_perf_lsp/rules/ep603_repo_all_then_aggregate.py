"""## What it does
Flags `Repo.all(query)` whose rows are immediately reduced in Elixir: passed or
piped straight to `length/1`, `Enum.count`, `Enum.sum`, `Enum.max`, `Enum.min`,
`Enum.max_by`, `Enum.min_by`, `Enum.filter`, `Enum.reject`, `Enum.empty?`,
`Enum.any?`, `List.first/1` or `hd/1`, or to `Enum.map` followed by
`Enum.sum`/`max`/`min`/`count`. A repo is `Repo` or any alias ending in `.Repo`.

Not flagged: rows bound to a variable first (they may be used for more than the
aggregate), and `Repo.all` followed by anything else.

## Why is this bad?
Every row is fetched, sent over the network, decoded and turned into a struct,
only to be counted, summed or mostly thrown away. The database can answer with
one number or one row: `Repo.aggregate(query, :count)`,
`Repo.aggregate(query, :sum, :field)`, `Repo.exists?/2`, a `where:` for the
filter, `order_by` + `limit: 1` + `Repo.one/2` for the first or the largest.

{cost}

## Example
```elixir
total = Post |> where(author_id: ^id) |> Repo.all() |> length()
```

Use instead:
```elixir
total = Post |> where(author_id: ^id) |> Repo.aggregate(:count)
```

## Fix safety
No fix: the rewrite changes the query (SQL `COUNT`/`SUM` semantics for `NULL`,
decimals and empty sets differ from Elixir's: `SUM` of no rows is `NULL`, not
`0`), and a predicate written in Elixir must be translated into a query by hand.

## References
- [Ecto.Repo.aggregate/3](https://hexdocs.pm/ecto/Ecto.Repo.html#c:aggregate/3)
- [Ecto.Repo.exists?/2](https://hexdocs.pm/ecto/Ecto.Repo.html#c:exists?/2)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.analysis.ecto import repo_call
from elixir_perf_lsp.analysis.nodes import (
    call_args,
    call_name,
    descendants,
    effective_args,
    operator,
    pipe_source,
    same_node,
)
from elixir_perf_lsp.analysis.pipelines import read_function
from elixir_perf_lsp.analysis.scope import is_field_access
from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures, Node

COST = "not measured (it needs a database): every row is fetched, sent and decoded to compute one value that `Repo.aggregate/3` or the query itself returns."

QUERY = """
(call
  target: (dot
    left: (alias) @ep603.repo
    right: (identifier) @ep603.function)
  (#match? @ep603.repo "Repo$")
  (#eq? @ep603.function "all")) @ep603.call
"""

_COUNT = "count the rows in the database: `Repo.aggregate(query, :count)`"
_WHERE = "move the condition into the query (`where:`)"
_ADVICE: dict[tuple[str | None, str], str] = {
    (None, "length"): _COUNT,
    ("Kernel", "length"): _COUNT,
    ("Enum", "count"): _COUNT,
    ("Enum", "sum"): "sum in the database: `Repo.aggregate(query, :sum, :field)`",
    ("Enum", "max"): "use `Repo.aggregate(query, :max, :field)`",
    ("Enum", "min"): "use `Repo.aggregate(query, :min, :field)`",
    ("Enum", "max_by"): "use `order_by: [desc: …]`, `limit: 1` and `Repo.one/2`",
    ("Enum", "min_by"): "use `order_by`, `limit: 1` and `Repo.one/2`",
    ("Enum", "filter"): _WHERE,
    ("Enum", "reject"): _WHERE,
    ("Enum", "empty?"): "ask `Repo.exists?(query)`",
    ("Enum", "any?"): "move the condition into the query and ask `Repo.exists?/2`",
    ("List", "first"): "add `limit: 1` and use `Repo.one/2`",
    (None, "hd"): "add `limit: 1` and use `Repo.one/2`",
}
_UNARY = frozenset(
    {(None, "length"), ("Kernel", "length"), (None, "hd"), ("List", "first"), ("Enum", "empty?")}
)
_AFTER_MAP: frozenset[tuple[str | None, str]] = frozenset(
    {("Enum", "sum"), ("Enum", "max"), ("Enum", "min"), ("Enum", "count"), (None, "length")}
)


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    call = captures["ep603.call"][0]
    found = repo_call(call)
    if found is None or not any(c.type == "arguments" for c in call.named_children):
        return
    repo, _function = found
    consumer = _consumer(_value_node(call))
    if consumer is None:
        return
    consumer_call, expression = consumer
    name = call_name(consumer_call)
    if name == ("Enum", "map"):
        then = _consumer(expression)
        if then is None or call_name(then[0]) not in _AFTER_MAP:
            return
        consumer_call, expression = then
        name = call_name(consumer_call)
        reduced = f"`Enum.map` then `{_spell(name)}`"
        advice = _ADVICE.get(name, _COUNT).replace(":field", ":the_mapped_field")
    elif name in _ADVICE and not (name in _UNARY and len(effective_args(consumer_call)) != 1):
        reduced = f"`{_spell(name)}`"
        advice = _ADVICE[name]
        if name == ("Enum", "count") and len(effective_args(consumer_call)) == 2:
            advice = f"{_WHERE} and {_COUNT}"
    else:
        return
    if not all(_expressible_in_sql(f) for f in effective_args(consumer_call)[1:]):
        return  # a policy check or a side effect: the query cannot take it over
    message = f"`{repo}.all` fetches every row only to reduce them with {reduced}; {advice}"
    yield Violation(expression, message)


# Calls a `where:` can say too; any other call in the function (a policy check,
# a DNS lookup, an update) keeps the work in Elixir.
_SQL_LIKE_CALLS = frozenset({(None, "is_nil"), (None, "not"), (None, "in")})


def _expressible_in_sql(argument: Node) -> bool:
    """A function argument made of field reads, comparisons and values only."""
    function = read_function(argument)
    if function is None:
        return True  # not a function (a default value, an accumulator)
    if function.kind not in ("fn", "capture") or function.body is None:
        return False  # `&allowed?/1` or a variable: unknown code
    return not any(
        node.type == "call" and not is_field_access(node) and call_name(node) not in _SQL_LIKE_CALLS
        for node in (function.body, *descendants(function.body))
    )


def _spell(name: tuple[str | None, str]) -> str:
    return f"{name[0]}.{name[1]}" if name[0] else name[1]


def _value_node(call: Node) -> Node:
    """The expression holding the call's value: the pipe `q |> Repo.all()` or the call."""
    if pipe_source(call) is not None and call.parent is not None:
        return call.parent
    return call


def _consumer(value: Node) -> tuple[Node, Node] | None:
    """(the call that receives `value` first, the expression that call makes)."""
    parent = value.parent
    if parent is None:
        return None
    if (
        parent.type == "binary_operator"
        and operator(parent) == "|>"
        and same_node(parent.child_by_field_name("left"), value)
    ):
        right = parent.child_by_field_name("right")
        if right is not None and right.type == "call":
            return right, parent
        return None
    if parent.type == "arguments" and parent.parent is not None and parent.parent.type == "call":
        receiver = parent.parent
        args = call_args(receiver)
        if args and same_node(args[0], value) and pipe_source(receiver) is None:
            return receiver, receiver
    return None


RULE = Rule(
    code="EP603",
    precision="3 of 6 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    default=False,
    name="repo-all-then-aggregate",
    summary="`Repo.all` piped straight into `length`/`Enum.count`/`Enum.sum`/`Enum.filter`",
    severity=Severity.INFORMATION,
    fix_availability=FixAvailability.NONE,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example("total = Post |> where(author_id: ^id) |> Repo.all() |> length()\n"),
        Example("n = Enum.count(MyApp.Repo.all(from u in User, where: u.active))\n"),
        Example("sum = Order |> Repo.all() |> Enum.map(& &1.total) |> Enum.sum()\n"),
        Example("admins = Repo.all(User) |> Enum.filter(& &1.admin)\n"),
    ),
    ok=(
        Example("total = Post |> where(author_id: ^id) |> Repo.aggregate(:count)\n"),
        Example("users = Repo.all(User)\ncount = length(users)\n"),
        Example("names = User |> Repo.all() |> Enum.map(& &1.name)\n"),
    ),
)
