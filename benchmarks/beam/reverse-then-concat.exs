# EP506 reverse-then-concat
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.ReverseThenConcat do
  def reverse_concat({a, b}), do: Enum.reverse(a) ++ b
  def reverse2({a, b}), do: Enum.reverse(a, b)
end

BenchHelper.header("EP506", "reverse-then-concat", """
`Enum.reverse(a) ++ b` builds the reversed list, then `++` copies it again;
`Enum.reverse(a, b)` builds it once on top of `b`. `b` has 100 elements.
""")

BenchHelper.compare(
  "`Enum.reverse(a) ++ b` vs `Enum.reverse(a, b)`",
  [10, 1_000, 100_000],
  fn n -> {Enum.to_list(1..n), Enum.to_list(1..100)} end,
  [
    {"Enum.reverse(a) ++ b", &Bench.ReverseThenConcat.reverse_concat/1},
    {"Enum.reverse(a, b)", &Bench.ReverseThenConcat.reverse2/1}
  ],
  size_label: "length of a"
)
