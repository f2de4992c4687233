"""EP507 loop-invariant-traversal: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp.engine.model import Applicability
from tests.helpers import findings, fixed

CODE = "EP507"


def in_map(expr: str, params: str = "items, names", before: str = "", over: str = "names") -> str:
    return f"def f({params}) do\n{before}  Enum.map({over}, fn item -> {{item, {expr}}} end)\nend\n"


@pytest.mark.parametrize(
    "expr",
    [
        "length(names)",
        "names |> length()",
        "Enum.count(names)",
        "Enum.sum(names)",
        "Enum.max(names)",
        "Enum.sort(names)",
        "List.last(names)",
        "Map.keys(names)",
        "String.length(names)",
        "Enum.count(item.opts.names)",
    ],
)
def test_reports_a_traversal_of_an_outer_value(expr: str) -> None:
    over = "opts.names" if "opts" in expr else "names"
    source = in_map(expr.replace("item.opts.names", "opts.names"), "items, names, opts", over=over)
    [finding] = findings(source, CODE)
    assert "on every iteration of `Enum.map`" in finding.message


@pytest.mark.parametrize(
    "expr",
    [
        "length(item.tags)",  # per element
        "length(@names)",  # fixed by the source
        "length([1, 2, 3])",
        "Enum.count(names, & &1)",  # another function
        "Enum.count(names_by_id)",  # a map: O(1)
        "Enum.count(1..n)",
        "Map.has_key?(names, item)",
    ],
)
def test_does_not_report_per_element_small_or_cheap_values(expr: str) -> None:
    assert findings(in_map(expr, "items, names, n, names_by_id"), CODE) == []


def test_does_not_report_a_value_rebound_inside_the_loop() -> None:
    source = (
        "def f(items, names) do\n"
        "  Enum.reduce(items, names, fn item, names -> [item | names] ++ [length(names)] end)\n"
        "end\n"
    )
    assert findings(source, CODE) == []


def test_does_not_report_in_guards_or_map_keys_membership() -> None:
    guard = "def f(all) do\n  Enum.filter(all, fn x when length(all) > 3 -> x end)\nend\n"
    member = in_map("item in Map.keys(names)")
    member2 = in_map("Enum.member?(Map.keys(names), item)")
    assert findings(guard, CODE) == findings(member, CODE) == findings(member2, CODE) == []


def test_does_not_report_a_local_length() -> None:
    source = "defmodule M do\n  def length(_), do: 0\n" + in_map("length(names)") + "end\n"
    assert findings(source, CODE) == []


def test_does_not_report_loops_over_a_few_literal_items() -> None:
    assert findings(in_map("length(names)", over="[:a, :b]"), CODE) == []


def test_reports_a_parameter_passed_back_unchanged_by_a_recursion_without_fix() -> None:
    source = (
        "defp walk([x | rest], all), do: [x * length(all) | walk(rest, all)]\n"
        "defp walk([], _all), do: []\n"
    )
    [finding] = findings(source, CODE)
    assert "in the caller" in finding.message
    assert finding.fix is None
    changing = source.replace("walk(rest, all)", "walk(rest, tl(all))")
    assert findings(changing, CODE) == []


def test_no_fix_without_a_statement_to_insert_above() -> None:
    [finding] = findings("def f(names), do: Enum.map(names, &{&1, length(names)})\n", CODE)
    assert finding.fix is None


def test_hoists_above_the_statement_holding_the_loop_with_a_fresh_name() -> None:
    source = (
        "def f(items, names) do\n"
        "  names_length = 1\n"
        "  result =\n"
        "    names\n"
        "    |> Enum.map(fn i -> i + length(names) end)\n"
        "  {result, names_length}\n"
        "end\n"
    )
    assert fixed(source, CODE, unsafe=True) == (
        "def f(items, names) do\n"
        "  names_length = 1\n"
        "  names_length2 = length(names)\n"
        "  result =\n"
        "    names\n"
        "    |> Enum.map(fn i -> i + names_length2 end)\n"
        "  {result, names_length}\n"
        "end\n"
    )


def test_no_fix_when_the_value_is_bound_in_the_same_statement() -> None:
    source = (
        "def f(items) do\n  with names <- load(), do: Enum.map(names, &{&1, length(names)})\nend\n"
    )
    [finding] = findings(source, CODE)
    assert finding.fix is None


@pytest.mark.parametrize(
    ("binding", "call", "safe"),
    [
        ("names = Enum.map(rows, & &1.name)", "length(names)", True),
        ("names = rows |> Enum.filter(& &1.ok)", "Enum.count(names)", True),
        ("names = Map.new(rows)", "Map.keys(names)", True),
        ("names = Enum.map(rows, & &1.n)", "Enum.sum(names)", False),  # may raise
        ("names = Enum.map(rows, & &1.n)", "Enum.max(names)", False),  # raises on []
        ("names = load(rows)", "length(names)", False),  # type unknown
        ("names = Stream.map(rows, & &1)", "Enum.count(names)", False),  # lazy
    ],
)
def test_fix_is_safe_only_when_the_call_is_total_on_the_value(
    binding: str, call: str, safe: bool
) -> None:
    source = in_map(call, "items, rows", f"  {binding}\n")
    [finding] = findings(source, CODE)
    assert finding.fix is not None
    expected = Applicability.SAFE if safe else Applicability.UNSAFE
    assert finding.fix.applicability is expected


def test_does_not_report_recursions_that_walk_nothing() -> None:
    retry = (
        "defp prompt(question, choices) do\n"
        "  count = length(choices)\n"
        "  if valid?(count), do: :ok, else: prompt(question, choices)\n"
        "end\n"
    )
    assert findings(retry, CODE) == []


def test_another_arity_is_another_function_not_a_recursion() -> None:
    source = (
        "defp wrap(params, ix), do: wrap(params, length(params) - ix, [])\n"
        "defp wrap([p | ps], n, acc), do: wrap(ps, n - 1, [p | acc])\n"
        "defp wrap([], _, acc), do: acc\n"
    )
    assert findings(source, CODE) == []


def test_hoists_above_every_nested_loop_that_leaves_the_value_unchanged() -> None:
    source = (
        "def f(names) do\n"
        "  Enum.flat_map(names, fn r ->\n"
        "    Enum.map(names, fn c -> {r, c, length(names)} end)\n"
        "  end)\n"
        "end\n"
    )
    assert fixed(source, CODE, unsafe=True) == (
        "def f(names) do\n"
        "  names_length = length(names)\n"
        "  Enum.flat_map(names, fn r ->\n"
        "    Enum.map(names, fn c -> {r, c, names_length} end)\n"
        "  end)\n"
        "end\n"
    )


@pytest.mark.parametrize(
    "test", ["length(names) == 0", "Enum.count(names) > 1", "String.length(names) == 0"]
)
def test_leaves_small_size_tests_to_ep102_and_ep802(test: str) -> None:
    assert findings(in_map(test), CODE) == []
    assert len(findings(in_map("length(names) > 100"), CODE)) == 1


def test_does_not_report_clauses_picked_by_an_option_tag() -> None:
    source = (
        "def validate(value) do\n"
        "  Enum.reduce(String.graphemes(value), [], fn\n"
        "    {:max_length, max}, errors -> if String.length(value) > max, do: [:long | errors], else: errors\n"
        "    _, errors -> errors\n"
        "  end)\n"
        "end\n"
    )
    assert findings(source, CODE) == []
    untagged = source.replace("{:max_length, max}", "{_name, max}")
    assert len(findings(untagged, CODE)) == 1
