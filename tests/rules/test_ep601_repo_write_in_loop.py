"""EP601 repo-write-in-loop: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp.engine.model import Severity
from tests.helpers import findings

CODE = "EP601"


def each(body: str, source: str = "rows") -> str:
    return f"def f(rows) do\n  Enum.each({source}, fn row ->\n    {body}\n  end)\nend\n"


@pytest.mark.parametrize(
    "body",
    [
        "Repo.insert(row)",
        "Repo.insert!(row)",
        "Repo.update(row)",
        "Repo.update!(row)",
        "Repo.delete(row)",
        "Repo.delete!(row)",
        "Repo.insert_or_update(row)",
        "Repo.insert_or_update!(row)",
        "Repo.update_all(from(p in Post, where: p.id == ^row.id), set: [x: 1])",
        "Repo.delete_all(from(p in Post, where: p.user_id == ^row.id))",
        "MyApp.Repo.insert(row)",
        "Deeply.Nested.App.Repo.insert(row)",
        "row |> Post.changeset(%{}) |> Repo.insert()",
    ],
)
def test_reports_every_write_on_any_repo_alias(body: str) -> None:
    [finding] = findings(each(body), CODE)
    assert finding.severity is Severity.WARNING
    assert "runs once per element of `Enum.each`" in finding.message
    assert finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        "def f(rows), do: Enum.each(rows, &Repo.insert/1)\n",
        "def f(rows), do: Enum.map(rows, &MyApp.Repo.insert!/1)\n",
        "def f(rows), do: Enum.map(rows, &Repo.insert(&1, on_conflict: :nothing))\n",
        "def f(rows), do: Task.async_stream(rows, &Repo.update!/1) |> Stream.run()\n",
    ],
)
def test_reports_captures_passed_to_iterators(source: str) -> None:
    [finding] = findings(source, CODE)
    # `&Repo.insert/1` as a whole; the call itself in `&Repo.insert(&1, opts)`
    assert finding.start in (source.index("&"), source.index("&") + 1)


def test_reports_for_comprehensions_and_list_recursion() -> None:
    source = (
        "defmodule M do\n"
        "  def a(rows) do\n"
        "    for row <- rows do\n"
        "      Repo.insert!(row)\n"
        "    end\n"
        "  end\n"
        "  defp b([row | rest]) do\n"
        "    Repo.insert!(row)\n"
        "    b(rest)\n"
        "  end\n"
        "  defp b([]), do: :ok\n"
        "end\n"
    )
    assert len(findings(source, CODE)) == 2


def test_advice_depends_on_the_write() -> None:
    [insert] = findings(each("Repo.insert!(row)"), CODE)
    assert "Repo.insert_all/3" in insert.message and "Ecto.Multi" in insert.message
    [update] = findings(each("Repo.update!(row)"), CODE)
    assert "Repo.update_all" in update.message and "in ^ids" in update.message
    [delete] = findings(each("Repo.delete!(row)"), CODE)
    assert "Repo.delete_all" in delete.message


@pytest.mark.parametrize(
    "source",
    [
        # a single write, in a transaction or not
        "def f(a), do: Repo.insert(a)\n",
        "def f(a, b) do\n  Repo.transaction(fn ->\n    Repo.insert!(a)\n    Repo.insert!(b)\n  end)\nend\n",
        # batches
        "def f(rows) do\n  rows\n  |> Stream.chunk_every(500)\n  |> Enum.each(fn chunk -> Repo.insert_all(Post, chunk) end)\nend\n",
        "def f(rows) do\n  Enum.each(Enum.chunk_every(rows, 500), fn ids -> Repo.delete_all(q(ids)) end)\nend\n",
        "def f(rows) do\n  for chunk <- Enum.chunk_every(rows, 100) do\n    Repo.update_all(q(chunk), set: [a: 1])\n  end\nend\n",
        # Ecto.Multi builds, it does not write
        "def f(rows) do\n  Enum.reduce(rows, Ecto.Multi.new(), fn r, m -> Ecto.Multi.insert(m, r.id, r) end)\nend\n",
        # a repo through a variable, and reads
        "def f(m), do: Ecto.Multi.run(m, :x, fn repo, _ -> repo.insert(%Post{}) end)\n",
        "def f(rows), do: Enum.map(rows, &Repo.get(Post, &1))\n",
        # not a repo
        "def f(rows), do: Enum.each(rows, &Repository.insert/1)\n",
        "def f(rows), do: Enum.each(rows, &MyRepo.insert/1)\n",
        # a receive loop writes once per message, not per element
        "defp loop([h | t]) do\n  receive do\n    {:save, row} -> Repo.insert!(row)\n  end\n  loop(t)\nend\n",
        # recursion that does not walk a list
        "defp retry(n) do\n  Repo.insert!(%Post{})\n  if n > 0, do: retry(n - 1)\nend\n",
    ],
)
def test_does_not_report_single_or_batched_writes(source: str) -> None:
    assert findings(source, CODE) == []
