"""EP603 repo-all-then-aggregate: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp.engine.model import Severity
from tests.helpers import findings

CODE = "EP603"


@pytest.mark.parametrize(
    ("source", "advice"),
    [
        ("n = q |> Repo.all() |> length()\n", "Repo.aggregate(query, :count)"),
        ("n = length(Repo.all(q))\n", "Repo.aggregate(query, :count)"),
        ("n = Repo.all(q) |> Enum.count()\n", "Repo.aggregate(query, :count)"),
        ("n = Enum.count(MyApp.Repo.all(q))\n", "Repo.aggregate(query, :count)"),
        ("n = q |> Repo.all() |> Enum.count(& &1.paid)\n", "where:"),
        ("s = Repo.all(q) |> Enum.sum()\n", ":sum"),
        ("m = Enum.max(Repo.all(q))\n", ":max"),
        ("m = Repo.all(q) |> Enum.min()\n", ":min"),
        ("m = Repo.all(q) |> Enum.max_by(& &1.score)\n", "limit: 1"),
        ("m = Repo.all(q) |> Enum.min_by(& &1.score)\n", "limit: 1"),
        ("xs = Repo.all(q) |> Enum.filter(& &1.admin)\n", "where:"),
        ("xs = Enum.reject(Repo.all(q), & &1.admin)\n", "where:"),
        ("e = Repo.all(q) |> Enum.empty?()\n", "Repo.exists?(query)"),
        ("e = Repo.all(q) |> Enum.any?(& &1.admin)\n", "Repo.exists?"),
        ("u = Repo.all(q) |> List.first()\n", "Repo.one/2"),
        ("u = hd(Repo.all(q))\n", "Repo.one/2"),
        ("s = q |> Repo.all() |> Enum.map(& &1.total) |> Enum.sum()\n", ":the_mapped_field"),
        ("s = Enum.sum(Enum.map(Repo.all(q), & &1.total))\n", ":sum"),
    ],
)
def test_reports_rows_reduced_in_elixir(source: str, advice: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.severity is Severity.INFORMATION
    assert advice in finding.message
    assert finding.fix is None


def test_reports_the_whole_expression() -> None:
    source = "n = q |> Repo.all() |> length()\n"
    [finding] = findings(source, CODE)
    assert source[finding.start : finding.end] == "q |> Repo.all() |> length()"


@pytest.mark.parametrize(
    "source",
    [
        "users = Repo.all(User)\n",
        "users = Repo.all(User)\nn = length(users)\n",
        "names = Repo.all(User) |> Enum.map(& &1.name)\n",
        'names = Repo.all(User) |> Enum.map(& &1.name) |> Enum.join(", ")\n',
        "n = Repo.aggregate(User, :count)\n",
        "n = length(Repo.all(q), :x)\n",
        "n = Enum.count(xs, Repo.all(q))\n",
        "xs = Repo.all(q) |> Enum.sort_by(& &1.name)\n",
        "xs = Repository.all(q) |> length()\n",
    ],
)
def test_does_not_report_other_uses_of_the_rows(source: str) -> None:
    assert findings(source, CODE) == []
