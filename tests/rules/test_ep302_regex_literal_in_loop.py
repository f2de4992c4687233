"""EP302 regex-literal-in-loop: edge cases."""

from __future__ import annotations

from functools import partial

from elixir_perf_lsp.engine import Target
from tests.helpers import findings, fixed

CODE = "EP302"
OTP28 = Target((1, 19), 28)


def loop_fn(body: str) -> str:
    return f"def f(xs) do\n{body}end\n"


only_fix = partial(fixed, code=CODE, target=OTP28)


EACH = loop_fn("  Enum.each(xs, fn x -> IO.puts(x =~ ~r/a+/) end)\n")


def test_reports_a_literal_in_an_enum_callback_on_otp_28() -> None:
    [finding] = findings(EACH, CODE, OTP28)
    assert "OTP 28" in finding.message


def test_does_not_report_on_otp_27() -> None:
    assert findings(EACH, CODE, Target((1, 17), 27)) == []


def test_does_not_report_when_the_otp_version_is_unknown() -> None:
    assert findings(EACH, CODE, Target((1, 19), None)) == []


def test_binds_the_literal_before_the_loop() -> None:
    assert only_fix(EACH) == loop_fn(
        "  regex = ~r/a+/\n  Enum.each(xs, fn x -> IO.puts(x =~ regex) end)\n"
    )


def test_picks_a_name_unused_in_the_function() -> None:
    source = loop_fn("  regex = 1\n  Enum.each(xs, fn x -> IO.puts(x =~ ~r/a/ or regex) end)\n")
    assert "  regex_2 = ~r/a/\n  Enum.each" in only_fix(source)


def test_binds_before_the_outermost_loop() -> None:
    source = loop_fn("  for x <- xs do\n    Enum.map(x, fn y -> y =~ ~r/b/ end)\n  end\n")
    assert only_fix(source) == loop_fn(
        "  regex = ~r/b/\n  for x <- xs do\n    Enum.map(x, fn y -> y =~ regex end)\n  end\n"
    )


def test_binds_before_a_pipeline_statement() -> None:
    source = loop_fn("  result =\n    xs\n    |> Enum.filter(&(&1 =~ ~r/c/))\n  result\n")
    assert only_fix(source).startswith("def f(xs) do\n  regex = ~r/c/\n  result =\n")


def test_reports_a_regex_attribute_read_in_a_loop() -> None:
    source = (
        "defmodule M do\n  @digits ~r/\\d/\n"
        "  def f(xs) do\n    Enum.count(xs, &(&1 =~ @digits))\n  end\nend\n"
    )
    assert "    digits = @digits\n    Enum.count(xs, &(&1 =~ digits))" in only_fix(source)


def test_does_not_report_a_non_regex_attribute() -> None:
    source = (
        'defmodule M do\n  @sep ","\n'
        "  def f(xs) do\n    Enum.map(xs, &String.split(&1, @sep))\n  end\nend\n"
    )
    assert findings(source, CODE, OTP28) == []


def test_does_not_report_a_literal_in_the_enumerable_argument() -> None:
    source = loop_fn("  Enum.map(String.split(xs, ~r/,/), fn x -> x end)\n")
    assert findings(source, CODE, OTP28) == []


def test_does_not_report_an_interpolated_regex() -> None:
    source = loop_fn("  Enum.map(xs, fn x -> x =~ ~r/#{x}/ end)\n")
    assert findings(source, CODE, OTP28) == []


def test_does_not_report_outside_a_function() -> None:
    source = "defmodule M do\n  Enum.each([1], fn _ -> IO.inspect(~r/a/) end)\nend\n"
    assert findings(source, CODE, OTP28) == []


def test_reports_a_recursive_function_without_a_fix() -> None:
    source = (
        "defp count([]), do: 0\n"
        "defp count([h | t]) do\n  if h =~ ~r/x/, do: 1 + count(t), else: count(t)\nend\n"
    )
    [finding] = findings(source, CODE, OTP28)
    assert finding.fix is None
    assert "pass it as an argument" in finding.message


def test_reports_a_one_line_def_without_a_fix() -> None:
    source = "def f(xs), do: Enum.map(xs, &(&1 =~ ~r/a/))\n"
    [finding] = findings(source, CODE, OTP28)
    assert finding.fix is None


def test_skips_a_binding_place_that_does_not_start_its_line() -> None:
    source = "def f(xs) do x = 1; Enum.map(xs, &(&1 =~ ~r/a/)) end\n"
    [finding] = findings(source, CODE, OTP28)
    assert finding.fix is None
