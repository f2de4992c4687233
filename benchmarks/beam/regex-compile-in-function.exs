# EP301 regex-compile-in-function
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.RegexCompileInFunction do
  @email_regex ~r/\w+@\w+\.\w+/

  # footgun: compile the same constant pattern on every call
  def compile_each(s), do: Regex.match?(Regex.compile!("\\w+@\\w+\\.\\w+"), s)

  # footgun: :re.run with a constant string pattern compiles it on every call
  def re_run_string(s), do: match?({:match, _}, :re.run(s, "\\w+@\\w+\\.\\w+"))

  # fix: hoisted to a module attribute, compiled once at compile time
  def attribute(s), do: Regex.match?(@email_regex, s)
  def re_run_attribute(s), do: match?({:match, _}, :re.run(s, @email_regex.re_pattern))

  # the same over n strings (the function called in a loop)
  def count_compile_each(l), do: Enum.count(l, &compile_each/1)
  def count_attribute(l), do: Enum.count(l, &attribute/1)
  def count_re_run_string(l), do: Enum.count(l, &re_run_string/1)
  def count_re_run_attribute(l), do: Enum.count(l, &re_run_attribute/1)
end

BenchHelper.header("EP301", "regex-compile-in-function", """
A function that matches `\\w+@\\w+\\.\\w+` against a ~30-byte string, called n times
(half the strings match). Compiling the constant pattern inside the function repeats
the compilation on every call.
""")

sizes = [1, 10, 1_000, 100_000]

setup = fn n ->
  Enum.map(1..n, fn i ->
    if rem(i, 2) == 0,
      do: "contact user#{i}@example.com now",
      else: "no address in line #{i} here"
  end)
end

BenchHelper.compare(
  "`Regex.compile!(\"...\")` in the function vs `@attr ~r/.../`",
  sizes,
  setup,
  [
    {"Regex.compile! per call", &Bench.RegexCompileInFunction.count_compile_each/1},
    {"@attr ~r", &Bench.RegexCompileInFunction.count_attribute/1}
  ],
  size_label: "calls"
)

BenchHelper.compare(
  "`:re.run(s, \"...\")` with a string pattern vs the compiled pattern from an attribute",
  sizes,
  setup,
  [
    {":re.run(s, string)", &Bench.RegexCompileInFunction.count_re_run_string/1},
    {":re.run(s, @attr.re_pattern)", &Bench.RegexCompileInFunction.count_re_run_attribute/1}
  ],
  size_label: "calls"
)
