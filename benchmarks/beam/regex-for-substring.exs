# EP303 regex-for-substring
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.RegexForSubstring do
  # footgun: a regex with no metacharacters is a substring test
  def regex_contains(l), do: Enum.count(l, &Regex.match?(~r/ERROR/, &1))
  def match_op_contains(l), do: Enum.count(l, &(&1 =~ ~r/ERROR/))
  def contains(l), do: Enum.count(l, &String.contains?(&1, "ERROR"))

  def regex_at(l), do: Enum.count(l, &Regex.match?(~r/@/, &1))
  def contains_at(l), do: Enum.count(l, &String.contains?(&1, "@"))

  def regex_prefix(l), do: Enum.count(l, &Regex.match?(~r/^GET /, &1))
  def starts_with(l), do: Enum.count(l, &String.starts_with?(&1, "GET "))

  def regex_suffix(l), do: Enum.count(l, &Regex.match?(~r/ms$/, &1))
  def ends_with(l), do: Enum.count(l, &String.ends_with?(&1, "ms"))
end

BenchHelper.header("EP303", "regex-for-substring", """
Count log lines (~50 bytes) that contain / start with / end with a fixed string;
half of them do (the one-byte table uses ~30-byte lines, half with an "@").
The regexes are compiled literals (no compile cost at run time).
""")

sizes = [10, 1_000, 100_000]

setup = fn n ->
  Enum.map(1..n, fn i ->
    if rem(i, 2) == 0,
      do: "GET /api/items/#{i} ERROR upstream timeout 35ms",
      else: "POST /api/items/#{i} INFO request served 12 µs"
  end)
end

BenchHelper.compare(
  "`Regex.match?(~r/ERROR/, s)` vs `String.contains?(s, \"ERROR\")`",
  sizes,
  setup,
  [
    {"Regex.match?(~r/ERROR/)", &Bench.RegexForSubstring.regex_contains/1},
    {"String.contains?", &Bench.RegexForSubstring.contains/1}
  ],
  size_label: "lines"
)

BenchHelper.compare(
  "`s =~ ~r/ERROR/` vs `String.contains?(s, \"ERROR\")`",
  sizes,
  setup,
  [
    {"s =~ ~r/ERROR/", &Bench.RegexForSubstring.match_op_contains/1},
    {"String.contains?", &Bench.RegexForSubstring.contains/1}
  ],
  size_label: "lines"
)

BenchHelper.compare(
  "one-byte pattern: `Regex.match?(~r/@/, s)` vs `String.contains?(s, \"@\")`",
  sizes,
  fn n ->
    Enum.map(1..n, fn i ->
      if rem(i, 2) == 0,
        do: "contact user#{i}@example.com now",
        else: "no address in line #{i} here"
    end)
  end,
  [
    {"Regex.match?(~r/@/)", &Bench.RegexForSubstring.regex_at/1},
    {"String.contains?", &Bench.RegexForSubstring.contains_at/1}
  ],
  size_label: "lines"
)

BenchHelper.compare(
  "`Regex.match?(~r/^GET /, s)` vs `String.starts_with?`",
  sizes,
  setup,
  [
    {"Regex.match?(~r/^GET /)", &Bench.RegexForSubstring.regex_prefix/1},
    {"String.starts_with?", &Bench.RegexForSubstring.starts_with/1}
  ],
  size_label: "lines"
)

BenchHelper.compare(
  "`Regex.match?(~r/ms$/, s)` vs `String.ends_with?`",
  sizes,
  setup,
  [
    {"Regex.match?(~r/ms$/)", &Bench.RegexForSubstring.regex_suffix/1},
    {"String.ends_with?", &Bench.RegexForSubstring.ends_with/1}
  ],
  size_label: "lines"
)
