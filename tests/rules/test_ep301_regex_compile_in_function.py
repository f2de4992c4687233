"""EP301 regex-compile-in-function: edge cases."""

from __future__ import annotations

from functools import partial

import pytest

from elixir_perf_lsp.engine import Target
from tests.helpers import findings, fixed

CODE = "EP301"
OTP25 = Target((1, 14), 25)
NEW = Target((1, 19), 28)


def module(body: str) -> str:
    return "defmodule M do\n" + body + "end\n"


def fn(call: str) -> str:
    return module(f"  def f(s) do\n    {call}\n  end\n")


only_fix = partial(fixed, code=CODE)


def test_reports_regex_compile_bang_with_a_constant_pattern() -> None:
    [finding] = findings(fn('Regex.run(Regex.compile!("a+"), s)'), CODE)
    assert "compiles a constant pattern on every call" in finding.message


def test_does_not_report_a_pattern_built_at_run_time() -> None:
    assert findings(fn("Regex.compile!(s)"), CODE) == []
    assert findings(fn('Regex.compile!("#{s}+")'), CODE) == []
    assert findings(fn('Regex.compile!("a" <> s)'), CODE) == []


def test_does_not_report_variable_options() -> None:
    assert findings(fn('Regex.compile!("a", opts)'), CODE) == []


def test_does_not_report_in_the_module_body() -> None:
    assert findings(module('  @re Regex.compile!("a+")\n'), CODE) == []


def test_does_not_report_inside_a_macro_body() -> None:
    source = module('  defmacro m(s) do\n    Regex.compile!("a")\n  end\n')
    assert findings(source, CODE) == []


def test_inlines_the_literal_when_the_target_is_unknown_and_says_why() -> None:
    source = fn('Regex.run(Regex.compile!("a+"), s)')
    [finding] = findings(source, CODE)
    assert "unknown" in finding.message
    assert only_fix(source) == fn("Regex.run(~r/a+/, s)")


def test_hoists_into_an_attribute_named_after_the_function_on_otp_25() -> None:
    source = module('  def extract_emails(s) do\n    Regex.scan(Regex.compile!("@"), s)\n  end\n')
    assert only_fix(source, target=OTP25) == module(
        "  @extract_emails_regex ~r/@/\n\n"
        "  def extract_emails(s) do\n    Regex.scan(@extract_emails_regex, s)\n  end\n"
    )


@pytest.mark.parametrize("target", [NEW, Target((1, 18), 28), Target((1, 20), 29)])
def test_does_not_report_on_otp_28_or_newer(target: Target) -> None:
    # Measured on Elixir 1.20.4 / OTP 29: `~r` literals and regex attributes are
    # rebuilt per evaluation there too, so no rewrite is faster.
    assert findings(fn('Regex.compile!("a")'), CODE, target) == []
    assert findings(fn(':re.run(s, "a")'), CODE, target) == []


def test_inlines_when_only_the_elixir_version_is_known() -> None:
    assert only_fix(fn('Regex.compile!("a")'), target=Target((1, 18), None)) == fn("~r/a/")


def test_hoists_when_only_otp_27_is_known() -> None:
    assert "@f_regex ~r/a/" in only_fix(fn('Regex.compile!("a")'), target=Target(None, 27))


def test_strips_question_and_bang_from_the_attribute_name() -> None:
    source = module('  def valid?(s), do: Regex.match?(Regex.compile!("^ok"), s)\n')
    assert "@valid_regex ~r/^ok/" in only_fix(source, target=OTP25)


def test_appends_a_number_when_the_attribute_name_is_taken() -> None:
    source = module(
        '  @f_regex "taken"\n  @f_regex_2 "taken"\n  def f(s) do\n    Regex.compile!("a")\n  end\n'
    )
    assert "@f_regex_3 ~r/a/" in only_fix(source, target=OTP25)


def test_two_regexes_in_one_function_get_distinct_names() -> None:
    source = fn('{Regex.compile!("a"), Regex.compile!("b")}')
    result = only_fix(source, target=OTP25)
    assert "@f_regex ~r/" in result
    assert "@f_regex_2 ~r/" in result
    assert "Regex.compile!" not in result


