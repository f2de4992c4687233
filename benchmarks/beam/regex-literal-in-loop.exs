# EP302 regex-literal-in-loop
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.RegexLiteralInLoop do
  @email_regex ~r/\w+@\w+\.\w+/

  # the flagged shape: a ~r literal evaluated inside the loop body
  def literal_in_loop(l), do: Enum.count(l, fn s -> Regex.match?(~r/\w+@\w+\.\w+/, s) end)

  # the flagged shape with an attribute instead of a literal
  def attribute_in_loop(l), do: Enum.count(l, fn s -> Regex.match?(@email_regex, s) end)

  # the rule's fix: bind once before the loop
  def bound_before(l) do
    re = ~r/\w+@\w+\.\w+/
    Enum.count(l, fn s -> Regex.match?(re, s) end)
  end

  def literal_only(_), do: ~r/\w+@\w+\.\w+/
  def bound_only(re), do: re
end

BenchHelper.header("EP302", "regex-literal-in-loop", """
Count matches of a regex over n strings. The rule fires only for a target of OTP >= 28,
where a `~r` literal (or a regex module attribute) is rebuilt with `:re.import/1` every
time it is evaluated. On older OTP the literal is a constant and nothing is gained:
this script shows which case the running VM is in.
""")

otp = :erlang.system_info(:otp_release)
re = Bench.RegexLiteralInLoop.literal_only(nil)

BenchHelper.note("""
Running on OTP #{otp}; `~r` literal compiled into this module is a
#{if is_tuple(re.re_pattern) and is_binary(elem(re.re_pattern, 4)), do: "constant `{:re_pattern, ..., binary}` (no rebuild per evaluation)", else: "reference that must be re-imported per evaluation"}.
""")

BenchHelper.compare(
  "evaluating the literal alone (no match)",
  [1],
  fn _ -> re end,
  [
    {"~r literal evaluated", &Bench.RegexLiteralInLoop.literal_only/1},
    {"variable (bound before)", &Bench.RegexLiteralInLoop.bound_only/1}
  ],
  size_label: "calls",
  check: false
)

setup = fn n ->
  Enum.map(1..n, fn i ->
    if rem(i, 2) == 0,
      do: "contact user#{i}@example.com now",
      else: "no address in line #{i} here"
  end)
end

BenchHelper.compare(
  "~r literal inside the loop body vs bound once before the loop",
  [10, 1_000, 100_000],
  setup,
  [
    {"~r literal in loop", &Bench.RegexLiteralInLoop.literal_in_loop/1},
    {"bound before loop", &Bench.RegexLiteralInLoop.bound_before/1},
    {"@attr in loop", &Bench.RegexLiteralInLoop.attribute_in_loop/1}
  ]
)
