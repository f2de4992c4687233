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

  # grouping: each element is appended to its group's list in a map accumulator
  def group_append(l),
    do: Enum.reduce(l, %{}, fn x, acc -> Map.update(acc, rem(x, 10), [x], &(&1 ++ [x])) end)

  def group_prepend(l) do
    l
    |> Enum.reduce(%{}, fn x, acc -> Map.update(acc, rem(x, 10), [x], &[x | &1]) end)
    |> Map.new(fn {k, xs} -> {k, Enum.reverse(xs)} end)
  end

  def group_by(l), do: Enum.group_by(l, &rem(&1, 10))

  # a tuple accumulator: the list grows inside `{list, count}`
  def tuple_append(l),
    do: Enum.reduce(l, {[], 0}, fn x, {acc, n} -> {acc ++ [x], n + 1} end)

  def tuple_prepend(l) do
    {acc, n} = Enum.reduce(l, {[], 0}, fn x, {acc, n} -> {[x | acc], n + 1} end)
    {Enum.reverse(acc), n}
  end
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

BenchHelper.compare(
  "grouping into 10 groups: `Map.update(acc, k, [x], &(&1 ++ [x]))` vs prepend + reverse each group, and `Enum.group_by/2`",
  BenchHelper.sizes([100, 1_000, 10_000, 30_000]),
  setup,
  [
    {"&(&1 ++ [x])", &Bench.ListAppendInLoop.group_append/1},
    {"&[x | &1] + reverse", &Bench.ListAppendInLoop.group_prepend/1},
    {"Enum.group_by", &Bench.ListAppendInLoop.group_by/1}
  ]
)

BenchHelper.compare(
  "tuple accumulator: `{acc ++ [x], n + 1}` vs `{[x | acc], n + 1}` + reverse",
  BenchHelper.sizes([10, 1_000, 10_000]),
  setup,
  [
    {"{acc ++ [x], n}", &Bench.ListAppendInLoop.tuple_append/1},
    {"{[x | acc], n} + reverse", &Bench.ListAppendInLoop.tuple_prepend/1}
  ]
)
