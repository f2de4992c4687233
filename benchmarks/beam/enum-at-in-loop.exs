# EP104 enum-at-in-loop
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.EnumAtInLoop do
  # footgun: index loop; Enum.at(list, i) walks i cells every time -> O(n²)
  def index_loop(list) do
    n = length(list)
    Enum.reduce(0..(n - 1)//1, 0, fn i, acc -> acc + Enum.at(list, i) end)
  end

  def for_index(list) do
    n = length(list)

    for i <- 0..(n - 1)//1, reduce: 0 do
      acc -> acc + Enum.at(list, i)
    end
  end

  # fix 1: iterate the list itself
  def reduce_list(list), do: Enum.reduce(list, 0, fn x, acc -> acc + x end)

  # fix 2 (when random access by index is really needed): a tuple, elem/2 is O(1)
  def tuple_index(list) do
    t = List.to_tuple(list)
    Enum.reduce(0..(tuple_size(t) - 1)//1, 0, fn i, acc -> acc + elem(t, i) end)
  end
end

BenchHelper.header("EP104", "enum-at-in-loop", """
Sum a list through an index loop. `Enum.at(list, i)` is O(i) on a list, so the loop is
O(n²). Quadratic: sizes capped at 30k (100k with BENCH_FULL=1).
""")

sizes = BenchHelper.sizes([10, 1_000, 10_000, 30_000], [100_000])
setup = fn n -> Enum.to_list(1..n) end

BenchHelper.compare(
  "Enum.reduce(0..n-1, ...Enum.at(list, i)...) vs iterating the list",
  sizes,
  setup,
  [
    {"Enum.at(list, i) in reduce", &Bench.EnumAtInLoop.index_loop/1},
    {"Enum.reduce over list", &Bench.EnumAtInLoop.reduce_list/1},
    {"List.to_tuple + elem", &Bench.EnumAtInLoop.tuple_index/1}
  ]
)

BenchHelper.compare(
  "`for i <- 0..n-1, reduce:` with Enum.at vs iterating the list",
  BenchHelper.sizes([10, 1_000, 10_000]),
  setup,
  [
    {"for ... Enum.at(list, i)", &Bench.EnumAtInLoop.for_index/1},
    {"Enum.reduce over list", &Bench.EnumAtInLoop.reduce_list/1}
  ]
)
