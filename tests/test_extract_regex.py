"""The "Extract regex to module attribute" refactoring, and the regex helpers it
shares with EP301 checked against a real BEAM (skipped without `elixir`)."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest

from elixir_perf_lsp import syntax
from elixir_perf_lsp.analysis.regex import render_regex_sigil, string_literal_value
from elixir_perf_lsp.engine import Target
from elixir_perf_lsp.engine.fixes import apply_edits
from elixir_perf_lsp.engine.model import Applicability
from elixir_perf_lsp.refactors.extract_regex import extract_regex

OTP25 = Target((1, 14), 25)
ELIXIR = shutil.which("elixir")
needs_elixir = pytest.mark.skipif(ELIXIR is None, reason="elixir is not installed")

MAIL = (
    "defmodule Mail do\n"
    "  @moduledoc false\n"
    "\n"
    '  @doc "Finds addresses."\n'
    "  @spec extract_emails(String.t()) :: [String.t()]\n"
    "  def extract_emails(text) do\n"
    "    ~r/[\\w.+-]+@[\\w-]+\\.[\\w.]+/i\n"
    "    |> Regex.scan(text)\n"
    "    |> List.flatten()\n"
    "  end\n"
    "end\n"
)


def extract(source: str, needle: str, target: Target = OTP25, shift: int = 0) -> str | None:
    data = source.encode()
    fix = extract_regex(data, syntax.parse(data), data.index(needle.encode()) + shift, target)
    if fix is None:
        return None
    result = apply_edits(data, fix.edits).decode()
    assert not syntax.parse(result.encode()).root_node.has_error
    return result


def test_moves_the_literal_above_the_doc_and_spec_and_names_it_after_the_function() -> None:
    assert extract(MAIL, "~r/") == (
        "defmodule Mail do\n"
        "  @moduledoc false\n"
        "\n"
        "  @extract_emails_regex ~r/[\\w.+-]+@[\\w-]+\\.[\\w.]+/i\n"
        "\n"
        '  @doc "Finds addresses."\n'
        "  @spec extract_emails(String.t()) :: [String.t()]\n"
        "  def extract_emails(text) do\n"
        "    @extract_emails_regex\n"
        "    |> Regex.scan(text)\n"
        "    |> List.flatten()\n"
        "  end\n"
        "end\n"
    )


@pytest.mark.parametrize("shift", [0, 1, 10, len("~r/[\\w.+-]+@[\\w-]+\\.[\\w.]+/i")])
def test_finds_the_literal_from_any_offset_inside_or_just_after_it(shift: int) -> None:
    result = extract(MAIL, "~r/", shift=shift)
    assert result is not None
    assert "@extract_emails_regex ~r/" in result


def test_offers_nothing_away_from_a_regex() -> None:
    assert extract(MAIL, "Regex.scan") is None


def test_appends_a_number_when_the_name_is_taken() -> None:
    source = 'defmodule M do\n  @f_regex "x"\n  def f(s), do: s =~ @f_regex or s =~ ~r/y/\nend\n'
    result = extract(source, "~r/y/")
    assert result is not None
    assert "  @f_regex_2 ~r/y/\n\n  def f(s), do: s =~ @f_regex or s =~ @f_regex_2\n" in result


def test_ignores_attributes_of_nested_modules_when_naming() -> None:
    source = (
        "defmodule M do\n  defmodule Inner do\n    @f_regex 1\n  end\n\n"
        "  def f(s), do: s =~ ~r/y/\nend\n"
    )
    result = extract(source, "~r/y/")
    assert result is not None
    assert "@f_regex ~r/y/" in result


def test_inserts_above_the_first_clause() -> None:
    source = "defmodule M do\n  def f(nil), do: false\n  def f(s), do: s =~ ~r/y/\nend\n"
    assert extract(source, "~r/y/") == (
        "defmodule M do\n  @f_regex ~r/y/\n\n"
        "  def f(nil), do: false\n  def f(s), do: s =~ @f_regex\nend\n"
    )


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        ("defmodule M do\n  @re ~r/a/\nend\n", "~r/a/"),
        ("def f(s), do: s =~ ~r/a/\n", "~r/a/"),
        ("defmodule M do\n  def f(s, w), do: s =~ ~r/#{w}/\nend\n", "~r/"),
        ('defmodule M do\n  def f(s), do: s =~ ~r"""\n  a\n  """\nend\n', "~r"),
        ("defmodule M do\n  def f(s), do: quote(do: unquote(s) =~ ~r/a/)\nend\n", "~r/a/"),
        ("defmodule M do\n  defmacro f(s), do: s =~ ~r/a/\nend\n", "~r/a/"),
        ("defmodule M do\n  def f(s), do: s =~ ~S/a/\nend\n", "~S/a/"),
        ("defmodule M do\n  if true do\n    def f(s), do: s =~ ~r/a/\n  end\nend\n", "~r/a/"),
    ],
)
def test_offers_nothing_where_an_attribute_cannot_stand_in(source: str, needle: str) -> None:
    assert extract(source, needle) is None


def test_offers_nothing_on_elixir_1_18_with_otp_28() -> None:
    assert extract(MAIL, "~r/", Target((1, 18), 28)) is None


def test_is_safe_when_the_target_supports_regex_attributes() -> None:
    for target in (OTP25, Target((1, 19), 28), Target(None, 27)):
        data = MAIL.encode()
        fix = extract_regex(data, syntax.parse(data), data.index(b"~r/"), target)
        assert fix is not None
        assert fix.applicability is Applicability.SAFE


def test_is_unsafe_when_the_target_is_unknown() -> None:
    data = MAIL.encode()
    fix = extract_regex(data, syntax.parse(data), data.index(b"~r/"), Target())
    assert fix is not None
    assert fix.applicability is Applicability.UNSAFE


def test_does_not_touch_a_tree_with_errors_in_the_function() -> None:
    source = "defmodule M do\n  def f(s) do\n    s =~ ~r/a/ +\n  end\nend\n"
    assert extract(source, "~r/a/") is None


# --- on the BEAM ----------------------------------------------------------------


def run_elixir(script: str, tmp_path: Path) -> str:
    assert ELIXIR is not None
    path = tmp_path / "check.exs"
    path.write_text(script)
    done = subprocess.run(
        [ELIXIR, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@needs_elixir
def test_the_extracted_module_compiles_and_behaves_the_same(tmp_path: Path) -> None:
    after = extract(MAIL, "~r/")
    assert after is not None
    before64 = base64.b64encode(MAIL.replace("Mail", "Before").encode()).decode()
    after64 = base64.b64encode(after.replace("Mail", "After").encode()).decode()
    script = f"""
    Code.compile_string(Base.decode64!("{before64}"))
    Code.compile_string(Base.decode64!("{after64}"))
    inputs = ["a@b.co", "x John.Doe+1@Mail-x.ORG.uk y a@b.c", "none", "héllo ✓ z@q.io"]
    same = Enum.all?(inputs, &(Before.extract_emails(&1) == After.extract_emails(&1)))
    IO.puts(if same, do: "same", else: "different")
    """
    assert run_elixir(script, tmp_path).strip() == "same"


# Elixir string literals, as written in code, heavy on escapes.
BATTERY = [
    r'"\\d+/x"',
    r'"a\nb"',
    r'"\\\\"',
    r'"a/b|c"',
    r'"\"quoted\""',
    r'"(g)[c]{2}<x>"',
    r'"\#{not_interp}"',
    r'"\x41\u00e9\u{1F600}"',
    r'"tab\there"',
    r'"\\s+\\t"',
    r'"\\v"',
    r'"\\a\\f\\r"',
    '"é✓"',
    r'"a\\\\nb"',
    r'"^\\w+@\\w+\\.com$"',
    r'"\\/\\|"',
    r'"\\x41"',
    r'"(?<year>\\d{4})-(?<m>\\d\\d)"',
    r'"\\p{L}+"',
    r'"a\\\nb"',
    r'"\s"',
]
OPTIONS = ["", "i", "x", "ums", "U"]


@needs_elixir
@pytest.mark.parametrize(
    "version",
    [(1, 14), (1, 15), None],
    ids=["elixir-1.14", "elixir-1.15", "unknown"],
)
def test_translated_regexes_have_the_same_source_opts_and_matches(
    version: tuple[int, int] | None, tmp_path: Path
) -> None:
    # The installed Elixir is what runs, so only spellings meant for it (or for any
    # version) are checked here; 1.16+ spellings are covered by the unit tests.
    lines = []
    for literal in BATTERY:
        node = syntax.parse(literal.encode()).root_node.named_children[0]
        value = string_literal_value(node)
        assert value is not None, literal
        for options in OPTIONS:
            rendered = render_regex_sigil(value, options, version)
            if rendered.text is None:
                continue
            fields = [literal, options, rendered.text]
            lines.append(" ".join(base64.b64encode(f.encode()).decode() for f in fields))
    assert len(lines) > 40
    (tmp_path / "cases.txt").write_text("\n".join(lines) + "\n")
    script = f"""
    subjects = ["abc", "ABC", "123", "a\\nb", "A/B", "a/b|c", "é✓", "\\\\d", "tab\\there",
      "\\#{{not_interp}}", "\\"quoted\\"", "(g)[c]{{2}}<x>", "Aé😀", "a\\\\nb", "\\v", "\\a\\f\\r",
      "john@site.com", "2024-05", "\\\\/\\\\|", "ab", " ", "a\\\\\\nb"]
    bad =
      for line <- File.read!("{tmp_path / "cases.txt"}") |> String.split("\\n", trim: true),
          [lit, opts, sigil] = line |> String.split(" ") |> Enum.map(&Base.decode64!/1),
          {{value, _}} = Code.eval_string(lit),
          {{:ok, before}} <- [Regex.compile(value, opts)],
          {{after_, _}} = Code.eval_string(sigil),
          Regex.source(before) != Regex.source(after_) or
            Regex.opts(before) != Regex.opts(after_) or before != after_ or
            Enum.any?(subjects, &(Regex.run(before, &1, return: :index) !=
                                  Regex.run(after_, &1, return: :index))),
          do: {{lit, opts, sigil}}
    IO.inspect(bad)
    """
    assert run_elixir(script, tmp_path).strip() == "[]"
