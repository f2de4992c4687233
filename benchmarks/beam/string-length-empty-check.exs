# EP802 string-length-empty-check
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.StringLengthEmptyCheck do
  def length_eq0(s), do: String.length(s) == 0
  def eq_empty(s), do: s == ""

  def length_gt0(s), do: String.length(s) > 0
  def ne_empty(s), do: s != ""
end

BenchHelper.header("EP802", "string-length-empty-check", """
`String.length/1` counts grapheme clusters, walking the whole string; `== ""` compares
the size. Per call, on a non-empty string of the given size.
""")

sizes = [10, 1_000, 100_000]

BenchHelper.compare(
  "ASCII string: `String.length(s) == 0` vs `s == \"\"`",
  sizes,
  &String.duplicate("a", &1),
  [
    {"String.length(s) == 0", &Bench.StringLengthEmptyCheck.length_eq0/1},
    {"s == \"\"", &Bench.StringLengthEmptyCheck.eq_empty/1}
  ],
  size_label: "bytes"
)

BenchHelper.compare(
  "non-ASCII string (\"é\" = 2 bytes): `String.length(s) > 0` vs `s != \"\"`",
  sizes,
  &String.duplicate("é", div(&1, 2)),
  [
    {"String.length(s) > 0", &Bench.StringLengthEmptyCheck.length_gt0/1},
    {"s != \"\"", &Bench.StringLengthEmptyCheck.ne_empty/1}
  ],
  size_label: "bytes"
)
