# EP105 list-append-in-carried-value
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.ListAppendInCarriedValue do

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

BenchHelper.header("EP105", "list-append-in-carried-value", """
A list carried from one reducer iteration to the next and grown with `++`: inside a
tuple accumulator, and per group with `Map.update/4`. Quadratic: capped at 30k.
""")

setup = fn n -> Enum.to_list(1..n) end

BenchHelper.compare(
  "grouping into 10 groups: `Map.update(acc, k, [x], &(&1 ++ [x]))` vs prepend + reverse each group, and `Enum.group_by/2`",
  BenchHelper.sizes([100, 1_000, 10_000, 30_000]),
  setup,
  [
    {"&(&1 ++ [x])", &Bench.ListAppendInCarriedValue.group_append/1},
    {"&[x | &1] + reverse", &Bench.ListAppendInCarriedValue.group_prepend/1},
    {"Enum.group_by", &Bench.ListAppendInCarriedValue.group_by/1}
  ]
)

BenchHelper.compare(
  "tuple accumulator: `{acc ++ [x], n + 1}` vs `{[x | acc], n + 1}` + reverse",
  BenchHelper.sizes([10, 1_000, 10_000]),
  setup,
  [
    {"{acc ++ [x], n}", &Bench.ListAppendInCarriedValue.tuple_append/1},
    {"{[x | acc], n} + reverse", &Bench.ListAppendInCarriedValue.tuple_prepend/1}
  ]
)
