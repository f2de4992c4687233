# EP103 list-append-in-loop
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.ListAppendInLoop do
  # footgun: the accumulator is the LEFT operand of ++, so every step copies it
  def append(l), do: Enum.reduce(l, [], fn x, acc -> acc ++ [x * 2] end)

  # fix: prepend, reverse once at the end
  def prepend_reverse(l),
    do: l |> Enum.reduce([], fn x, acc -> [x * 2 | acc] end) |> Enum.reverse()

  # same footgun in a hand-written recursion
  def rec_append(l), do: rec_append(l, [])
  defp rec_append([x | rest], acc), do: rec_append(rest, acc ++ [x * 2])
  defp rec_append([], acc), do: acc

  def rec_prepend(l), do: rec_prepend(l, [])
  defp rec_prepend([x | rest], acc), do: rec_prepend(rest, [x * 2 | acc])
  defp rec_prepend([], acc), do: Enum.reverse(acc)
end

BenchHelper.header("EP103", "list-append-in-loop", """
Build a list of n elements in a loop. `acc ++ [x]` copies the whole accumulator on
every step (O(n²) in total); `[x | acc]` + one `Enum.reverse/1` is O(n).
Quadratic: sizes capped at 30k by default (100k with BENCH_FULL=1).
""")

sizes = BenchHelper.sizes([10, 1_000, 10_000, 30_000], [100_000])
setup = fn n -> Enum.to_list(1..n) end

BenchHelper.compare("Enum.reduce: acc ++ [x] vs [x | acc] + Enum.reverse", sizes, setup, [
  {"acc ++ [x]", &Bench.ListAppendInLoop.append/1},
  {"[x | acc] + reverse", &Bench.ListAppendInLoop.prepend_reverse/1}
])

BenchHelper.compare(
  "recursion: acc ++ [x] vs [x | acc] + Enum.reverse",
  BenchHelper.sizes([10, 1_000, 10_000]),
  setup,
  [
    {"acc ++ [x]", &Bench.ListAppendInLoop.rec_append/1},
    {"[x | acc] + reverse", &Bench.ListAppendInLoop.rec_prepend/1}
  ]
)
