"""EP801 dynamic-atom-creation: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp import syntax
from tests.helpers import findings, fixed

CODE = "EP801"


def unsafe_fix(source: str) -> str:
    result = fixed(source, CODE, unsafe=True)
    assert not syntax.parse(result.encode()).root_node.has_error
    return result


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f(s), do: String.to_atom(s)\n", "def f(s), do: String.to_existing_atom(s)\n"),
        ("def f(s), do: s |> String.to_atom()\n", "def f(s), do: s |> String.to_existing_atom()\n"),
        (
            'def f(s), do: String.to_atom("prefix_" <> s)\n',
            'def f(s), do: String.to_existing_atom("prefix_" <> s)\n',
        ),
        (
            'def f(s), do: String.to_atom("#{s}_id")\n',
            'def f(s), do: String.to_existing_atom("#{s}_id")\n',
        ),
        ("def f(c), do: List.to_atom(c)\n", "def f(c), do: List.to_existing_atom(c)\n"),
        (
            "def f(c), do: :erlang.list_to_atom(c)\n",
            "def f(c), do: :erlang.list_to_existing_atom(c)\n",
        ),
        (
            "def f(b), do: :erlang.binary_to_atom(b)\n",
            "def f(b), do: :erlang.binary_to_existing_atom(b)\n",
        ),
        (
            "def f(xs), do: Enum.map(xs, &String.to_atom/1)\n",
            "def f(xs), do: Enum.map(xs, &String.to_existing_atom/1)\n",
        ),
        (
            "def f(xs), do: Enum.map(xs, &String.to_atom(&1))\n",
            "def f(xs), do: Enum.map(xs, &String.to_existing_atom(&1))\n",
        ),
        (
            'def f(x), do: :"user_#{x}"\n',
            'def f(x), do: String.to_existing_atom("user_#{x}")\n',
        ),
        # a script's top level runs at run time
        (
            "System.argv() |> Enum.map(&String.to_atom/1)\n",
            "System.argv() |> Enum.map(&String.to_existing_atom/1)\n",
        ),
        # DSL macros whose blocks become functions
        (
            'defmodule R do\n  get "/s" do\n    String.to_atom(s)\n  end\nend\n',
            'defmodule R do\n  get "/s" do\n    String.to_existing_atom(s)\n  end\nend\n',
        ),
        (
            'defmodule T do\n  test "t" do\n    String.to_atom(s)\n  end\nend\n',
            'defmodule T do\n  test "t" do\n    String.to_existing_atom(s)\n  end\nend\n',
        ),
        # generated code runs where it is injected
        (
            "defmacro __using__(_) do\n"
            "  quote do\n"
            "    def cast(s), do: String.to_atom(s)\n"
            "  end\n"
            "end\n",
            "defmacro __using__(_) do\n"
            "  quote do\n"
            "    def cast(s), do: String.to_existing_atom(s)\n"
            "  end\n"
            "end\n",
        ),
    ],
)
def test_reports_runtime_atom_creation_with_an_unsafe_fix(source: str, expected: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is not None and not finding.fix.is_safe
    assert "never garbage-collected" in finding.message
    assert fixed(source, CODE) == source
    assert unsafe_fix(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        'def f(k, v), do: ["#{k}": v]\n',
        'def f(k), do: %{"#{k}": 1}\n',
        "def f(x), do: :'user_#{x}'\n",
    ],
)
def test_reports_interpolated_keys_and_single_quoted_atoms_without_a_fix(source: str) -> None:
    [finding] = findings(source, CODE)
    assert finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        # literals
        'def f, do: String.to_atom("ready")\n',
        "def f, do: String.to_atom(~s(ready))\n",
        'def f, do: String.to_atom("a" <> "b")\n',
        "def f, do: List.to_atom('ready')\n",
        'def f, do: List.to_atom(~c"ready")\n',
        'def f, do: :erlang.binary_to_atom("ready", :utf8)\n',
        "def f, do: String.to_atom(@name)\n",
        'def f, do: :"plain atom"\n',
        'def f, do: ["plain key": 1]\n',
        # already the safe variant
        "def f(s), do: String.to_existing_atom(s)\n",
        "def f(xs), do: Enum.map(xs, &String.to_existing_atom/1)\n",
        # compile time: attributes, module bodies, macro bodies outside quote, unquote
        "defmodule M do\n  @kinds Enum.map(~w(a b), &String.to_atom/1)\nend\n",
        "defmodule M do\n  for k <- ~w(a b) do\n    def unquote(String.to_atom(k))(), do: 1\n  end\nend\n",
        'defmodule M do\n  for k <- ~w(a b) do\n    def unquote(:"is_#{k}")(), do: 1\n  end\nend\n',
        "defmodule M do\n  names = Enum.map(~w(a b), &String.to_atom/1)\nend\n",
        "defmodule M do\n  if true do\n    @k String.to_atom(x)\n    def k, do: @k\n  end\nend\n",
        'defmodule S do\n  schema "t" do\n    field :k, values: Enum.map(~w(a b), &String.to_atom/1)\n  end\nend\n',
        "defmodule M do\n  for k <- ~w(a b) do\n    Module.put_attribute(__MODULE__, :k, String.to_atom(k))\n  end\nend\n",
        "defmacro m(name) do\n  atom = String.to_atom(name)\n  quote do: unquote(atom)\nend\n",
        "defmacro m(name) do\n  quote do\n    unquote(String.to_atom(name))\n  end\nend\n",
        # other modules' to_atom
        "def f(s), do: MyParser.to_atom(s)\n",
    ],
)
def test_does_not_report_literals_safe_variants_or_compile_time_code(source: str) -> None:
    assert findings(source, CODE) == []


def test_fixed_code_is_not_reported_again() -> None:
    source = "def f(s), do: String.to_atom(s)\n"
    assert findings(unsafe_fix(source), CODE) == []


@pytest.mark.parametrize(
    "source",
    [
        "def cast(k) when k in @allowed, do: String.to_atom(k)\n",
        "def cast(k, allowed), do: if(k in allowed, do: String.to_atom(k))\n",
        "def cast(k, ok) do\n  if k in ok do\n    String.to_atom(k)\n  end\nend\n",
    ],
)
def test_values_checked_against_known_values_are_not_reported(source: str) -> None:
    assert findings(source, CODE) == []


def test_the_else_branch_of_a_membership_check_is_still_reported() -> None:
    source = "def cast(k, ok), do: if(k in ok, do: :known, else: String.to_atom(k))\n"
    assert [f.code for f in findings(source, CODE)] == [CODE]


def test_client_input_is_left_to_ep803() -> None:
    source = 'def f(conn, _), do: String.to_atom(conn.params["s"])\n'
    assert findings(source, CODE) == []
    assert [f.code for f in findings(source, "EP803")] == ["EP803"]
