"""## What it does
Flags an Ecto read — `get`, `get!`, `get_by`, `get_by!`, `one`, `one!`, `all`,
`preload`, `exists?`, `aggregate`, `reload`, `reload!` — on a repo that runs once
per element: inside a function passed to an `Enum`/`Stream` function or
`Task.async_stream`, inside a `for` comprehension, in a recursive function that
walks a list (`[h | t]` in its head), or passed as a capture
(`Enum.map(ids, &Repo.get(User, &1))`). A repo is `Repo`, or any alias ending in
`.Repo`.

Not flagged: a read over `Enum.chunk_every`/`Stream.chunk_every` batches (one
query per batch is the fix, not the problem), reads in a transaction body,
receive loops, and repos reached through a variable.

Reads behind a project function (a loop calling `Accounts.get_user!/1`, which calls
`Repo.get!/2`) are EP604's, which is opt-in: on real projects few of them were worth
changing.

## Why is this bad?
This is the N+1 query: one query for the list, then one more per element, each
a database round trip. Loading the associations with `preload` (one extra query
per association, for all rows), a `join`, or one query with
`where: x.id in ^ids` replaces n round trips with one or two.

{cost}

## Example
```elixir
Enum.map(posts, fn post ->
  %{post | author: Repo.get!(User, post.author_id)}
end)
```

Use instead:
```elixir
Repo.preload(posts, :author)
```

## Fix safety
No fix: the batched query returns rows in a different order, must be matched
back to the elements, and changes what happens when a row is missing (`get!`
raised at that element; a batched query does not).

## References
- [Ecto.Repo.preload/3](https://hexdocs.pm/ecto/Ecto.Repo.html#c:preload/3)
- [Ecto.Query joins and preloads](https://hexdocs.pm/ecto/Ecto.Query.html#preload/3)
"""

from __future__ import annotations

from elixir_perf_lsp.analysis.ecto import (
    per_element_loop,
    repo_call,
    report_node,
)
from elixir_perf_lsp.analysis.scope import describe_loop
from elixir_perf_lsp.engine.prelude import *

COST = "not measured (it needs a database): one query per element (N+1) where a preload, a join or `where: x.id in ^ids` makes one round trip."

QUERY = """
(call
  target: (dot
    left: (alias) @repo
    right: (identifier) @function)
  (#match? @repo "Repo$")
  (#any-of? @function "get" "get!" "get_by" "get_by!" "one" "one!" "all" "preload" "exists?" "aggregate" "reload" "reload!")) @call
"""


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    call = captures["call"][0]
    found = repo_call(call)
    if found is None:
        return
    repo, function = found
    loop = per_element_loop(call)
    if loop is None:
        return
    if function == "preload":
        advice = "preload once on the whole list (`Repo.preload(list, assoc)`)"
    else:
        advice = (
            "load everything in one query (`where: x.id in ^ids`, a `join`, or `preload` "
            "the association on the list) and look rows up in a map"
        )
    message = (
        f"`{repo}.{function}` runs one query per element of {describe_loop(loop)} (N+1); {advice}"
    )
    yield Violation(report_node(call), message)


RULE = Rule(
    code="EP602",
    precision="2 of 3 findings worth changing on the 17 projects of `benchmarks/precision` (2026-12-06).",
    name="repo-read-in-loop",
    summary="`Repo.get/get_by/one/all/preload` once per element of a loop (N+1 queries)",
    severity=Severity.WARNING,
    # Tests write and read their fixtures row by row on purpose.
    in_tests=False,
    fix_availability=FixAvailability.NONE,
    doc=__doc__,
    cost=COST,
    query=QUERY,
    check=check,
    bad=(
        Example(
            "def with_authors(posts) do\n"
            "  Enum.map(posts, fn post ->\n"
            "    %{post | author: Repo.get!(User, post.author_id)}\n"
            "  end)\n"
            "end\n"
        ),
        Example("def users(ids), do: Enum.map(ids, &MyApp.Repo.get(User, &1))\n"),
        Example(
            "def counts(users) do\n"
            "  for user <- users do\n"
            "    {user.id, Repo.aggregate(Ecto.assoc(user, :posts), :count)}\n"
            "  end\n"
            "end\n"
        ),
        Example("def load(posts), do: Enum.map(posts, &Repo.preload(&1, :comments))\n"),
    ),
    ok=(
        Example("def with_authors(posts), do: Repo.preload(posts, :author)\n"),
        Example(
            "def users(ids) do\n"
            "  ids\n"
            "  |> Enum.chunk_every(500)\n"
            "  |> Enum.flat_map(fn chunk -> Repo.all(from u in User, where: u.id in ^chunk) end)\n"
            "end\n"
        ),
        Example("def user(id), do: Repo.get(User, id)\n"),
    ),
)
