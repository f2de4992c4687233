"""EP502 filter-then-first: edge cases."""

from __future__ import annotations

from functools import partial

import pytest

from elixir_perf_lsp.engine.model import Applicability, Severity
from tests.helpers import findings, fixed

CODE = "EP502"


_fix = partial(fixed, code=CODE)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "r = [1, 2, 3] |> Enum.filter(&(&1 > 1)) |> List.first()\n",
            "r = [1, 2, 3] |> Enum.find(&(&1 > 1))\n",
        ),
        (
            "r = List.first(Enum.filter([1, 2, 3], &(&1 > 1)))\n",
            "r = Enum.find([1, 2, 3], &(&1 > 1))\n",
        ),
        (
            "r = Enum.filter([1, 2, 3], &(&1 > 1)) |> List.first()\n",
            "r = Enum.find([1, 2, 3], &(&1 > 1))\n",
        ),
        (
            "r = [1, 2, 3] |> Enum.filter(&(&1 > 1)) |> Enum.at(0)\n",
            "r = [1, 2, 3] |> Enum.find(&(&1 > 1))\n",
        ),
        (
            "r = Enum.at(Enum.filter([1, 2, 3], & &1.ok), 0)\n",
            "r = Enum.find([1, 2, 3], & &1.ok)\n",
        ),
        (
            "r = [1, 2, 3] |> Enum.filter(&(&1 > 1)) |> List.first(:none)\n",
            "r = [1, 2, 3] |> Enum.find(:none, &(&1 > 1))\n",
        ),
        (
            "r = Enum.at(Enum.filter([1, 2, 3], &(&1 > 1)), 0, -1)\n",
            "r = Enum.find([1, 2, 3], -1, &(&1 > 1))\n",
        ),
        (
            "r =\n  Map.values(rows)\n  |> Enum.filter(fn x -> x.id == 3 end)\n  |> List.first()\n  |> Map.get(:name)\n",
            "r =\n  Map.values(rows)\n  |> Enum.find(fn x -> x.id == 3 end)\n  |> Map.get(:name)\n",
        ),
    ],
)
def test_replaces_filter_then_first_with_find_safely(source: str, expected: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.severity is Severity.INFORMATION
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    assert _fix(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "r = hd(Enum.filter(xs, &(&1 > 1)))\n",
        "r = xs |> Enum.filter(&(&1 > 1)) |> hd()\n",
        "r = xs |> Enum.filter(&(&1 > 1)) |> hd\n",
        "r = Enum.filter(xs, &(&1 > 1)) |> Kernel.hd()\n",
    ],
)
def test_the_fix_for_hd_is_unsafe_because_hd_raises_on_no_match(source: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    assert "raised" in finding.fix.message
    assert fixed(source, CODE) == source
    assert "Enum.find(" in _fix(source, unsafe=True)


@pytest.mark.parametrize(
    "predicate",
    ["&active?/1", "fn u -> Repo.exists?(u) end", "pred", "&(log(&1) && &1.ok)"],
)
def test_the_fix_is_unsafe_when_the_function_may_have_side_effects(predicate: str) -> None:
    source = f"r = Enum.filter(users, {predicate}) |> List.first()\n"
    [finding] = findings(source, CODE)
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    assert "after the first match" in finding.fix.message


def test_a_default_with_side_effects_makes_the_fix_unsafe() -> None:
    source = "r = Enum.at(Enum.filter(xs, &(&1 > 1)), 0, compute())\n"
    [finding] = findings(source, CODE)
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert _fix(source, unsafe=True) == "r = Enum.find(xs, compute(), &(&1 > 1))\n"


def test_a_parenthesised_filter_is_rewritten_whole() -> None:
    source = "r = (xs |> Enum.filter(&(&1 > 1))) |> List.first()\n"
    assert _fix(source, unsafe=True) == "r = Enum.find(xs, &(&1 > 1))\n"


def test_a_comment_between_the_steps_makes_the_fix_unsafe() -> None:
    source = "r =\n  xs\n  |> Enum.filter(&(&1 > 1))\n  # the first\n  |> List.first()\n"
    [finding] = findings(source, CODE)
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE


def test_underlines_the_two_steps() -> None:
    source = "r = xs |> Enum.sort() |> Enum.filter(f) |> List.first()\n"
    [finding] = findings(source, CODE)
    assert source[finding.start : finding.end] == "Enum.filter(f) |> List.first()"


@pytest.mark.parametrize(
    "source",
    [
        "r = xs |> Enum.filter(f) |> Enum.at(1)\n",
        "r = xs |> Enum.filter(f) |> Enum.at(i)\n",
        "r = xs |> Enum.filter(f) |> List.last()\n",
        "r = xs |> Enum.reject(f) |> List.first()\n",
        "r = xs |> Enum.map(f) |> List.first()\n",
        "r = xs |> Enum.sort() |> hd()\n",
        "r = List.first(xs)\n",
        "r = hd(filtered)\n",
        "r = Enum.find(xs, f)\n",
    ],
)
def test_does_not_report_other_pipelines(source: str) -> None:
    assert findings(source, CODE) == []


def test_a_plain_variable_might_be_a_lazy_stream_so_the_fix_is_unsafe() -> None:
    source = "r = xs |> Enum.filter(&(&1 > 1)) |> List.first()\n"
    [finding] = findings(source, CODE)
    assert finding.fix is not None and not finding.fix.is_safe
    assert "lazy stream" in finding.fix.message
    assert fixed(source, CODE, unsafe=True) == "r = xs |> Enum.find(&(&1 > 1))\n"
