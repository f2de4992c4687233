"""EP508 membership-in-map-keys: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp.engine.model import Applicability
from tests.helpers import findings, fixed

CODE = "EP508"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("ok = k in Map.keys(m)\n", "ok = Map.has_key?(m, k)\n"),
        ("ok = k in (m |> Map.keys())\n", "ok = Map.has_key?(m, k)\n"),
        ("ok = k not in Map.keys(m)\n", "ok = not Map.has_key?(m, k)\n"),
        ("ok = Map.keys(m) |> Enum.member?(k)\n", "ok = Map.has_key?(m, k)\n"),
        ("ok = m.sub |> Map.keys() |> Enum.member?(k)\n", "ok = m.sub |> Map.has_key?(k)\n"),
        ("ok = x.id in Map.keys(by_id) and ok\n", "ok = Map.has_key?(by_id, x.id) and ok\n"),
    ],
)
def test_rewrites_every_spelling_to_has_key(source: str, expected: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE
    assert fixed(source, CODE) == expected


def test_order_of_evaluation_makes_the_fix_unsafe_only_when_both_sides_may_act() -> None:
    [both] = findings("ok = next(a) in Map.keys(load(b))\n", CODE)
    [one] = findings("ok = next(a) in Map.keys(m)\n", CODE)
    assert both.fix is not None and both.fix.applicability is Applicability.UNSAFE
    assert one.fix is not None and one.fix.applicability is Applicability.SAFE


@pytest.mark.parametrize(
    "source",
    [
        "ok = k in Map.values(m)\n",
        "ok = k in Keyword.keys(kw)\n",
        "ok = Enum.member?(Map.keys(m), k, :extra)\n",
        "ok = Map.has_key?(m, k)\n",
        "ok = k in keys\n",
    ],
)
def test_does_not_report_other_collections(source: str) -> None:
    assert findings(source, CODE) == []


def test_does_not_touch_rescue_clauses() -> None:
    source = "try do\n  run()\nrescue\n  e in [ArgumentError] -> e\nend\n"
    assert findings(source, CODE) == []
