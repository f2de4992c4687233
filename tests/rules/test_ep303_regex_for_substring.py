"""EP303 regex-for-substring: edge cases."""

from __future__ import annotations

from functools import partial

import pytest

from elixir_perf_lsp.engine import Target
from tests.helpers import findings, fixed

CODE = "EP303"


fix = partial(fixed, code=CODE)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("ok = s =~ ~r/abc/\n", 'ok = String.contains?(s, "abc")\n'),
        ("ok = s =~ ~r/^abc/\n", 'ok = String.starts_with?(s, "abc")\n'),
        ("ok = s =~ ~r/\\Aabc/\n", 'ok = String.starts_with?(s, "abc")\n'),
        ("ok = s =~ ~r/abc\\z/\n", 'ok = String.ends_with?(s, "abc")\n'),
        ("ok = s =~ ~r/a\\.b/\n", 'ok = String.contains?(s, "a.b")\n'),
        ("ok = s =~ ~r/a\\/b/\n", 'ok = String.contains?(s, "a/b")\n'),
        ("ok = s =~ ~r{a\\.b}\n", 'ok = String.contains?(s, "a.b")\n'),
        ('ok = s =~ ~r/say "hi"/\n', 'ok = String.contains?(s, "say \\"hi\\"")\n'),
        ("ok = s =~ ~r/a\\\\b/\n", 'ok = String.contains?(s, "a\\\\b")\n'),
        ("ok = s =~ ~r/héllo ✓/\n", 'ok = String.contains?(s, "héllo ✓")\n'),
        ("ok = s =~ ~r/# x/\n", 'ok = String.contains?(s, "# x")\n'),
        ("ok = Regex.match?(~r/abc/, s)\n", 'ok = String.contains?(s, "abc")\n'),
        ("ok = String.match?(s, ~r/abc/)\n", 'ok = String.contains?(s, "abc")\n'),
        ("ok = s |> String.match?(~r/^abc/)\n", 'ok = s |> String.starts_with?("abc")\n'),
        ("ok = f(x) |> g() =~ ~r/abc/\n", 'ok = String.contains?(f(x) |> g(), "abc")\n'),
        ("ok = not (s =~ ~r/abc/)\n", 'ok = not (String.contains?(s, "abc"))\n'),
    ],
)
def test_rewrites_a_literal_regex_to_a_string_function(source: str, expected: str) -> None:
    assert fix(source) == expected


def test_escapes_an_interpolation_lookalike_in_the_string() -> None:
    # `\#` is an escaped `#`; the pattern `\#\{` is the text `#{`.
    assert fix("ok = s =~ ~r/\\#\\{x/\n") == 'ok = String.contains?(s, "\\#{x")\n'


@pytest.mark.parametrize(
    "source",
    [
        'ok = s =~ "abc"\n',
        "ok = s =~ ~r/abc/i\n",
        "ok = s =~ ~r/abc/u\n",
        "ok = s =~ ~r/a.c/\n",
        "ok = s =~ ~r/a+/\n",
        "ok = s =~ ~r/a|b/\n",
        "ok = s =~ ~r/(ab)/\n",
        "ok = s =~ ~r/[ab]/\n",
        "ok = s =~ ~r/a{2}/\n",
        "ok = s =~ ~r/\\d/\n",
        "ok = s =~ ~r/a\\tb/\n",
        "ok = s =~ ~r/\\bword\\b/\n",
        "ok = s =~ ~r/^abc$/\n",
        "ok = s =~ ~r/\\Aabc\\z/\n",
        "ok = s =~ ~r//\n",
        "ok = s =~ ~r/^/\n",
        "ok = s =~ ~r/#{x}/\n",
        "ok = s =~ ~S/abc/\n",
        "ok = Regex.match?(@re, s)\n",
        "ok = Regex.run(~r/abc/, s)\n",
    ],
)
def test_does_not_report(source: str) -> None:
    assert findings(source, CODE) == []


def test_dollar_anchor_gets_an_unsafe_fix_that_explains_the_final_newline() -> None:
    source = "ok = s =~ ~r/abc$/\n"
    [finding] = findings(source, CODE)
    assert "before a final" in finding.message
    assert fix(source) == source
    assert fix(source, unsafe=True) == 'ok = String.ends_with?(s, "abc")\n'


def test_capital_z_anchor_is_unsafe_too() -> None:
    [finding] = findings("ok = s =~ ~r/abc\\Z/\n", CODE)
    assert finding.fix is not None
    assert not finding.fix.is_safe


def test_reports_a_piped_regex_without_a_fix() -> None:
    [finding] = findings("ok = ~r/abc/ |> Regex.match?(s)\n", CODE)
    assert finding.fix is None


def test_reports_the_same_on_every_elixir_version() -> None:
    for target in (Target((1, 14), 25), Target((1, 19), 28), Target()):
        assert len(findings("ok = s =~ ~r/abc/\n", CODE, target)) == 1
