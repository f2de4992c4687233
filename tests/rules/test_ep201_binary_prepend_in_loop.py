"""EP201 binary-prepend-in-loop: edge cases."""

from __future__ import annotations

import pytest

from elixir_perf_lsp import syntax
from tests.helpers import findings, fixed

CODE = "EP201"


def unsafe_fix(source: str) -> str:
    result = fixed(source, CODE, unsafe=True)
    assert not syntax.parse(result.encode()).root_node.has_error
    return result


# --- prepending --------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        'Enum.reduce(xs, "", fn x, acc -> x <> acc end)\n',
        'Enum.reduce(xs, "", fn x, acc -> x <> "," <> acc end)\n',
        'Enum.reduce(xs, "", fn x, acc -> "[" <> acc <> "]" end)\n',
        'Enum.reduce(xs, "", fn x, acc -> (x <> ",") <> acc end)\n',
        "Enum.reduce(xs, fn x, acc -> x <> acc end)\n",
        'xs |> Enum.reduce("", fn x, acc -> x <> acc end)\n',
        'List.foldl(xs, "", fn x, acc -> x <> acc end)\n',
        'Enum.reduce_while(xs, "", fn x, acc -> {:cont, x <> acc} end)\n',
        'Enum.map_reduce(xs, "", fn x, acc -> {x, x <> acc} end)\n',
        'Enum.reduce(xs, "", fn x, acc -> if x == "", do: acc, else: x <> acc end)\n',
        'Enum.reduce(xs, "", fn\n  "", acc -> acc\n  x, acc -> x <> acc\nend)\n',
        'for x <- xs, reduce: "" do\n  acc -> x <> acc\nend\n',
        'Enum.reduce(xs, "", &(&1 <> &2))\n',
        "defp join([h | t], acc), do: join(t, h <> acc)\n",
        'defp join([h | t], acc) do\n  join(t, h <> ", " <> acc)\nend\n',
        'defp join([h | t], acc), do: join(t, "#{h}, #{acc}")\n',
        "defp rev(<<c, rest::binary>>, acc), do: rev(rest, <<c, acc::binary>>)\n",
    ],
)
def test_reports_prepending_to_the_accumulator(source: str) -> None:
    [finding] = findings(source, CODE)
    assert "copies the whole accumulator" in finding.message


@pytest.mark.parametrize(
    "source",
    [
        # appending grows the binary in place: the fastest way to build one
        'Enum.reduce(xs, "", fn x, acc -> acc <> x end)\n',
        'Enum.reduce(xs, "", fn x, acc -> acc <> x <> "," end)\n',
        'Enum.reduce(xs, "", &(&2 <> &1))\n',
        "defp join([h | t], acc), do: join(t, acc <> h)\n",
        'defp join([h | t], acc), do: join(t, "#{acc}#{h},")\n',
        "defp copy(<<c, rest::binary>>, acc), do: copy(rest, <<acc::binary, c>>)\n",
        # the result is not the next accumulator
        'Enum.reduce(xs, "", fn x, acc -> IO.puts(x <> acc); acc end)\n',
        'Enum.reduce(xs, "", fn x, acc -> send(self(), x <> acc); acc <> x end)\n',
        "defp f([h | t], acc) do\n  log(h <> acc)\n  f(t, acc)\nend\n",
        # not a loop, or not the accumulator
        'Enum.map(xs, fn x -> "prefix" <> x end)\n',
        'greeting = "Hello, " <> name\n',
        'Enum.reduce(xs, "", fn x, acc -> x <> suffix end)\n',
        'Enum.reduce(xs, "", fn x, acc -> Enum.map(ys, fn y -> y <> acc end) end)\n',
        # a different function called with the prepended value
        "defp join([h | t], acc), do: other(t, h <> acc)\n",
        # patterns are matches, not constructions
        "defp parse(<<c, rest::binary>>, acc), do: parse(rest, [c | acc])\n",
    ],
)
def test_does_not_report_appends_or_values_that_are_not_the_next_accumulator(
    source: str,
) -> None:
    assert findings(source, CODE) == []


# --- the fix -----------------------------------------------------------------


def test_fix_collects_iodata_and_converts_once() -> None:
    source = 'Enum.reduce(xs, "", fn x, acc -> x <> "," <> acc end)\n'
    assert unsafe_fix(source) == (
        'IO.iodata_to_binary(Enum.reduce(xs, "", fn x, acc -> [x, ",", acc] end))\n'
    )


def test_fix_is_unsafe_and_not_applied_without_unsafe_fixes() -> None:
    source = 'Enum.reduce(xs, "", fn x, acc -> x <> acc end)\n'
    assert fixed(source, CODE) == source
    [finding] = findings(source, CODE)
    assert finding.fix is not None and not finding.fix.is_safe


