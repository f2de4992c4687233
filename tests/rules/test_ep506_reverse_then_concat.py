"""EP506 reverse-then-concat: edge cases."""

from __future__ import annotations

from functools import partial

import pytest

from elixir_perf_lsp.engine.model import Applicability, Severity
from tests.helpers import findings, fixed

CODE = "EP506"


_fix = partial(fixed, code=CODE)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("r = Enum.reverse(acc) ++ [x]\n", "r = Enum.reverse(acc, [x])\n"),
        ("r = Enum.reverse(acc) ++ [x | rest]\n", "r = Enum.reverse(acc, [x | rest])\n"),
        ("r = Enum.reverse(acc) ++ 'abc'\n", "r = Enum.reverse(acc, 'abc')\n"),
        ("r = Enum.reverse(acc) ++ ~w(a b)\n", "r = Enum.reverse(acc, ~w(a b))\n"),
        ("r = Enum.reverse(acc) ++ String.split(s)\n", "r = Enum.reverse(acc, String.split(s))\n"),
        (
            "r = Enum.reverse(acc) ++ (xs |> Enum.sort())\n",
            "r = Enum.reverse(acc, (xs |> Enum.sort()))\n",
        ),
        ("r = Enum.reverse(acc) ++ rest ++ [0]\n", "r = Enum.reverse(acc, rest ++ [0])\n"),
        ("r = acc |> Enum.reverse() |> Kernel.++([x])\n", "r = acc |> Enum.reverse([x])\n"),
        ("r = Kernel.++(Enum.reverse(acc), [x])\n", "r = Enum.reverse(acc, [x])\n"),
        ("r = (acc |> Enum.reverse()) ++ [x]\n", "r = (acc |> Enum.reverse([x]))\n"),
        ("r = [0] ++ Enum.reverse(acc) ++ [x]\n", "r = [0] ++ Enum.reverse(acc, [x])\n"),
        # :lists.reverse/2 equals :lists.reverse/1 ++ tail for any tail
        ("r = :lists.reverse(acc) ++ rest\n", "r = :lists.reverse(acc, rest)\n"),
    ],
)
def test_reverses_onto_a_list_tail_safely(source: str, expected: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.severity is Severity.HINT
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    assert _fix(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("r = Enum.reverse(acc) ++ rest\n", "r = Enum.reverse(acc, rest)\n"),
        ("r = Enum.reverse(acc) ++ f(x)\n", "r = Enum.reverse(acc, f(x))\n"),
        ("r = Enum.reverse(acc) ++ for(x <- xs, into: %{}, do: {x, x})\n", None),
        ("r = Enum.reverse(acc) ++ [] ++ rest\n", "r = Enum.reverse(acc, [] ++ rest)\n"),
    ],
)
def test_the_fix_is_unsafe_when_the_tail_may_not_be_a_list(
    source: str, expected: str | None
) -> None:
    # Enum.reverse([1, 2], 3) raises where Enum.reverse([1, 2]) ++ 3 is [2, 1 | 3].
    [finding] = findings(source, CODE)
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    assert "to_list" in finding.fix.message
    assert fixed(source, CODE) == source
    if expected is not None:
        assert _fix(source, unsafe=True) == expected


@pytest.mark.parametrize(
    "source",
    [
        "r = rest ++ Enum.reverse(acc)\n",
        "r = Enum.reverse(acc, tail) ++ rest\n",
        "r = Enum.sort(acc) ++ rest\n",
        "r = List.reverse(acc) ++ rest\n",
        "r = acc |> Enum.reverse() ++ rest\n",
        "r = xs |> Enum.sort() |> Enum.reverse()\n",
        "r = Enum.reverse(acc)\n",
    ],
)
def test_does_not_report_other_concatenations(source: str) -> None:
    assert findings(source, CODE) == []


@pytest.mark.parametrize("tail", ["Enum.map(xs, f)", "for(x <- xs, do: x)"])
def test_a_tail_with_possible_side_effects_makes_the_fix_unsafe(tail: str) -> None:
    # `acc` might be a lazy stream: its reversal now runs after the tail.
    [finding] = findings(f"r = Enum.reverse(acc) ++ {tail}\n", CODE)
    assert finding.fix is not None and not finding.fix.is_safe
    assert "lazy input" in finding.fix.message


def test_an_eager_input_keeps_the_fix_safe_whatever_the_tail() -> None:
    [finding] = findings("r = Enum.reverse([3, 2, 1]) ++ Enum.map(xs, f)\n", CODE)
    assert finding.fix is not None and finding.fix.is_safe
