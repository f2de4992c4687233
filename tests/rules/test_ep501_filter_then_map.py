"""EP501 filter-then-map: edge cases."""

from __future__ import annotations

from functools import partial

import pytest

from elixir_perf_lsp.engine.model import Applicability, Finding, Severity
from tests.helpers import findings, fixed

CODE = "EP501"


def _one(source: str) -> Finding:
    [finding] = findings(source, CODE)
    return finding


_fix = partial(fixed, code=CODE)


@pytest.mark.parametrize(
    "source",
    [
        "r = xs |> Enum.filter(f) |> Enum.map(g)\n",
        "r = Enum.map(Enum.filter(xs, f), g)\n",
        "r = Enum.filter(xs, f) |> Enum.map(g)\n",
        "r = Enum.map(xs |> Enum.filter(f), g)\n",
        "r =\n  xs\n  |> Enum.filter(&valid?/1)\n  |> Enum.map(& &1.name)\n",
        "r = load() |> Enum.filter(&(&1 > 1)) |> Enum.map(fn x -> x * 2 end)\n",
        "r = xs |> Enum.sort() |> Enum.filter(f) |> Enum.map(g) |> Enum.sum()\n",
    ],
)
def test_reports_filter_then_map_in_every_spelling(source: str) -> None:
    finding = _one(source)
    assert finding.severity is Severity.HINT
    assert "for" in finding.message


def test_underlines_only_the_two_steps_of_a_longer_pipeline() -> None:
    source = "r = xs |> Enum.sort() |> Enum.filter(f) |> Enum.map(g) |> Enum.sum()\n"
    finding = _one(source)
    assert source[finding.start : finding.end] == "Enum.filter(f) |> Enum.map(g)"


def test_keeps_the_rest_of_the_pipeline() -> None:
    source = "total = xs |> Enum.filter(&(&1 > 1)) |> Enum.map(&(&1 * 2)) |> Enum.sum()\n"
    assert _fix(source) == "total = (for x <- xs, x > 1, do: x * 2) |> Enum.sum()\n"


def test_keeps_the_steps_before_the_filter_as_the_generator() -> None:
    source = "r = xs |> Enum.sort() |> Enum.filter(&(&1 > 1)) |> Enum.map(&(&1 * 2))\n"
    assert _fix(source) == "r = for x <- xs |> Enum.sort(), x > 1, do: x * 2\n"


def test_fixes_a_multi_line_pipeline_that_continues() -> None:
    source = 'xs\n|> Enum.filter(&valid?/1)\n|> Enum.map(& &1.name)\n|> Enum.join(",")\n'
    assert _fix(source) == '(for x <- xs, valid?(x), do: x.name)\n|> Enum.join(",")\n'


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # both functions name their parameter alike: reuse it
        (
            "r = Enum.filter(users, fn u -> u.age > 17 end) |> Enum.map(fn u -> u.name end)\n",
            "r = for u <- users, u.age > 17, do: u.name\n",
        ),
        # different names: one is renamed to the other
        (
            "r = Enum.filter(xs, fn a -> a > 1 end) |> Enum.map(fn b -> {b, a} end)\n",
            "r = for b <- xs, b > 1, do: {b, a}\n",
        ),
        # a capture next to a named parameter: the parameter's name
        (
            "r = Enum.filter(xs, &(&1 > 1)) |> Enum.map(fn n -> n * 2 end)\n",
            "r = for n <- xs, n > 1, do: n * 2\n",
        ),
        # captures only: a fresh name, avoiding the outer `x` they use
        (
            "r = Enum.filter(xs, &(&1 > x)) |> Enum.map(&(&1 + x))\n",
            "r = for item <- xs, item > x, do: item + x\n",
        ),
        # the element name comes from the collection's name when free
        (
            "r = Enum.filter(users, & &1.active) |> Enum.map(& &1.name)\n",
            "r = for user <- users, user.active, do: user.name\n",
        ),
        (
            "r = Enum.filter(xs, &valid?/1) |> Enum.map(&String.upcase/1)\n",
            "r = for x <- xs, valid?(x), do: String.upcase(x)\n",
        ),
        # unused parameters: no variable at all
        (
            "r = Enum.filter(xs, fn _ -> true end) |> Enum.map(fn _x -> 1 end)\n",
            "r = for _ <- xs, true, do: 1\n",
        ),
    ],
)
def test_chooses_the_comprehension_variable_without_clashes(source: str, expected: str) -> None:
    assert _fix(source) == expected


def test_does_not_reuse_a_parameter_name_the_other_function_uses_from_outside() -> None:
    # `a` is the filter's parameter, but the map's function reads an outer `a`.
    source = "r = Enum.filter(xs, fn a -> a > 1 end) |> Enum.map(fn b -> b + a end)\n"
    assert _fix(source) == "r = for b <- xs, b > 1, do: b + a\n"
    source = "r = Enum.filter(xs, fn a -> a > b end) |> Enum.map(fn b -> b + a end)\n"
    assert _fix(source) == "r = for x <- xs, x > b, do: x + a\n"


@pytest.mark.parametrize(
    "source",
    [
        "r = Enum.filter(xs, fn\n  {:ok, _} -> true\n  _ -> false\nend) |> Enum.map(&elem(&1, 1))\n",
        "r = Enum.filter(xs, fn {:ok, v} -> v > 1 end) |> Enum.map(&elem(&1, 1))\n",
        "r = Enum.filter(xs, fn x when is_integer(x) -> x > 1 end) |> Enum.map(&(&1 * 2))\n",
        "r = Enum.filter(xs, &(&1 > 1)) |> Enum.map(fn x ->\n  y = x * 2\n  y + 1\nend)\n",
        "r = Enum.filter(xs, &(&1 > 1)) |> Enum.map(fn x ->\n  x *\n    2\nend)\n",
        "r = Enum.filter(xs, &(&1 > 1)) |> Enum.map(&Map.get(&1, :a, &2))\n",
        "r = Enum.filter(xs, &Kernel.!/1) |> Enum.map(&(&1 * 2))\n",
        # renaming would change what the nested function sees
        "r = Enum.filter(xs, fn a -> a > 1 end) |> Enum.map(fn b -> Enum.map(b, fn c -> c + b end) end)\n",
    ],
)
def test_reports_without_a_fix_when_a_function_is_not_simple(source: str) -> None:
    finding = _one(source)
    assert finding.fix is None


