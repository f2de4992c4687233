"""EP602 repo-read-in-loop: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp.engine.model import Severity
from tests.helpers import findings

CODE = "EP602"


@pytest.mark.parametrize(
    "call",
    [
        "Repo.get(User, post.author_id)",
        "Repo.get!(User, post.author_id)",
        "Repo.get_by(User, id: post.author_id)",
        "Repo.get_by!(User, id: post.author_id)",
        "Repo.one(from u in User, where: u.id == ^post.author_id)",
        "Repo.one!(q(post))",
        "Repo.all(Ecto.assoc(post, :comments))",
        "Repo.preload(post, :comments)",
        "Repo.exists?(q(post))",
        "Repo.aggregate(Ecto.assoc(post, :comments), :count)",
        "Repo.reload(post)",
        "MyApp.Repo.get(User, post.author_id)",
        "post |> Ecto.assoc(:comments) |> Repo.all()",
    ],
)
def test_reports_every_read_inside_a_loop(call: str) -> None:
    source = f"def f(posts) do\n  Enum.map(posts, fn post -> {call} end)\nend\n"
    [finding] = findings(source, CODE)
    assert finding.severity is Severity.WARNING
    assert "one query per element of `Enum.map` (N+1)" in finding.message


def test_reports_captures_and_points_preload_at_the_list() -> None:
    [get] = findings("def f(ids), do: Enum.map(ids, &Repo.get(User, &1))\n", CODE)
    assert "where: x.id in ^ids" in get.message
    [preload] = findings("def f(ps), do: Enum.map(ps, &Repo.preload(&1, :tags))\n", CODE)
    assert "preload once on the whole list" in preload.message
    source = "def f(ids), do: Enum.map(ids, &Repo.get!/1)\n"
    [bare] = findings(source, CODE)
    assert (bare.start, bare.end) == (source.index("&"), source.index("/1") + 2)


def test_reports_nested_loops_once_per_call() -> None:
    source = (
        "def f(users) do\n"
        "  Enum.each(users, fn u ->\n"
        "    Enum.each(Repo.all(Ecto.assoc(u, :posts)), fn p -> IO.inspect(p) end)\n"
        "  end)\n"
        "end\n"
    )
    [finding] = findings(source, CODE)
    assert "`Enum.each`" in finding.message


@pytest.mark.parametrize(
    "source",
    [
        "def f(posts), do: Repo.preload(posts, :author)\n",
        "def f(id), do: Repo.get(User, id)\n",
        # the loop's collection is read once
        "def f do\n  Enum.map(Repo.all(User), fn u -> u.name end)\nend\n",
        "def f do\n  for u <- Repo.all(User), do: u.name\nend\n",
        # batches
        "def f(ids) do\n  ids\n  |> Enum.chunk_every(500)\n  |> Enum.flat_map(&Repo.all(q(&1)))\nend\n",
        # a single read inside a transaction
        "def f(id) do\n  Repo.transaction(fn -> Repo.get!(User, id) end)\nend\n",
        # writes are EP601
        "def f(rows), do: Enum.each(rows, &Repo.insert!/1)\n",
        # Repo.stream is consumed once
        "def f(q), do: Repo.transaction(fn -> q |> Repo.stream() |> Enum.to_list() end)\n",
    ],
)
def test_does_not_report_reads_outside_per_element_loops(source: str) -> None:
    assert findings(source, CODE) == []
