"""EP509 sort-to-take-one: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp.engine import Target
from elixir_perf_lsp.engine.model import Applicability
from tests.helpers import findings, fixed

CODE = "EP509"


@pytest.mark.parametrize(
    ("source", "expected", "safe"),
    [
        ("x = xs |> Enum.sort() |> hd\n", "x = xs |> Enum.min()\n", False),
        ("x = hd(Enum.sort(xs))\n", "x = Enum.min(xs)\n", False),
        ("x = List.last(Enum.sort(xs))\n", "x = Enum.max(xs, fn -> nil end)\n", False),
        ("x = Enum.sort(xs, :asc) |> List.first()\n", "x = Enum.min(xs, fn -> nil end)\n", True),
        ("x = Enum.sort(xs, :desc) |> hd()\n", "x = Enum.max(xs)\n", True),
        (
            "x = xs |> Enum.sort(:desc) |> List.last()\n",
            "x = xs |> Enum.min(&</2, fn -> nil end)\n",
            True,
        ),
        (
            "x = xs |> Enum.sort_by(& &1.n, :desc) |> Enum.at(0)\n",
            "x = xs |> Enum.max_by(& &1.n, fn -> nil end)\n",
            False,
        ),
        (
            "x = xs |> Enum.sort_by(& &1.n, :desc) |> List.last()\n",
            "x = xs |> Enum.min_by(& &1.n, &</2, fn -> nil end)\n",
            True,
        ),
        (
            "x = xs |> Enum.sort_by(& &1.n, :asc) |> hd()\n",
            "x = xs |> Enum.min_by(& &1.n)\n",
            True,
        ),
    ],
)
def test_rewrites_to_min_or_max_keeping_ties_and_empty_input(
    source: str, expected: str, safe: bool
) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is not None
    want = Applicability.SAFE if safe else Applicability.UNSAFE
    assert finding.fix.applicability is want
    assert fixed(source, CODE, unsafe=True) == expected


@pytest.mark.parametrize(
    "source",
    [
        "x = xs |> Enum.sort(&(&1 >= &2)) |> hd()\n",
        "x = xs |> Enum.sort(Date) |> hd()\n",
        "x = xs |> Enum.sort() |> Enum.take(1)\n",
    ],
)
def test_reports_comparators_and_take_without_a_fix(source: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        "x = xs |> Enum.sort() |> Enum.at(1)\n",
        "x = xs |> Enum.sort() |> Enum.take(2)\n",
        "x = xs |> Enum.sort() |> Enum.reverse()\n",
        "x = [3, 1, 2] |> Enum.sort() |> hd()\n",
        "x = xs |> Enum.uniq() |> hd()\n",
    ],
)
def test_does_not_report_other_takes_or_small_literals(source: str) -> None:
    assert findings(source, CODE) == []


def test_no_sorter_argument_before_elixir_1_10() -> None:
    source = "x = xs |> Enum.sort(:desc) |> List.last()\n"
    [finding] = findings(source, CODE, Target(elixir=(1, 9)))
    assert finding.fix is None