def test_the_fix_is_safe_when_the_map_function_is_free_of_side_effects() -> None:
    # the filter may do anything: its calls keep their order
    finding = _one(
        "r = Enum.filter(orders, &paid?/1) |> Enum.map(&{&1.id, String.upcase(&1.ref)})\n"
    )
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE


@pytest.mark.parametrize(
    "mapper",
    [
        "&notify/1",
        "fn o -> IO.inspect(o) end",
        "fun",
        "& &1.total.()",
        "&Repo.insert!/1",
        "&Mod.name/1",
    ],
)
def test_the_fix_is_unsafe_when_the_map_function_may_have_side_effects(mapper: str) -> None:
    source = f"r = Enum.filter(orders, &paid?/1) |> Enum.map({mapper})\n"
    finding = _one(source)
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.UNSAFE
    assert "interleave" in finding.fix.message
    assert fixed(source, CODE) == source


def test_a_function_in_a_variable_is_called_with_a_dot() -> None:
    source = "r = Enum.filter(xs, pred) |> Enum.map(fun)\n"
    assert _fix(source, unsafe=True) == "r = for x <- xs, pred.(x), do: fun.(x)\n"


def test_a_comment_between_the_steps_makes_the_fix_unsafe() -> None:
    source = "r =\n  xs\n  |> Enum.filter(&(&1 > 1))\n  # doubled\n  |> Enum.map(&(&1 * 2))\n"
    finding = _one(source)
    assert finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
    assert "comment" in finding.fix.message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "r = Enum.filter(xs, fn x -> valid? x end) |> Enum.map(&(&1 * 2))\n",
            "r = for x <- xs, (valid? x), do: x * 2\n",
        ),
        (
            "r = Enum.filter(xs, &(&1 > 1)) |> Enum.map(fn x -> if x > 2, do: :big, else: :small end)\n",
            "r = for x <- xs, x > 1, do: (if x > 2, do: :big, else: :small)\n",
        ),
    ],
)
def test_groups_expressions_that_would_swallow_the_commas(source: str, expected: str) -> None:
    assert _fix(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "def f(xs), do: Enum.filter(xs, &(&1 > 1)) |> Enum.map(&(&1 * 2))\n",
            "def f(xs), do: (for x <- xs, x > 1, do: x * 2)\n",
        ),
        (
            "def f(xs) do\n  Enum.filter(xs, &(&1 > 1)) |> Enum.map(&(&1 * 2))\nend\n",
            "def f(xs) do\n  for x <- xs, x > 1, do: x * 2\nend\n",
        ),
        (
            "Enum.sum(Enum.filter(xs, &(&1 > 1)) |> Enum.map(&(&1 * 2)))\n",
            "Enum.sum(for x <- xs, x > 1, do: x * 2)\n",
        ),
        (
            "foo(1, Enum.filter(xs, &(&1 > 1)) |> Enum.map(&(&1 * 2)))\n",
            "foo(1, (for x <- xs, x > 1, do: x * 2))\n",
        ),
        (
            "[Enum.filter(xs, &(&1 > 1)) |> Enum.map(&(&1 * 2))]\n",
            "[(for x <- xs, x > 1, do: x * 2)]\n",
        ),
    ],
)
def test_parenthesises_the_comprehension_only_where_needed(source: str, expected: str) -> None:
    assert _fix(source) == expected


def test_fixes_a_body_on_one_line_of_a_multi_line_function() -> None:
    source = "r = Enum.filter(xs, &(&1 > 1)) |> Enum.map(fn x ->\n  x * 2\nend)\n"
    assert _fix(source) == "r = for x <- xs, x > 1, do: x * 2\n"


def test_fixes_two_pairs_in_one_pipeline() -> None:
    source = "r = xs |> Enum.filter(&(&1 > 1)) |> Enum.map(&(&1 * 2)) |> Enum.filter(&(&1 < 9)) |> Enum.map(&(&1 + 1))\n"
    assert len(findings(source, CODE)) == 2
    assert _fix(source) == ("r = for x <- (for x <- xs, x > 1, do: x * 2), x < 9, do: x + 1\n")


@pytest.mark.parametrize(
    "source",
    [
        "r = xs |> Enum.map(&(&1 * 2)) |> Enum.filter(&(&1 > 2))\n",
        "r = xs |> Stream.filter(&(&1 > 1)) |> Enum.map(&(&1 * 2))\n",
        "r = xs |> Enum.filter(&(&1 > 1)) |> Stream.map(&(&1 * 2))\n",
        "r = xs |> Enum.reject(&(&1 > 1)) |> Enum.map(&(&1 * 2))\n",
        "r = Enum.filter(xs, f)\n",
        "r = Enum.map(filtered, g)\n",
        "r = ys |> Enum.zip(Enum.filter(xs, f)) |> Enum.map(g)\n",
        'r = xs |> Enum.map(&to_string/1) |> Enum.join(",")\n',
        "r = xs |> Enum.map(&{&1.id, &1}) |> Enum.into(%{})\n",
    ],
)
def test_does_not_report_other_pipelines(source: str) -> None:
    assert findings(source, CODE) == []
