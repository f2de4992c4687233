"""EP505 list-membership-in-loop: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp.engine.model import Severity
from tests.helpers import findings

CODE = "EP505"


def in_filter(test: str, params: str = "items, allowed", before: str = "") -> str:
    return f"def f({params}) do\n{before}  Enum.filter(items, fn item -> {test} end)\nend\n"


@pytest.mark.parametrize(
    "test",
    [
        "item.id in allowed",
        "item.id not in allowed",
        "Enum.member?(allowed, item.id)",
        "allowed |> Enum.member?(item.id)",
        "not (item.id in allowed)",
    ],
)
def test_reports_membership_in_a_parameter_inside_a_loop(test: str) -> None:
    [finding] = findings(in_filter(test), CODE)
    assert finding.severity is Severity.INFORMATION
    assert "scans the list `allowed` on every iteration of `Enum.filter`" in finding.message
    assert "MapSet.new(allowed)" in finding.message
    assert finding.fix is None


def test_reports_a_field_of_an_outer_variable() -> None:
    assert len(findings(in_filter("item.id in opts.ids", "items, opts"), CODE)) == 1


def test_reports_a_list_built_at_run_time_before_the_loop() -> None:
    for value in ("Enum.map(rows, & &1.id)", "Map.keys(index)", 'String.split(s, ",")'):
        source = in_filter("item.id in allowed", "items, rows, index, s", f"  allowed = {value}\n")
        assert len(findings(source, CODE)) == 1, value


@pytest.mark.parametrize(
    "test",
    [
        "item in [:a, :b, :c]",
        "item in @allowed",
        "item in 1..10",
        "item.id in item.allowed",
        "item in ~w(a b c)a",
        "Enum.member?(@allowed, item)",
        "item in load()",
    ],
)
def test_does_not_report_literals_attributes_ranges_or_loop_bound_lists(test: str) -> None:
    assert findings(in_filter(test), CODE) == []


@pytest.mark.parametrize(
    "value",
    [
        "[:a, :b]",
        "1..n",
        "~w(x y)",
        "MapSet.new(ids)",
        "Map.new(ids, &{&1, true})",
        "%{a: 1}",
        "ids |> MapSet.new()",
        "Enum.into(ids, MapSet.new())",
        "for i <- ids, into: %{}, do: {i, true}",
    ],
)
def test_does_not_report_variables_bound_to_literals_sets_maps_or_ranges(value: str) -> None:
    source = in_filter("item in allowed", "items, ids, n", f"  allowed = {value}\n")
    assert findings(source, CODE) == [], value


def test_reports_variables_bound_to_lists_built_by_into_a_list_or_for() -> None:
    for value in ("Enum.into(ids, [])", "for i <- ids, do: i * 2"):
        source = in_filter("item in allowed", "items, ids", f"  allowed = {value}\n")
        assert len(findings(source, CODE)) == 1, value


def test_does_not_report_outside_a_loop_or_in_a_guard() -> None:
    assert findings("def f(x, allowed), do: x in allowed\n", CODE) == []
    source = "def f(items, a) do\n  Enum.map(items, fn x when x in [1, 2] -> x end)\nend\n"
    assert findings(source, CODE) == []


def test_does_not_report_a_rescue_clause_inside_a_loop() -> None:
    source = (
        "def f(items, errors) do\n"
        "  Enum.map(items, fn item ->\n"
        "    try do\n"
        "      run(item)\n"
        "    rescue\n"
        "      e in errors -> e\n"
        "    end\n"
        "  end)\n"
        "end\n"
    )
    assert findings(source, CODE) == []


def test_does_not_report_a_list_rebound_inside_the_loop() -> None:
    source = (
        "def f(items, list) do\n"
        "  Enum.map(items, fn item ->\n"
        "    list = item.children\n"
        "    Enum.member?(list, item.id)\n"
        "  end)\n"
        "end\n"
    )
    assert findings(source, CODE) == []


def test_reports_an_outer_loop_list_tested_in_an_inner_loop() -> None:
    source = (
        "def f(posts) do\n"
        "  Enum.map(posts, fn post ->\n"
        "    tag_ids = Enum.map(post.tags, & &1.id)\n"
        "    Enum.filter(post.related, fn r -> r.tag_id in tag_ids end)\n"
        "  end)\n"
        "end\n"
    )
    [finding] = findings(source, CODE)
    assert "`tag_ids`" in finding.message


def test_reports_in_recursion_only_when_the_list_is_passed_back_unchanged() -> None:
    same = (
        "defmodule M do\n"
        "  defp keep([h | t], allowed) do\n"
        "    if h in allowed, do: [h | keep(t, allowed)], else: keep(t, allowed)\n"
        "  end\n"
        "end\n"
    )
    assert len(findings(same, CODE)) == 1
    grows = same.replace("[h | keep(t, allowed)]", "[h | keep(t, [h | allowed])]")
    assert findings(grows, CODE) == []


@pytest.mark.parametrize("name", ["set", "allowed_set", "id_map", "users_by_id", "index", "lookup"])
def test_does_not_report_variables_named_like_sets_or_maps(name: str) -> None:
    assert findings(in_filter(f"item in {name}", f"items, {name}"), CODE) == []
