"""The shared pipeline reader: every spelling of a pipeline gives the same steps."""

from __future__ import annotations

import pytest

from elixir_perf_lsp import syntax
from elixir_perf_lsp.analysis.functions import (
    apply_function,
    element_name,
    fresh_name,
    read_function,
)
from elixir_perf_lsp.analysis.grouping import bare_call_fits, pipe_fits
from elixir_perf_lsp.analysis.nodes import descendants, text
from elixir_perf_lsp.analysis.pipelines import (
    consumer_step,
    matched_step,
    pair_edit,
    pair_span,
    pipeline,
    previous_step,
    step_of_call,
    step_query,
)
from elixir_perf_lsp.analysis.purity import looks_pure
from elixir_perf_lsp.engine.fixes import apply_edits
from elixir_perf_lsp.syntax import Node
from tests.helpers import findings


def _root(source: str) -> Node:
    tree = syntax.parse(source.encode())
    assert not tree.root_node.has_error
    return tree.root_node


def _expression(source: str) -> Node:
    root = _root(source)
    node = root.named_children[0]
    if node.type == "binary_operator" and text(node).startswith("r ="):
        right = node.child_by_field_name("right")
        assert right is not None
        return right
    return node


def _call(source: str, name: str) -> Node:
    for node in descendants(_root(source)):
        if node.type == "call" and text(node).startswith(name):
            return node
    raise AssertionError(f"no call {name}")


def _names(source: str) -> list[str]:
    return [f"{s.module}.{s.name}" if s.module else s.name for s in pipeline(_expression(source))]


@pytest.mark.parametrize(
    "source",
    [
        "xs |> Enum.filter(f) |> Enum.map(g)\n",
        "Enum.map(Enum.filter(xs, f), g)\n",
        "Enum.filter(xs, f) |> Enum.map(g)\n",
        "Enum.map(xs |> Enum.filter(f), g)\n",
        "xs\n|> Enum.filter(f)\n|> Enum.map(g)\n",
        "(xs |> Enum.filter(f)) |> Enum.map(g)\n",
    ],
)
def test_reads_every_spelling_as_the_same_two_steps(source: str) -> None:
    steps = pipeline(_expression(source))
    assert [(s.module, s.name, s.arity) for s in steps] == [
        ("Enum", "filter", 2),
        ("Enum", "map", 2),
    ]
    assert steps[0].input is not None and text(steps[0].input) == "xs"
    assert [text(a) for a in steps[0].args] == ["f"]
    assert [text(a) for a in steps[1].args] == ["g"]


def test_reads_a_pipeline_that_starts_with_a_call() -> None:
    assert _names("load() |> Enum.filter(f) |> Enum.map(g) |> Enum.sum()\n") == [
        "load",
        "Enum.filter",
        "Enum.map",
        "Enum.sum",
    ]


def test_reads_bare_function_names_after_a_pipe() -> None:
    assert _names("xs |> Enum.filter(f) |> hd\n") == ["Enum.filter", "hd"]
    assert _names("xs |> Enum.filter(f) |> Enum.count\n") == ["Enum.filter", "Enum.count"]


def test_a_call_piped_into_takes_its_input_from_the_pipe() -> None:
    source = "ys |> Enum.zip(xs)\n"
    step = step_of_call(_call(source, "Enum.zip"))
    assert step is not None and step.piped
    assert step.input is not None and text(step.input) == "ys"
    assert [text(a) for a in step.args] == ["xs"]
    assert step.arity == 2


def test_walks_back_and_forth_between_steps() -> None:
    source = "r = xs |> Enum.filter(f) |> Enum.map(g) |> Enum.sum()\n"
    mapped = step_of_call(_call(source, "Enum.map"))
    assert mapped is not None
    before = previous_step(mapped)
    after = consumer_step(mapped)
    assert before is not None and before.name == "filter"
    assert after is not None and after.name == "sum"
    assert consumer_step(after) is None