def test_fix_flattens_parenthesised_chains() -> None:
    source = 'Enum.reduce(xs, "", fn x, acc -> (x <> ",") <> acc end)\n'
    assert unsafe_fix(source) == (
        'IO.iodata_to_binary(Enum.reduce(xs, "", fn x, acc -> [x, ",", acc] end))\n'
    )


def test_fix_appends_to_a_pipe() -> None:
    source = 'total =\n  xs\n  |> Enum.reduce("", fn x, acc -> x <> acc end)\n'
    assert unsafe_fix(source) == (
        'total =\n  xs\n  |> Enum.reduce("", fn x, acc -> [x, acc] end) |> IO.iodata_to_binary()\n'
    )


def test_fix_keeps_branches_that_return_the_accumulator_or_a_fresh_binary() -> None:
    source = (
        'Enum.reduce(xs, "", fn x, acc ->\n'
        "  cond do\n"
        '    x == "" -> acc\n'
        '    x == "reset" -> "start"\n'
        "    true -> x <> acc\n"
        "  end\n"
        "end)\n"
    )
    assert unsafe_fix(source) == (
        'IO.iodata_to_binary(Enum.reduce(xs, "", fn x, acc ->\n'
        "  cond do\n"
        '    x == "" -> acc\n'
        '    x == "reset" -> "start"\n'
        "    true -> [x, acc]\n"
        "  end\n"
        "end))\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        # the accumulator is read elsewhere: it would be a list there
        'Enum.reduce(xs, "", fn x, acc -> if byte_size(acc) > 80, do: acc, else: x <> acc end)\n',
        'Enum.reduce(xs, "", fn x, acc when acc != "" -> x <> acc end)\n',
        # the initial value is not a string literal (it could be a non-binary on empty input)
        "Enum.reduce(xs, init, fn x, acc -> x <> acc end)\n",
        # several clauses, reduce/2, other reducers
        "Enum.reduce(xs, fn x, acc -> x <> acc end)\n",
        'Enum.reduce_while(xs, "", fn x, acc -> {:cont, x <> acc} end)\n',
        # a branch returns something else (nil from an `if` without else)
        'Enum.reduce(xs, "", fn x, acc -> if x != "", do: x <> acc end)\n',
        # the accumulator twice in one chain
        'Enum.reduce(xs, "", fn x, acc -> acc <> x <> acc end)\n',
        # recursion: the base clause would have to convert too
        "defp join([h | t], acc), do: join(t, h <> acc)\n",
        # interpolation and bitstrings
        'Enum.reduce(xs, "", fn x, acc -> "#{x}#{acc}" end)\n',
    ],
)
def test_offers_no_fix_when_it_is_not_provable(source: str) -> None:
    found = findings(source, CODE)
    assert found
    assert all(f.fix is None for f in found)


def test_fixed_code_is_not_reported_again() -> None:
    source = 'Enum.reduce(xs, "", fn x, acc -> x <> acc end)\n'
    assert findings(unsafe_fix(source), CODE) == []


# --- matching the accumulator while appending --------------------------------


@pytest.mark.parametrize(
    ("source", "pattern"),
    [
        (
            'Enum.reduce(xs, "a", fn x, acc ->\n  <<_c, _::binary>> = acc\n  acc <> x\nend)\n',
            "<<_c, _::binary>>",
        ),
        (
            'Enum.reduce(xs, "", fn x, acc ->\n'
            "  case acc do\n"
            '    "#" <> _ -> acc <> x\n'
            '    _ -> acc <> " " <> x\n'
            "  end\n"
            "end)\n",
            '"#" <> _',
        ),
        (
            'Enum.reduce(xs, "", fn x, acc ->\n'
            '  if match?(<<"#", _::binary>>, acc), do: acc, else: acc <> x\n'
            "end)\n",
            '<<"#", _::binary>>',
        ),
        (
            'defp grow(n, <<_f, _::binary>> = acc), do: grow(n - 1, acc <> "x")\n',
            "<<_f, _::binary>>",
        ),
        (
            "defp grow(0, acc), do: acc\n"
            'defp grow(n, <<"zz", _::binary>> = acc), do: grow(n - 1, acc <> "y")\n'
            'defp grow(n, acc), do: grow(n - 1, acc <> "x")\n',
            '<<"zz", _::binary>>',
        ),
    ],
)
def test_reports_a_binary_match_on_an_accumulator_that_is_appended_to(
    source: str, pattern: str
) -> None:
    found = findings(source, CODE)
    assert [source[f.start : f.end] for f in found] == [pattern]
    assert "can no longer append in place" in found[0].message
    assert found[0].fix is None