def test_inserts_above_doc_spec_impl_and_a_comment_at_the_def_indentation() -> None:
    source = module(
        "  @other 1\n\n"
        "  # Parses.\n"
        '  @doc "Parses."\n'
        "  @spec f(String.t()) :: term\n"
        "  @impl true\n"
        '  def f(s), do: Regex.run(Regex.compile!("\\\\d+"), s)\n'
    )
    assert only_fix(source, target=OTP25) == module(
        "  @other 1\n\n"
        "  @f_regex ~r/\\d+/\n\n"
        "  # Parses.\n"
        '  @doc "Parses."\n'
        "  @spec f(String.t()) :: term\n"
        "  @impl true\n"
        "  def f(s), do: Regex.run(@f_regex, s)\n"
    )


def test_inserts_above_the_first_clause_of_a_multi_clause_function() -> None:
    source = module(
        '  @doc "F."\n  def f(nil), do: nil\n  def f(s), do: Regex.run(Regex.compile!("x"), s)\n'
    )
    assert only_fix(source, target=OTP25).startswith("defmodule M do\n  @f_regex ~r/x/\n\n  @doc")


def test_translates_string_escapes_into_the_same_regex_source() -> None:
    source = fn('Regex.compile!("\\\\d+/x")')
    assert only_fix(source, target=Target((1, 16), None)) == fn("~r|\\d+/x|")


def test_writes_a_string_newline_as_a_raw_newline() -> None:
    assert only_fix(fn('Regex.compile!("a\\nb")')) == fn("~r/a\nb/")


def test_uses_tilde_capital_r_for_backslash_n_on_elixir_before_1_16() -> None:
    source = fn('Regex.compile!("a\\\\nb")')
    assert only_fix(source, target=Target((1, 15), None)) == fn("~R/a\\nb/")
    assert only_fix(source, target=Target((1, 16), None)) == fn("~r/a\\nb/")


def test_offers_no_fix_for_backslash_n_when_the_elixir_version_is_unknown() -> None:
    source = fn('Regex.compile!("a\\\\nb")')
    [finding] = findings(source, CODE)
    assert finding.fix is None
    assert "target Elixir version" in finding.message


def test_keeps_an_escaped_interpolation_only_where_tilde_capital_r_exists() -> None:
    source = fn('Regex.compile!("\\#{x}")')
    assert only_fix(source, target=Target((1, 14), None)) == fn("~R/#{x}/")
    [finding] = findings(source, CODE, Target((1, 16), None))
    assert finding.fix is None


def test_picks_a_delimiter_absent_from_the_pattern() -> None:
    assert only_fix(fn('Regex.compile!("a/b|c")')) == fn('~r"a/b|c"')
    assert only_fix(fn('Regex.compile!("/|\\"\'")')) == fn("~r(/|\"')")


def test_offers_no_fix_when_every_delimiter_occurs() -> None:
    [finding] = findings(fn('Regex.compile!("/|\\"\'()[]{}<>")'), CODE)
    assert finding.fix is None


def test_carries_string_options_as_modifiers() -> None:
    assert only_fix(fn('Regex.compile!("a", "iu")')) == fn("~r/a/iu")


def test_offers_no_fix_for_list_options() -> None:
    [finding] = findings(fn('Regex.compile!("a", [:caseless])'), CODE)
    assert finding.fix is None
    assert "list options" in finding.message


def test_offers_no_fix_for_an_unknown_option_letter() -> None:
    [finding] = findings(fn('Regex.compile!("a", "o")'), CODE)
    assert finding.fix is None


def test_offers_no_fix_for_control_characters() -> None:
    [finding] = findings(fn('Regex.compile!("\\d")'), CODE)  # "\d" is DEL
    assert finding.fix is None


def test_reports_regex_compile_without_a_fix() -> None:
    [finding] = findings(fn('{:ok, re} = Regex.compile("a")'), CODE)
    assert finding.fix is None


def test_reports_a_piped_pattern_without_a_fix() -> None:
    [finding] = findings(fn('"a" |> Regex.compile!()'), CODE)
    assert finding.fix is None


def test_reports_re_run_with_a_constant_pattern_without_a_fix() -> None:
    [finding] = findings(fn(':re.run(s, "^#")'), CODE)
    assert finding.fix is None
    assert ":re.run" in finding.message


def test_reports_re_compile_with_a_constant_pattern() -> None:
    assert len(findings(fn(':re.compile("a+", [:caseless])'), CODE)) == 1


def test_does_not_report_re_run_with_a_compiled_pattern() -> None:
    assert findings(fn(":re.run(s, mp)"), CODE) == []