def test_a_second_argument_is_not_the_consumer() -> None:
    source = "r = ys |> Enum.zip(Enum.filter(xs, f))\n"
    filtered = step_of_call(_call(source, "Enum.filter"))
    assert filtered is not None
    assert consumer_step(filtered) is None


@pytest.mark.parametrize(
    ("source", "underlined", "rewritten"),
    [
        (
            "r = xs |> Enum.filter(f) |> List.first() |> g()\n",
            "Enum.filter(f) |> List.first()",
            "r = xs |> Enum.find(f) |> g()\n",
        ),
        (
            "r = List.first(Enum.filter(xs, f))\n",
            "List.first(Enum.filter(xs, f))",
            "r = Enum.find(xs, f)\n",
        ),
        (
            "r = Enum.filter(xs, f) |> List.first()\n",
            "Enum.filter(xs, f) |> List.first()",
            "r = Enum.find(xs, f)\n",
        ),
        (
            "r = (load() |> Enum.filter(f)) |> List.first()\n",
            "(load() |> Enum.filter(f)) |> List.first()",
            "r = Enum.find(load(), f)\n",
        ),
        (
            "r =\n  xs\n  |> Enum.filter(f)\n  |> List.first()\n  |> g()\n",
            "Enum.filter(f)\n  |> List.first()",
            "r =\n  xs\n  |> Enum.find(f)\n  |> g()\n",
        ),
    ],
)
def test_pair_edit_rewrites_exactly_the_two_steps(
    source: str, underlined: str, rewritten: str
) -> None:
    second = step_of_call(_call(source, "List.first"))
    assert second is not None
    first = previous_step(second)
    assert first is not None
    start, end = pair_span(first, second)
    data = source.encode()
    assert data[start:end].decode() == underlined
    edit = pair_edit(first, second, "Enum.find", ["f"])
    assert apply_edits(data, [edit]).decode() == rewritten


@pytest.mark.parametrize(
    ("source", "kind", "applied"),
    [
        ("fn x -> x * 2 end", "fn", "x * 2"),
        ("fn user -> user.name end", "fn", "x.name"),
        ("&(&1 > 1)", "capture", "x > 1"),
        ("& &1.name", "capture", "x.name"),
        ('&String.contains?(&1, "a")', "capture", 'String.contains?(x, "a")'),
        ("&valid?/1", "named", "valid?(x)"),
        ("&Mod.valid?/1", "named", "Mod.valid?(x)"),
        ("&:erlang.abs/1", "named", ":erlang.abs(x)"),
        ("pred", "variable", "pred.(x)"),
        ("fn y -> y.x + @y + y(1) end", "fn", "x.x + @y + y(1)"),
    ],
)
def test_applies_a_simple_function_to_a_variable(source: str, kind: str, applied: str) -> None:
    fn = read_function(_expression(source + "\n"))
    assert fn is not None and fn.kind == kind
    assert apply_function(fn, "x") == applied


@pytest.mark.parametrize(
    "source",
    [
        "fn {:ok, _} -> true\n  _ -> false\nend",
        "fn x when x > 1 -> x end",
        "fn x ->\n  y = x + 1\n  y * 2\nend",
    ],
)
def test_does_not_read_functions_that_are_not_simple(source: str) -> None:
    assert read_function(_expression(source + "\n")) is None


def test_does_not_rename_a_parameter_that_is_rebound() -> None:
    fn = read_function(_expression("fn y -> Enum.map(y, fn y -> y end) end\n"))
    assert fn is not None
    assert apply_function(fn, "x") is None
    assert apply_function(fn, "y") == "Enum.map(y, fn y -> y end)"


def test_does_not_apply_a_function_of_another_arity() -> None:
    fn = read_function(_expression("&(&1 + &2)\n"))
    assert fn is not None and fn.arity == 2
    assert apply_function(fn, "x") is None


def test_fresh_names_avoid_every_name_taken() -> None:
    assert fresh_name(set()) == "x"
    assert fresh_name({"x"}) == "item"
    assert fresh_name({"x", "item", "elem", "value"}) == "x1"
    assert fresh_name({"user"}, ["user"]) == "x"
    assert element_name(_expression("users\n")) == "user"
    assert element_name(_expression("entries\n")) == "entry"
    assert element_name(_expression("class\n")) is None


