# EP509 sort-to-take-one
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.SortToTakeOne do
  # footgun: sort n elements (O(n log n), a new list) to keep one
  def sort_hd(l), do: l |> Enum.sort() |> hd()
  def sort_last(l), do: l |> Enum.sort() |> List.last()
  def sort_by_first(l), do: l |> Enum.sort_by(&elem(&1, 0)) |> List.first()
  def sort_by_desc_first(l), do: l |> Enum.sort_by(&elem(&1, 0), :desc) |> List.first()

  # fix: one pass
  def min(l), do: Enum.min(l)
  def max(l), do: Enum.max(l)
  def min_by(l), do: Enum.min_by(l, &elem(&1, 0))
  def max_by(l), do: Enum.max_by(l, &elem(&1, 0))
end

BenchHelper.header("EP509", "sort-to-take-one", """
Sorting a list to take its first or last element. Random integers (and
`{key, index}` tuples for the `_by` variants; keys unique so the element
returned is the same).
""")

ints = fn n ->
  :rand.seed(:exsss, {1, 2, 3})
  Enum.map(1..n, fn _ -> :rand.uniform(1_000_000_000) end)
end

pairs = fn n -> ints.(n) |> Enum.uniq() |> Enum.with_index() end
sizes = [10, 100, 1_000, 10_000, 100_000]

BenchHelper.compare(
  "`Enum.sort |> hd` vs `Enum.min`",
  sizes,
  ints,
  [
    {"sort |> hd", &Bench.SortToTakeOne.sort_hd/1},
    {"Enum.min", &Bench.SortToTakeOne.min/1}
  ],
  size_label: "n"
)

BenchHelper.compare(
  "`Enum.sort |> List.last` vs `Enum.max`",
  sizes,
  ints,
  [
    {"sort |> List.last", &Bench.SortToTakeOne.sort_last/1},
    {"Enum.max", &Bench.SortToTakeOne.max/1}
  ],
  size_label: "n"
)

BenchHelper.compare(
  "`Enum.sort_by(f) |> List.first` vs `Enum.min_by(f)`",
  sizes,
  pairs,
  [
    {"sort_by |> List.first", &Bench.SortToTakeOne.sort_by_first/1},
    {"Enum.min_by", &Bench.SortToTakeOne.min_by/1}
  ],
  size_label: "n"
)

BenchHelper.compare(
  "`Enum.sort_by(f, :desc) |> List.first` vs `Enum.max_by(f)`",
  sizes,
  pairs,
  [
    {"sort_by desc |> List.first", &Bench.SortToTakeOne.sort_by_desc_first/1},
    {"Enum.max_by", &Bench.SortToTakeOne.max_by/1}
  ],
  size_label: "n"
)
