# EP503 filter-then-count
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.FilterThenCount do
  def filter_count(l), do: l |> Enum.filter(&(rem(&1, 3) == 0)) |> Enum.count()
  def filter_length(l), do: l |> Enum.filter(&(rem(&1, 3) == 0)) |> length()
  def count2(l), do: Enum.count(l, &(rem(&1, 3) == 0))
end

BenchHelper.header("EP503", "filter-then-count", """
Count the multiples of 3 in 1..n: build the filtered list then count it, vs `Enum.count/2`.
""")

sizes = [10, 1_000, 100_000]
setup = fn n -> Enum.to_list(1..n) end

BenchHelper.compare("`Enum.filter |> Enum.count` vs `Enum.count(l, f)`", sizes, setup, [
  {"Enum.filter |> Enum.count", &Bench.FilterThenCount.filter_count/1},
  {"Enum.count(l, f)", &Bench.FilterThenCount.count2/1}
])

BenchHelper.compare("`Enum.filter |> length` vs `Enum.count(l, f)`", sizes, setup, [
  {"Enum.filter |> length", &Bench.FilterThenCount.filter_length/1},
  {"Enum.count(l, f)", &Bench.FilterThenCount.count2/1}
])
