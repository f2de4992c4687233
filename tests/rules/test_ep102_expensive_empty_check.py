"""EP102 expensive-empty-check: small sizes beyond 0 and 1, and constant answers."""

from __future__ import annotations

import pytest

from tests.helpers import findings, fixed

CODE = "EP102"


@pytest.mark.parametrize(
    ("test", "replacement"),
    [
        ("length(x) == 3", "match?([_, _, _], x)"),
        ("length(x) == 5", "match?([_, _, _, _, _], x)"),
        ("length(x) >= 3", "match?([_, _, _ | _], x)"),
        ("length(x) > 4", "match?([_, _, _, _, _ | _], x)"),
        ("length(x) < 3", "not match?([_, _, _ | _], x)"),
        ("length(x) <= 4", "not match?([_, _, _, _, _ | _], x)"),
        ("x |> length() == 2", "match?([_, _], x)"),
    ],
)
def test_small_sizes_become_patterns(test: str, replacement: str) -> None:
    assert fixed(f"ok = {test}\n", CODE) == f"ok = {replacement}\n"


@pytest.mark.parametrize(
    "test", ["length(x) == 6", "length(x) > 5", "length(x) < 6", "Enum.count(x) == 3"]
)
def test_does_not_report_longer_sizes_or_counts_of_any_enumerable(test: str) -> None:
    assert findings(f"ok = {test}\n", CODE) == []


@pytest.mark.parametrize(
    ("test", "answer", "failure"),
    [
        ("length(x) >= 0", "never false", "raises when `x` is not a proper list"),
        ("0 <= Enum.count(x)", "never false", "raises when `x` is not enumerable"),
        ("length(x) < 0", "never true", "raises when `x` is not a proper list"),
        ("Enum.count(x, & &1) < 0", "never true", "raises when `x` is not enumerable"),
    ],
)
def test_reports_constant_answers_without_a_fix(test: str, answer: str, failure: str) -> None:
    # Outside a guard `length([1 | 2])` raises: the comparison is not "always true".
    [finding] = findings(f"ok = {test}\n", CODE)
    assert answer in finding.message
    assert failure in finding.message
    assert "always" not in finding.message
    assert finding.fix is None