@pytest.mark.parametrize(
    "source",
    [
        # the idiomatic parser: match the input, append to the output
        "defp parse(<<c, rest::binary>>, acc), do: parse(rest, acc <> <<c>>)\n"
        "defp parse(<<>>, acc), do: acc\n",
        # consuming the accumulator itself (it shrinks; nothing is appended)
        "defp skip(<<_c, rest::binary>> = acc, n) when n > 0, do: skip(rest, n - 1)\n",
        # tests that leave in-place appends alone (measured)
        'Enum.reduce(xs, "", fn x, acc -> if acc == "", do: x, else: acc <> "," <> x end)\n',
        'Enum.reduce(xs, "", fn x, acc ->\n  case acc do\n    "" -> x\n    _ -> acc <> x\n  end\nend)\n',
        'Enum.reduce(xs, "", fn x, acc -> if byte_size(acc) > 9, do: acc, else: acc <> x end)\n',
        'Enum.reduce(xs, "", fn x, acc -> if String.starts_with?(acc, "#"), do: acc, else: acc <> x end)\n',
        # `acc = <<…>>` in a body builds a binary, it does not match one
        'Enum.reduce(xs, "", fn x, acc ->\n  acc = <<acc::binary, x::binary>>\n  acc <> ","\nend)\n',
        # a match on another variable
        'Enum.reduce(xs, "", fn x, acc ->\n  <<c, _::binary>> = x\n  acc <> <<c>>\nend)\n',
    ],
)
def test_does_not_report_matches_that_do_not_defeat_the_append(source: str) -> None:
    assert findings(source, CODE) == []


def test_does_not_report_inside_a_broken_region() -> None:
    source = 'Enum.reduce(xs, "", fn x, acc -> x <> acc end\n'
    assert findings(source, CODE) == []


def test_handles_a_very_long_chain_without_recursion() -> None:
    chain = " <> ".join(f"x{i}" for i in range(3000))
    source = f'Enum.reduce(xs, "", fn x, acc -> {chain} <> acc end)\n'
    [finding] = findings(source, CODE)
    assert finding.fix is not None


# --- body recursion (issue 16, item 9) ------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "def up(<<c, rest::binary>>), do: <<c - 32>> <> up(rest)\ndef up(<<>>), do: <<>>\n",
        'def j([h | t], sep), do: h <> sep <> j(t, sep)\ndef j([], _), do: ""\n',
        'def n(<<c, rest::binary>>), do: "#{<<c>>}#{n(rest)}"\ndef n(""), do: ""\n',
        "def e(<<c::utf8, rest::binary>>), do: <<c::utf8, ?\\s>> <> e(rest)\n",
        "def b(<<c, rest::binary>>), do: <<c, b(rest)::binary>>\n",
    ],
)
def test_reports_body_recursion_prepending_to_what_deeper_calls_built(source: str) -> None:
    [finding] = findings(source, CODE)
    assert "every level of the recursion" in finding.message
    assert "accumulator `" not in finding.message  # no accumulator here: item 9's wrong text
    assert finding.fix is None


@pytest.mark.parametrize(
    "source",
    [
        # a literal prefix is consumed once: one level, not one per element
        'defp fmt("-" <> digits), do: "-" <> fmt(digits)\n',
        "defp p(<<?-, v::binary>>), do: <<?->> <> p(v)\n",
        # a sub-term: as deep as the nesting, not as long as the input
        'defp t({:array, x}), do: "list(#{t(x)})"\n',
        # the recursive call first: appended to in place
        "def w([h | t]), do: w(t) <> h\n",
        "def tree({l, r}), do: tree(l) <> tree(r)\n",
        # not returned: no chain of copies
        "def f([h | t]) do\n  _ = h <> f(t)\n  :ok\nend\n",
        # another function's result
        "def g([h | t]), do: h <> other(t)\n",
    ],
)
def test_does_not_report_recursion_that_is_not_along_the_input(source: str) -> None:
    assert findings(source, CODE) == []


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ('defp c("##" <> rest), do: "#" <> c("#" <> rest)\n', "rest"),
        ("defp d(<<?_, ?_, t::binary>>), do: d(<<?_, t::binary>>)\n", "t"),
    ],
)
def test_rebuilding_the_input_is_not_called_an_accumulator(source: str, name: str) -> None:
    # Before issue 16 these said "copies the whole accumulator": `rest`/`t` is the input.
    [finding] = findings(source, CODE)
    assert f"the rest of the input `{name}`" in finding.message
    assert "accumulator" not in finding.message


def test_a_literal_prefix_clause_counts_when_another_clause_walks_the_input() -> None:
    # An escaper: the quote clause recurses once per quote, along the same input.
    source = (
        'def esc(<<?", rest::binary>>), do: "\\\\\\"" <> esc(rest)\n'
        'def esc("\\n" <> rest), do: "\\\\n" <> esc(rest)\n'
        "def esc(<<c, rest::binary>>), do: <<c>> <> esc(rest)\n"
        'def esc(""), do: ""\n'
    )
    lines = [source.count("\n", 0, f.start) for f in findings(source, CODE)]
    assert lines == [0, 1, 2]


def test_a_literal_prefix_alone_is_one_level() -> None:
    source = 'defp fmt("-" <> digits), do: "-" <> fmt(digits)\ndefp fmt(digits), do: digits\n'
    assert findings(source, CODE) == []
