"""EP105 list-append-in-carried-value (opt-in): tuple accumulators, lists bound before being handed back,
and grouping with `Map.update/4`."""

from __future__ import annotations

import pytest

from tests.helpers import findings

CODE = "EP105"


@pytest.mark.parametrize(
    "source",
    [
        "Enum.reduce(xs, {[], 0}, fn x, {acc, n} -> {acc ++ [x], n + 1} end)\n",
        "Enum.reduce_while(xs, {:ok, []}, fn x, {:ok, acc} -> {:cont, {:ok, acc ++ [x]}} end)\n",
        "Enum.reduce(xs, {[], 0}, fn x, {acc, n} ->\n  acc2 = acc ++ [x]\n  {acc2, n + 1}\nend)\n",
        "for x <- xs, reduce: {[], 0} do\n  {acc, n} -> {acc ++ [x], n + 1}\nend\n",
        "defp build([h | t], acc) do\n  acc2 = acc ++ [h]\n  build(t, acc2)\nend\n",
        "Enum.reduce(xs, %{}, fn x, acc -> Map.update(acc, x.k, [x], &(&1 ++ [x])) end)\n",
        "Enum.reduce(xs, %{}, fn x, acc -> Map.update(acc, x.k, [x], fn l -> l ++ [x] end) end)\n",
        "Enum.reduce(xs, {%{}, 0}, fn x, {acc, n} ->\n"
        "  {Map.update(acc, x.k, [x], &(&1 ++ [x])), n + 1}\nend)\n",
    ],
)
def test_reports_lists_carried_from_one_iteration_to_the_next(source: str) -> None:
    [finding] = findings(source, CODE)
    assert "quadratic" in finding.message
    assert finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        "Enum.reduce(xs, {[], 0}, fn x, {acc, n} -> {acc, length(acc ++ [x])} end)\n",
        "Enum.map(xs, fn {a, b} -> a ++ [b] end)\n",
        "def put(m, k, v), do: Map.update(m, k, [v], &(&1 ++ [v]))\n",
        "defp build([h | t], acc) do\n  other = acc ++ [h]\n  send(self(), other)\n  build(t, acc)\nend\n",
        "Enum.reduce(xs, %{}, fn x, acc -> Map.update(acc, x.k, [x], &([x] ++ &1)) end)\n",
    ],
)
def test_does_not_report_lists_that_are_not_handed_back(source: str) -> None:
    assert findings(source, CODE) == []
