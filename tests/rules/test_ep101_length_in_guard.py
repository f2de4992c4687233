"""EP101 length-in-guard: numbers up to 5, "at most one", constant answers, recursion."""

from __future__ import annotations

import pytest

from elixir_perf_lsp.engine.model import Applicability
from tests.helpers import findings, fixed

CODE = "EP101"


@pytest.mark.parametrize(
    ("guard", "pattern"),
    [
        ("length(x) == 3", "[_, _, _]"),
        ("length(x) == 5", "[_, _, _, _, _]"),
        ("length(x) >= 4", "[_, _, _, _ | _]"),
        ("3 < length(x)", "[_, _, _, _ | _]"),
    ],
)
def test_reports_comparisons_with_numbers_up_to_five(guard: str, pattern: str) -> None:
    [finding] = findings(f"def f(x) when {guard}, do: x\n", CODE)
    assert f"match `{pattern}` instead" in finding.message


@pytest.mark.parametrize("guard", ["length(x) == 6", "length(x) > 5", "length(x) < 4"])
def test_does_not_report_longer_lengths_or_at_most_more_than_one(guard: str) -> None:
    assert findings(f"def f(x) when {guard}, do: x\n", CODE) == []


@pytest.mark.parametrize("guard", ["length(x) < 2", "length(x) <= 1", "2 > length(x)"])
def test_at_most_one_becomes_a_two_cell_test(guard: str) -> None:
    source = f"def f(x) when {guard}, do: x\n"
    [finding] = findings(source, CODE)
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    assert fixed(source, CODE) == "def f(x) when x == [] or tl(x) == [], do: x\n"


def test_at_most_one_is_parenthesised_inside_and_and_not_fixed_under_or() -> None:
    conjunct = "def f(x, y) when y > 0 and length(x) < 2, do: x\n"
    assert fixed(conjunct, CODE) == "def f(x, y) when y > 0 and (x == [] or tl(x) == []), do: x\n"
    [disjunct] = findings("def f(x, y) when y > 0 or length(x) < 2, do: x\n", CODE)
    assert disjunct.fix is None


def test_at_most_one_in_a_recursion_is_a_warning() -> None:
    source = "def last(l) when length(l) < 2, do: hd(l)\ndef last([_ | t]), do: last(t)\n"
    [finding] = findings(source, CODE)
    assert finding.severity.value == "warning"
    assert "quadratic" in finding.message


def test_reports_a_guard_that_never_passes_without_a_fix() -> None:
    [finding] = findings("def f(x) when length(x) < 0, do: x\n", CODE)
    assert "never true" in finding.message
    assert finding.fix is None


def test_length_at_least_zero_is_the_proper_list_idiom() -> None:
    source = "def improper?(list) when is_list(list) and length(list) >= 0, do: false\n"
    assert findings(source, CODE) == []
