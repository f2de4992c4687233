"""EP106 positional-list-update-in-loop: edge cases."""

from __future__ import annotations

import pytest

from tests.helpers import findings

CODE = "EP106"


@pytest.mark.parametrize(
    "source",
    [
        "Enum.reduce(xs, list, fn {i, v}, acc -> List.replace_at(acc, i, v) end)\n",
        "Enum.reduce(xs, list, fn {i, v}, acc -> acc |> List.replace_at(i, v) end)\n",
        "Enum.reduce(xs, list, fn i, acc -> List.delete_at(acc, -1) end)\n",
        "Enum.reduce(xs, {:ok, list}, fn {i, v}, {:ok, acc} -> {:ok, List.insert_at(acc, i, v)} end)\n",
        "for i <- xs, reduce: list do\n  acc -> List.update_at(acc, i, &(&1 + 1))\nend\n",
        "defp go([i | t], acc), do: go(t, List.replace_at(acc, i, 0))\n",
        "defp go([i | t], acc) do\n  acc2 = List.replace_at(acc, i, 0)\n  go(t, acc2)\nend\n",
    ],
)
def test_reports_positional_updates_of_a_carried_list(source: str) -> None:
    [finding] = findings(source, CODE)
    assert "O(n²)" in finding.message
    assert finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        "Enum.reduce(xs, list, fn x, acc -> List.insert_at(acc, 0, x) end)\n",
        "Enum.reduce(xs, list, fn x, acc -> List.replace_at(acc, 3, x) end)\n",
        "Enum.map(xs, fn i -> List.replace_at(row, i, :x) end)\n",
        "def set(list, i, v), do: List.replace_at(list, i, v)\n",
        "defp go([i | t], acc), do: go(t, [List.replace_at(other, i, 0) | acc])\n",
        "Enum.reduce(xs, list, fn {i, v}, acc -> List.replace_at(acc, i, v, :extra) end)\n",
    ],
)
def test_does_not_report_near_head_indexes_or_lists_not_carried(source: str) -> None:
    assert findings(source, CODE) == []
