# EP501 filter-then-map
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.FilterThenMap do
  def filter_map(l), do: l |> Enum.filter(&(rem(&1, 3) == 0)) |> Enum.map(&(&1 * 2))
  def filter_map_nested(l), do: Enum.map(Enum.filter(l, &(rem(&1, 3) == 0)), &(&1 * 2))

  # the rule's fix
  def comprehension(l), do: for(x <- l, rem(x, 3) == 0, do: x * 2)

  # hand-written single pass, for reference
  def reduce_reverse(l) do
    l
    |> Enum.reduce([], fn x, acc -> if rem(x, 3) == 0, do: [x * 2 | acc], else: acc end)
    |> Enum.reverse()
  end
end

BenchHelper.header("EP501", "filter-then-map", """
Keep the multiples of 3 of 1..n and double them: two passes (and an intermediate list)
vs one comprehension.
""")

sizes = [10, 1_000, 100_000]
setup = fn n -> Enum.to_list(1..n) end

BenchHelper.compare("`Enum.filter |> Enum.map` vs `for x <- l, pred, do: f`", sizes, setup, [
  {"Enum.filter |> Enum.map", &Bench.FilterThenMap.filter_map/1},
  {"for x <- l, pred", &Bench.FilterThenMap.comprehension/1},
  {"Enum.reduce + reverse", &Bench.FilterThenMap.reduce_reverse/1}
])

BenchHelper.compare(
  "nested form `Enum.map(Enum.filter(l, p), f)` vs comprehension",
  sizes,
  setup,
  [
    {"Enum.map(Enum.filter(..))", &Bench.FilterThenMap.filter_map_nested/1},
    {"for x <- l, pred", &Bench.FilterThenMap.comprehension/1}
  ]
)
