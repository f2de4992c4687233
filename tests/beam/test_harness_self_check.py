"""The harness must catch what it is there to catch: hand-made wrong fixes.

Each case pairs an original with a deliberately non-equivalent "fix"; the
verdict must say so. One extra `elixir` run (a few seconds).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .cases import Case, Report, judge, run_harness

pytestmark = pytest.mark.beam


def _case(name: str, expect: str, before: str, after: str, *inputs: str) -> Case:
    return Case(f"self:{name}", "EP000", "fixture", expect, before, after, inputs=inputs)


_SHADOWED = """defmodule Text do
  import Kernel, except: [length: 1]
  def length(s) when is_binary(s), do: String.length(s)
  def blank?(s), do: {test}
end
"""
_DSL = """defmodule Filters do
  defmacro expr(ast), do: Macro.to_string(ast)
end

defmodule Use do
  import Filters
  def tagged, do: expr({test})
end
"""

CASES = {
    "wrong_value": _case("wrong_value", "safe", "Enum.sort(xs)\n", "Enum.reverse(xs)\n"),
    "stdout_order": _case(
        "stdout_order", "safe", "IO.puts(a)\nIO.puts(b)\n", "IO.puts(b)\nIO.puts(a)\n"
    ),
    "file_bytes": _case(
        "file_bytes",
        "safe",
        'File.write!("out.txt", a)\nFile.write!("out.txt", b, [:append])\n',
        'File.write!("out.txt", [b, a])\n',
        '[["x", "y"]]',
    ),
    "stub_calls": _case(
        "stub_calls",
        "safe",
        "Enum.each(xs, &notify/1)\n",
        "Enum.each(Enum.reverse(xs), &notify/1)\n",
    ),
    "raise_only": _case("raise_only", "safe", "length(xs) == 0\n", "xs == []\n"),
    "unsafe_without_witness": _case(
        "unsafe_without_witness", "unsafe", "Enum.map(xs, & &1)\n", "Enum.to_list(xs)\n"
    ),
    "def_clauses": _case(
        "def_clauses",
        "safe",
        "def f(x) when is_integer(x), do: x\ndef f(_), do: :other\n",
        "def f(x) when is_number(x), do: x\ndef f(_), do: :other\n",
    ),
    "free_variable_order": _case("free_variable_order", "safe", "b - a\n", "b + -a\n", "[[1, 10]]"),
    # What 0.1.0's EP102 did where `length/1` is not Kernel's (issue 13): caught on
    # the BEAM, and the engine now offers no fix there (fixtures/ep102_*.exs).
    "shadowed_length": _case(
        "shadowed_length",
        "safe",
        _SHADOWED.format(test="length(s) == 0"),
        _SHADOWED.format(test="s == []"),
        '[[""], ["abc"]]',
    ),
    "dsl_length": _case(
        "dsl_length",
        "safe",
        _DSL.format(test="length(tags) > 0"),
        _DSL.format(test="tags != []"),
    ),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    if shutil.which("elixir") is None:
        pytest.skip("`elixir` is not on PATH")
    return run_harness(list(CASES.values()), Path(tmp_path_factory.mktemp("self")))


@pytest.mark.parametrize(
    "name",
    [
        "wrong_value",
        "stdout_order",
        "file_bytes",
        "stub_calls",
        "def_clauses",
        "shadowed_length",
        "dsl_length",
    ],
)
def test_a_changed_behaviour_fails_a_safe_fix(report: Report, name: str) -> None:
    verdict = judge(CASES[name], report)
    assert verdict.outcome == "fail", verdict
    assert "accepts without raising" in verdict.message


def test_differences_only_where_the_original_raises_are_allowed(report: Report) -> None:
    verdict = judge(CASES["raise_only"], report)
    assert verdict.outcome == "pass", verdict
    assert "where the original raises" in verdict.message  # but reported


def test_an_unsafe_label_needs_a_witness(report: Report) -> None:
    verdict = judge(CASES["unsafe_without_witness"], report)
    assert verdict.outcome == "fail", verdict


def test_free_variables_are_parameters_in_order_of_appearance(report: Report) -> None:
    row = report.results["self:free_variable_order"]
    assert row["vars"] == ["b", "a"]
    assert judge(CASES["free_variable_order"], report).outcome == "pass"