@pytest.mark.parametrize(
    ("source", "pure"),
    [
        ("x.name", True),
        ("{x.id, String.upcase(x.name)}", True),
        ("if x > 1, do: Map.get(x, :a), else: 0", True),
        ("Enum.sum(x.items)", True),
        ("valid?(x)", False),
        ("IO.puts(x)", False),
        ("f.(x)", False),
        ("x.name()", False),
        ("Enum.map(x, &notify/1)", False),
        ("Enum.count(x, f)", False),
        ("DateTime.utc_now()", False),
        ("send(self(), x)", False),
    ],
)
def test_judges_side_effects_conservatively(source: str, pure: bool) -> None:
    assert looks_pure(_expression(source + "\n")) is pure


@pytest.mark.parametrize(
    ("source", "fits"),
    [
        ("r = Enum.map(Enum.filter(xs, f), g)\n", True),
        ("Enum.map(Enum.filter(xs, f), g)\n", True),
        ("foo(Enum.map(Enum.filter(xs, f), g))\n", True),
        ("foo(1, Enum.map(Enum.filter(xs, f), g))\n", False),
        ("Enum.map(Enum.filter(xs, f), g) |> Enum.sum()\n", False),
        ("def a(xs), do: Enum.map(Enum.filter(xs, f), g)\n", False),
        ("[Enum.map(Enum.filter(xs, f), g)]\n", False),
    ],
)
def test_knows_where_a_call_without_parentheses_fits(source: str, fits: bool) -> None:
    assert bare_call_fits(_call(source, "Enum.map")) is fits


@pytest.mark.parametrize(
    ("source", "fits"),
    [
        ("r = Task.await_many(ts)\n", True),
        ("foo(Task.await_many(ts))\n", True),
        ("Task.await_many(ts) |> Enum.sum()\n", True),
        ("[0] ++ Task.await_many(ts)\n", False),
        ("Task.await_many(ts) == []\n", True),
        ("-Task.await_many(ts)\n", False),
    ],
)
def test_knows_where_a_pipe_fits(source: str, fits: bool) -> None:
    assert pipe_fits(_call(source, "Task.await_many")) is fits


MINE = ("EP501", "EP502", "EP503", "EP506", "EP702")


@pytest.mark.parametrize(
    "source",
    [
        'xs |> Enum.map(&to_string/1) |> Enum.join(",")\n',
        'Enum.join(Enum.map(xs, &to_string/1), ",")\n',
        "{Enum.min(xs), Enum.max(xs)}\n",
        "xs |> Enum.sort() |> Enum.reverse()\n",
        "Enum.reverse(Enum.sort(xs))\n",
        "xs |> Enum.map(&{&1.id, &1}) |> Enum.into(%{})\n",
        "Enum.into(Enum.map(xs, &{&1.id, &1}), %{})\n",
    ],
)
def test_no_pipeline_rule_reports_what_design_says_not_to_flag(source: str) -> None:
    assert [f.code for f in findings(source) if f.code in MINE] == []


def test_step_query_matches_every_spelling_of_the_named_calls_only() -> None:
    source = (
        "a = Enum.map(xs, f)\n"
        "b = xs |> Enum.map(f)\n"
        "c = hd(xs)\n"
        "d = xs |> hd\n"
        "e = xs |> hd()\n"
        "f = Enum.filter(xs, f)\n"
        "g = List.hd(xs)\n"
        "h = Stream.map(xs, f)\n"
    )
    query = syntax.compile_query(step_query("Enum.map", "hd"))
    steps = [matched_step(c) for _i, c in syntax.iter_matches(query, _root(source))]
    found = sorted(f"{s.module}.{s.name}({text(s.input)})" for s in steps if s and s.input)
    assert found == ["Enum.map(xs)"] * 2 + ["None.hd(xs)"] * 3
