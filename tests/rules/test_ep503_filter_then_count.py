"""EP503 filter-then-count: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp import syntax
from elixir_perf_lsp.engine.model import Applicability, Severity
from tests.helpers import findings, fixed

CODE = "EP503"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("n = xs |> Enum.filter(&valid?/1) |> Enum.count()\n", "n = xs |> Enum.count(&valid?/1)\n"),
        ("n = xs |> Enum.filter(&valid?/1) |> Enum.count\n", "n = xs |> Enum.count(&valid?/1)\n"),
        ("n = xs |> Enum.filter(&valid?/1) |> length()\n", "n = xs |> Enum.count(&valid?/1)\n"),
        ("n = xs |> Enum.filter(&valid?/1) |> length\n", "n = xs |> Enum.count(&valid?/1)\n"),
        ("n = length(Enum.filter(xs, &valid?/1))\n", "n = Enum.count(xs, &valid?/1)\n"),
        ("n = Kernel.length(Enum.filter(xs, &valid?/1))\n", "n = Enum.count(xs, &valid?/1)\n"),
        ("n = Enum.count(Enum.filter(xs, &valid?/1))\n", "n = Enum.count(xs, &valid?/1)\n"),
        ("n = Enum.filter(xs, &valid?/1) |> length()\n", "n = Enum.count(xs, &valid?/1)\n"),
        (
            "n = load() |> Enum.filter(fn x -> x.ok end) |> Enum.count() |> Kernel.+(1)\n",
            "n = load() |> Enum.count(fn x -> x.ok end) |> Kernel.+(1)\n",
        ),
        (
            "n =\n  xs\n  |> Enum.filter(fn\n    {:ok, _} -> true\n    _ -> false\n  end)\n  |> length()\n",
            "n =\n  xs\n  |> Enum.count(fn\n    {:ok, _} -> true\n    _ -> false\n  end)\n",
        ),
    ],
)
def test_replaces_filter_then_count_with_count_2_safely(source: str, expected: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.severity is Severity.HINT
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    result = fixed(source, CODE)
    assert result == expected
    assert not syntax.parse(result.encode()).root_node.has_error


def test_the_fix_is_safe_even_when_the_function_has_side_effects() -> None:
    # Enum.count/2 calls it on the same elements, in the same order.
    [finding] = findings("n = Enum.filter(xs, &log_and_check/1) |> Enum.count()\n", CODE)
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE


def test_a_comment_between_the_steps_makes_the_fix_unsafe() -> None:
    source = "n =\n  xs\n  |> Enum.filter(&valid?/1)\n  # how many\n  |> Enum.count()\n"
    [finding] = findings(source, CODE)
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE


@pytest.mark.parametrize(
    "source",
    [
        "n = xs |> Enum.filter(f) |> Enum.count(g)\n",
        "n = xs |> Enum.map(f) |> Enum.count()\n",
        "n = xs |> Enum.reject(f) |> length()\n",
        "n = length(xs)\n",
        "n = Enum.count(xs, f)\n",
        "n = Enum.filter(xs, f) |> Enum.sum()\n",
        "n = Enum.filter(xs, f) |> String.length()\n",
    ],
)
def test_does_not_report_other_pipelines(source: str) -> None:
    assert findings(source, CODE) == []
