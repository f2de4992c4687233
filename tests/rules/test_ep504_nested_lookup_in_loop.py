"""EP504 nested-lookup-in-loop: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp import syntax
from elixir_perf_lsp.engine.model import Applicability, Severity
from tests.helpers import findings, fixed

CODE = "EP504"


def in_map(call: str, params: str = "users, departments") -> str:
    return f"def f({params}) do\n  Enum.map(users, fn user ->\n    {call}\n  end)\nend\n"


def test_reports_find_over_a_parameter_inside_enum_map() -> None:
    [finding] = findings(in_map("Enum.find(departments, fn d -> d.id == user.dept_id end)"), CODE)
    assert finding.severity is Severity.WARNING
    assert "scans all of `departments` on every iteration of `Enum.map`" in finding.message
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE


@pytest.mark.parametrize(
    "call",
    [
        "Enum.find(departments, fn d -> user.dept_id == d.id end)",
        "Enum.find(departments, &(&1.id == user.dept_id))",
        "Enum.find(departments, &(user.dept_id === &1.id))",
        "Enum.find_value(departments, fn d -> d.id == user.dept_id && d.name end)",
        "Enum.find_value(departments, fn d -> if d.id == user.dept_id, do: d.name end)",
        "Enum.find_index(departments, &(&1.id == user.dept_id))",
        "Enum.filter(departments, &(&1.owner_id == user.id))",
        "Enum.any?(departments, fn d -> d.id == user.dept_id and d.active end)",
        "Enum.count(departments, &(&1.owner_id == user.id))",
        "Enum.all?(departments, &(&1.id != user.dept_id))",
        "Enum.find(departments, fn {id, _name} -> id == user.dept_id end)",
        "Enum.find(departments, &(String.downcase(&1.name) == user.dept))",
        "departments |> Enum.find(&(&1.id == user.dept_id))",
    ],
)
def test_reports_every_keyed_search_shape(call: str) -> None:
    assert len(findings(in_map(call), CODE)) == 1


@pytest.mark.parametrize(
    "call",
    [
        # the collection is bound by the loop
        "Enum.find(user.roles, &(&1.name == :admin))",
        # the predicate is not a key comparison
        "Enum.find(departments, &String.starts_with?(&1.name, user.prefix))",
        "Enum.all?(departments, &Map.has_key?(user, &1))",
        "Enum.any?(departments, &(&1.size > user.size))",
        "Enum.all?(departments, &(&1.id == user.dept_id))",
        # both sides depend on the element
        "Enum.find(departments, &(&1.id == &1.parent_id))",
        # the element side also reads the loop variable: not a key of the element
        "Enum.filter(departments, fn d -> Date.compare(d.date, user.date) == :eq end)",
        # reject keeps almost everything: nothing to index
        "Enum.reject(departments, &(&1.id == user.dept_id))",
        # member?/in belong to EP505
        "Enum.member?(departments, user.dept)",
        # module attributes and calls are not runtime invariant collections
        "Enum.find(@departments, &(&1.id == user.dept_id))",
        "Enum.find(load(), &(&1.id == user.dept_id))",
        # multi-clause functions are not understood
        "Enum.find(departments, fn %{id: id} when id > 0 -> id == user.dept_id; _ -> false end)",
    ],
)
def test_does_not_report_shapes_that_are_not_nested_lookups(call: str) -> None:
    assert findings(in_map(call), CODE) == []


def test_does_not_report_a_collection_rebound_inside_the_loop() -> None:
    source = in_map(
        "departments = user.departments\n    Enum.find(departments, &(&1.id == user.dept_id))"
    )
    assert findings(source, CODE) == []


def test_does_not_report_a_collection_bound_to_a_literal_list_or_range() -> None:
    for value in ("[%{id: 1}, %{id: 2}]", "1..10", "~w(a b c)a"):
        source = (
            f"def f(users) do\n  departments = {value}\n"
            "  Enum.map(users, fn user -> Enum.find(departments, &(&1 == user.dept_id)) end)\nend\n"
        )
        assert findings(source, CODE) == [], value


def test_does_not_report_a_lookup_outside_any_loop() -> None:
    assert findings("def f(ds, id), do: Enum.find(ds, &(&1.id == id))\n", CODE) == []


def test_reports_a_for_comprehension_and_a_reduce() -> None:
    source = (
        "def f(users, ds) do\n"
        "  for user <- users do\n"
        "    Enum.find(ds, &(&1.id == user.dept_id))\n"
        "  end\n"
        "  Enum.reduce(users, 0, fn user, acc -> acc + Enum.count(ds, &(&1.id == user.id)) end)\n"
        "end\n"
    )
    assert len(findings(source, CODE)) == 2


def test_reports_recursion_that_passes_the_collection_back_unchanged() -> None:
    source = (
        "defmodule M do\n"
        "  defp attach([], _ds), do: []\n"
        "  defp attach([u | rest], ds) do\n"
        "    [Enum.find(ds, &(&1.id == u.dept_id)) | attach(rest, ds)]\n"
        "  end\n"
        "end\n"
    )
    [finding] = findings(source, CODE)
    assert "the recursive `attach/2`" in finding.message
    assert finding.fix is None


def test_does_not_report_recursion_that_changes_the_collection() -> None:
    source = (
        "defmodule M do\n"
        "  defp walk([u | rest], seen) do\n"
        "    [Enum.find(seen, &(&1.id == u.id)) | walk(rest, [u | seen])]\n"
        "  end\n"
        "end\n"
    )
    assert findings(source, CODE) == []


def test_reports_an_outer_loop_variable_searched_in_an_inner_loop() -> None:
    source = (
        "def f(orgs) do\n"
        "  Enum.map(orgs, fn org ->\n"
        "    Enum.map(org.users, fn u -> Enum.find(org.depts, &(&1.id == u.dept_id)) end)\n"
        "  end)\n"
        "end\n"
    )
    [finding] = findings(source, CODE)
    assert "`org.depts`" in finding.message


def test_says_to_hoist_when_the_key_does_not_change_either() -> None:
    [finding] = findings(in_map("Enum.filter(departments, &(&1.kind == :sales))"), CODE)
    assert "same result on every iteration" in finding.message
    assert finding.fix is None


def test_does_not_say_same_result_when_another_conjunct_varies() -> None:
    call = "Enum.filter(departments, &(&1.kind == :sales and &1.owner_id == user.id))"
    [finding] = findings(in_map(call), CODE)
    assert "scans all of `departments`" in finding.message
    call = "Enum.find(departments, fn d -> d.kind == :sales and d.owner_id == user.id end)"
    [finding] = findings(in_map(call), CODE)
    assert "scans all of `departments`" in finding.message


def test_the_fix_keeps_the_first_match_and_indents_like_the_loop() -> None:
    source = (
        "defmodule M do\n"
        "  def f(users, departments) do\n"
        "    result =\n"
        "      Enum.map(users, fn user ->\n"
        "        Enum.find(departments, fn d -> d.id == user.dept_id end)\n"
        "      end)\n"
        "    result\n"
        "  end\n"
        "end\n"
    )
    expected = (
        "defmodule M do\n"
        "  def f(users, departments) do\n"
        "    departments_by_id = departments |> Enum.reverse() |> Map.new(&{&1.id, &1})\n"
        "    result =\n"
        "      Enum.map(users, fn user ->\n"
        "        Map.get(departments_by_id, user.dept_id)\n"
        "      end)\n"
        "    result\n"
        "  end\n"
        "end\n"
    )
    assert fixed(source, CODE, unsafe=True) == expected
    assert fixed(source, CODE, unsafe=False) == source


def test_the_fix_replaces_a_piped_search_and_names_after_the_last_field() -> None:
    source = (
        "def f(users, org) do\n"
        "  Enum.map(users, fn user ->\n"
        "    org.departments |> Enum.find(&(&1.code === user.dept))\n"
        "  end)\n"
        "end\n"
    )
    result = fixed(source, CODE, unsafe=True)
    assert "departments_by_code = org.departments |> Enum.reverse()" in result
    assert "Map.get(departments_by_code, user.dept)" in result
    assert not syntax.parse(result.encode()).root_node.has_error


@pytest.mark.parametrize(
    "source",
    [
        # the loop shares a line with something else
        "def f(users, ds), do: Enum.map(users, fn u -> Enum.find(ds, &(&1.id == u.d)) end)\n",
        # the name is taken
        "def f(users, ds) do\n  ds_by_id = 1\n  Enum.map(users, fn u -> Enum.find(ds, &(&1.id == u.d)) end)\nend\n",
        # the key is a call
        "def f(users, ds) do\n  Enum.map(users, fn u -> Enum.find(ds, &(&1.id == key(u))) end)\nend\n",
        # the element side is not a field
        "def f(users, ds) do\n  Enum.map(users, fn u -> Enum.find(ds, &(elem(&1, 0) == u.d)) end)\nend\n",
        # part of a conjunction
        "def f(users, ds) do\n  Enum.map(users, fn u -> Enum.find(ds, &(&1.id == u.d and &1.on)) end)\nend\n",
        # the collection is bound inside the statement holding the loop
        "def f(users) do\n  if ds = load(),\n    do: Enum.map(users, fn u -> Enum.find(ds, &(&1.id == u.d)) end)\nend\n",
    ],
)
def test_reports_without_a_fix_when_the_fix_is_not_simple(source: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is None


def test_reports_a_lookup_in_a_for_keyword_body() -> None:
    source = "def f(us, ds) do\n  for u <- us, do: Enum.find(ds, &(&1.id == u.d))\nend\n"
    assert [f.code for f in findings(source, CODE)] == [CODE]


def test_the_fix_goes_inside_the_block_that_binds_the_collection() -> None:
    source = (
        "def f(users) do\n"
        "  with {:ok, ds} <- load() do\n"
        "    Enum.map(users, fn u -> Enum.find(ds, &(&1.id == u.d)) end)\n"
        "  end\n"
        "end\n"
    )
    expected = (
        "def f(users) do\n"
        "  with {:ok, ds} <- load() do\n"
        "    ds_by_id = ds |> Enum.reverse() |> Map.new(&{&1.id, &1})\n"
        "    Enum.map(users, fn u -> Map.get(ds_by_id, u.d) end)\n"
        "  end\n"
        "end\n"
    )
    assert fixed(source, CODE, unsafe=True) == expected


def test_two_searches_of_the_same_collection_share_one_map() -> None:
    source = (
        "def f(users, ds) do\n"
        "  Enum.map(users, fn u ->\n"
        "    {Enum.find(ds, &(&1.id == u.a)), Enum.find(ds, &(&1.id == u.b))}\n"
        "  end)\n"
        "end\n"
    )
    expected = (
        "def f(users, ds) do\n"
        "  ds_by_id = ds |> Enum.reverse() |> Map.new(&{&1.id, &1})\n"
        "  Enum.map(users, fn u ->\n"
        "    {Map.get(ds_by_id, u.a), Map.get(ds_by_id, u.b)}\n"
        "  end)\n"
        "end\n"
    )
    assert fixed(source, CODE, unsafe=True) == expected


def test_does_not_reuse_a_name_that_is_bound_to_something_else() -> None:
    source = (
        "def f(users, ds) do\n"
        "  ds_by_id = ds |> Enum.reverse() |> Map.new(&{&1.id, &1})\n"
        "  ds_by_id = Map.delete(ds_by_id, 1)\n"
        "  Enum.map(users, fn u -> Enum.find(ds, &(&1.id == u.a)) end)\n"
        "end\n"
    )
    [finding] = findings(source, CODE)
    assert finding.fix is None


def test_does_not_reuse_a_map_built_before_the_collection_was_rebound() -> None:
    source = (
        "def f(users, ds) do\n"
        "  ds_by_id = ds |> Enum.reverse() |> Map.new(&{&1.id, &1})\n"
        "  ds = Enum.drop(ds, 1)\n"
        "  Enum.map(users, fn u -> Enum.find(ds, &(&1.id == u.a)) end)\n"
        "  ds_by_id\n"
        "end\n"
    )
    [finding] = findings(source, CODE)
    assert finding.fix is None


# --- predicates that call a local key comparison (issue 16, item 8) ----------------

_LOOPS = {
    "find_capture": "Enum.map(users, fn user -> Enum.find(depts, &same?(&1, user)) end)",
    "any_fn": "Enum.filter(users, fn user -> Enum.any?(depts, fn d -> same?(d, user) end) end)",
    "filter_key_first": "Enum.map(users, fn user -> Enum.filter(depts, &same?(user, &1)) end)",
}


@pytest.mark.parametrize("loop", sorted(_LOOPS))
@pytest.mark.parametrize(
    "definition",
    [
        "defp same?(a, b), do: a.id == b.id\n",
        "defp same?(a, b), do: a.id == b.dept_id and a.kind == b.kind\n",
        "defp same?(a, b) do\n    a.id === b.id\n  end\n",
        "defp same?(%{id: id}, %{id: id}), do: true\n  defp same?(_, _), do: false\n",
    ],
)
def test_reports_a_predicate_that_calls_a_local_key_comparison(loop: str, definition: str) -> None:
    source = f"defmodule M do\n  def f(users, depts), do: {_LOOPS[loop]}\n  {definition}end\n"
    [finding] = findings(source, CODE)
    assert "scans all of `depts`" in finding.message
    assert finding.fix is None  # the key is behind a call: no rewrite


@pytest.mark.parametrize(
    "definition",
    [
        "defp same?(a, b), do: a.kind in b.kinds\n",  # membership, not a key
        "defp same?(a, b), do: a.at > b.at\n",  # an order, not a key
        "defp same?(a, b) when is_map(a), do: a.id == b.id\n",
        "defp same?(a, _b), do: a.id == 1\n",  # does not compare with the other argument
        "defp same?(%{id: id}, %{id: id}), do: true\n  defp same?(_, _), do: :maybe\n",
        "defp same?(a, b), do: a.id == b.id\n  defp same?(a, b, c), do: a == b or c\n",
    ],
)
def test_does_not_report_local_predicates_that_are_not_key_comparisons(definition: str) -> None:
    loop = "Enum.map(users, fn user -> Enum.find(depts, &same?(&1, user)) end)"
    source = f"defmodule M do\n  def f(users, depts), do: {loop}\n  {definition}end\n"
    found = findings(source, CODE)
    if "a, b, c" in definition:
        assert len(found) == 1  # another arity does not hide `same?/2`
    else:
        assert found == []


def test_does_not_report_a_local_predicate_given_the_element_twice() -> None:
    loop = "Enum.map(users, fn user -> Enum.find(depts, &same?(&1, &1)) end)"
    source = f"defmodule M do\n  def f(users, depts), do: {loop}\n  defp same?(a, b), do: a.id == b.id\nend\n"
    assert findings(source, CODE) == []
