"""EP104 enum-at-in-loop: edge cases."""

from __future__ import annotations

import pytest

from tests.helpers import findings

CODE = "EP104"


@pytest.mark.parametrize(
    "source",
    [
        "for i <- 0..(n - 1) do\n  Enum.at(list, i)\nend\n",
        "for {x, i} <- Enum.with_index(list) do\n  x + Enum.at(list, i + 1)\nend\n",
        "Enum.each(0..(length(list) - 1), fn i -> IO.puts(Enum.at(list, i)) end)\n",
        "list |> Enum.with_index() |> Enum.map(fn {x, i} -> {x, Enum.at(list, i - 1)} end)\n",
        "Enum.map(indexes, &Enum.at(list, &1))\n",
        "Enum.map(0..n, fn i -> list |> Enum.at(i) end)\n",
        "Enum.map(0..n, fn i -> Enum.at(list, i, :none) end)\n",
        "Enum.reduce(xs, 0, fn _x, i -> Enum.at(list, i) + i end)\n",
        "Enum.map(0..n, fn i ->\n  j = i * 2\n  k = j + 1\n  Enum.at(list, k)\nend)\n",
        "for x <- xs, reduce: 0 do\n  pos -> pos + Enum.at(list, pos)\nend\n",
        "defp walk(list, i) do\n  IO.puts(Enum.at(list, i))\n  walk(list, i + 1)\nend\n",
        "Enum.map(0..9, fn _ -> Enum.map(0..m, fn j -> Enum.at(row, j) end) end)\n",
    ],
)
def test_reports_enum_at_with_an_index_that_changes_per_iteration(source: str) -> None:
    [finding] = findings(source, CODE)
    assert "Enum.at(" in finding.message
    assert finding.fix is None


def test_reports_the_outer_loop_index_in_a_nested_loop() -> None:
    source = "for i <- 0..n do\n  for j <- 0..m do\n    Enum.at(Enum.at(grid, i), j)\n  end\nend\n"
    spans = sorted(source[f.start : f.end] for f in findings(source, CODE))
    # The inner call re-walks `grid` for every j; the outer one walks the row it returns.
    assert spans == ["Enum.at(Enum.at(grid, i), j)", "Enum.at(grid, i)"]


def test_reports_a_row_bound_in_the_outer_loop_and_indexed_in_the_inner_one() -> None:
    source = (
        "Enum.map(0..n, fn i ->\n"
        "  row = Enum.at(grid, i)\n"
        "  Enum.map(0..m, fn j -> Enum.at(row, j) end)\n"
        "end)\n"
    )
    assert len(findings(source, CODE)) == 2


@pytest.mark.parametrize(
    "source",
    [
        # constant index
        "Enum.map(rows, fn row -> Enum.at(row, 0) end)\n",
        "for x <- xs do\n  Enum.at(list, -1)\nend\n",
        "Enum.map(xs, fn x -> Enum.at(list, @position) end)\n",
        # index bound outside the loop
        "Enum.map(rows, fn row -> Enum.at(list, col) end)\n",
        # literal lists, sigils, ranges and attributes as the collection
        "for i <- 0..n, do: Enum.at([:a, :b, :c], rem(i, 3))\n",
        "Enum.map(xs, fn i -> Enum.at(~w(a b c), i) end)\n",
        "Enum.map(xs, fn i -> Enum.at(1..100, i) end)\n",
        "Enum.map(xs, fn i -> Enum.at(0..100//2, i) end)\n",
        "Enum.map(xs, fn i -> Enum.at(@weekdays, i) end)\n",
        # the list changes with the index (one walk per different list)
        "rows |> Enum.with_index() |> Enum.map(fn {row, i} -> Enum.at(row, i) end)\n",
        "defp diag([row | rest], i) do\n  [Enum.at(row, i) | diag(rest, i + 1)]\nend\n",
        # a fixed, literal number of iterations
        "for i <- 0..2 do\n  Enum.at(list, i)\nend\n",
        "Enum.map([0, 1, 2], fn i -> Enum.at(list, i) end)\n",
        # not in a loop
        "x = Enum.at(list, i)\n",
        "def f(list, i), do: Enum.at(list, i)\n",
        # a local variable derived from a constant
        "Enum.map(xs, fn x ->\n  k = 3\n  {x, Enum.at(list, k)}\nend)\n",
        # the capture `&Enum.at/2` itself
        "Enum.map(pairs, &Enum.at/2)\n",
        # pinned variables do not vary
        "Enum.map(xs, fn ^i -> Enum.at(list, i) end)\n",
        # a recursion that passes the index back unchanged
        "defp loop(list, i, n) when n > 0 do\n  IO.puts(Enum.at(list, i))\n  loop(list, i, n - 1)\nend\n",
    ],
)
def test_does_not_report_when_the_index_or_the_list_does_not_make_it_quadratic(
    source: str,
) -> None:
    assert findings(source, CODE) == []


def test_reports_the_keyword_form_of_for() -> None:
    assert len(findings("for i <- 0..(n - 1), do: Enum.at(list, i)\n", CODE)) == 1


def test_reports_the_keyword_form_of_a_recursive_def() -> None:
    source = "defp sum(list, i, acc), do: sum(list, i + 1, acc + Enum.at(list, i))\n"
    assert len(findings(source, CODE)) == 1


def test_reports_enum_at_in_a_for_filter() -> None:
    source = "for i <- 0..(n - 1), Enum.at(list, i) > 0, do: i\n"
    assert len(findings(source, CODE)) == 1


def test_does_not_report_inside_a_broken_region() -> None:
    source = "for i <- 0..n do\n  Enum.at(list, i)\n  fn ->\nend\n"
    assert findings(source, CODE) == []
