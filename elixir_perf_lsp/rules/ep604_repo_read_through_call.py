"""## What it does
Flags a loop whose body calls a project function that reads from the database —
itself or through further project calls — once per element: `Enum.map(ids,
&Accounts.get_user!/1)` where `get_user!/1` calls `Repo.get!/2`, in the same module
or another one. The message names the chain of calls, and the diagnostic's related
information points at the repo call itself. Reads spelled inside the loop are
EP602's.

`check` indexes the whole mix project for this (umbrella apps included, `deps/`
not); the editor indexes the workspace in the background and reports these once the
index is ready. Calls that cannot be resolved (`apply/3`, behaviours, function
values) count for nothing. Not flagged: functions that only build a query, reads
inside `Repo.transaction`/`Ecto.Multi`, loops over a literal list or over
`chunk_every` batches.

Opt-in: on the 17 projects of `benchmarks/precision`, 2 of 32 sampled findings (of
96) were worth changing. Most loops behind a helper run over a handful of items
(the podcasts of a site, the links in a message, one page of results) or are
background jobs whose per-element work is the job; 2 were wrong because the clause
that reads is not the one the loop calls, or the call ends the recursion.

## Why is this bad?
This is the N+1 query hidden behind a helper: one query for the list, then one more
per element, each a database round trip.

{cost}

## Example
```elixir
defmodule Accounts do
  def get_user!(id), do: Repo.get!(User, id)
end

# elsewhere
Enum.map(ids, &Accounts.get_user!/1)
```

Use instead:
```elixir
Repo.all(from u in User, where: u.id in ^ids)
```

## Fix safety
No fix: the batched query returns rows in a different order, must be matched back
to the elements, and changes what happens when a row is missing.

## References
- [Ecto.Repo.preload/3](https://hexdocs.pm/ecto/Ecto.Repo.html#c:preload/3)
- [Ecto.Query joins and preloads](https://hexdocs.pm/ecto/Ecto.Query.html#preload/3)
"""

from __future__ import annotations

from collections.abc import Iterator

from elixir_perf_lsp.engine.context import Context
from elixir_perf_lsp.engine.model import FixAvailability, Severity
from elixir_perf_lsp.engine.rule import Example, Rule, Violation
from elixir_perf_lsp.syntax import Captures

COST = "not measured (it needs a database): one query per element (N+1) where one query for all elements makes one round trip."


def check(captures: Captures, ctx: Context) -> Iterator[Violation]:
    return iter(())  # reported through the project index (`project.through_calls`)


RULE = Rule(
    code="EP604",
    precision=(
        "2 of 32 sampled findings worth changing, 2 wrong, on the 17 projects of "
        "`benchmarks/precision` (96 findings, 2026-12-06)."
    ),
    name="repo-read-through-call",
    summary="a loop calling a project function that reads from the database (N+1 behind a helper)",
    severity=Severity.WARNING,
    in_tests=False,
    default=False,
    fix_availability=FixAvailability.NONE,
    doc=__doc__.replace("{cost}", COST),
    cost=COST,
    query="",
    check=check,
    effect="db_read",
    through_call_advice=(
        "one query per element (N+1); load the rows for all elements in one query (`where: x.id in ^ids`, a `join`, or `preload` on the list) and look them up in a map"
    ),
    bad=(
        Example(
            "defmodule Accounts do\n"
            "  def get_user!(id), do: Repo.get!(User, id)\n"
            "  def users(ids), do: Enum.map(ids, &get_user!/1)\n"
            "end\n"
        ),
        Example(
            "defmodule Blog do\n"
            "  def author(post), do: Repo.get(User, post.author_id)\n"
            "  def authors(posts) do\n"
            "    for post <- posts, do: author(post)\n"
            "  end\n"
            "end\n"
        ),
    ),
    ok=(
        Example(
            "defmodule Accounts do\n"
            "  def by_ids(ids), do: from(u in User, where: u.id in ^ids)\n"
            "  def queries(groups), do: Enum.map(groups, &by_ids/1)\n"
            "end\n"
        ),
        Example(
            "defmodule Accounts do\n"
            "  def get_user!(id), do: Repo.get!(User, id)\n"
            "  def pair, do: Enum.map([1, 2], &get_user!/1)\n"
            "end\n"
        ),
    ),
)
