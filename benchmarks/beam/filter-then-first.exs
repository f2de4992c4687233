# EP502 filter-then-first
Code.require_file("bench_helper.exs", __DIR__)

defmodule Bench.FilterThenFirst do
  def filter_first({l, t}), do: l |> Enum.filter(&(&1 >= t)) |> List.first()
  def filter_hd({l, t}), do: l |> Enum.filter(&(&1 >= t)) |> hd()
  def filter_at0({l, t}), do: l |> Enum.filter(&(&1 >= t)) |> Enum.at(0)
  def find({l, t}), do: Enum.find(l, &(&1 >= t))

  # a predicate that only one element satisfies
  def filter_first_eq({l, t}), do: l |> Enum.filter(&(&1 == t)) |> List.first()
  def find_eq({l, t}), do: Enum.find(l, &(&1 == t))
end

BenchHelper.header("EP502", "filter-then-first", """
First element of 1..n that passes a test. `Enum.filter` walks the whole list and
builds a list of every match; `Enum.find` stops at the first one. The gain depends on
where the first match is and on how many elements match.
""")

sizes = [10, 1_000, 100_000]

BenchHelper.compare(
  "`Enum.filter |> List.first` vs `Enum.find`, exactly one match, at 10% of the list",
  sizes,
  fn n -> {Enum.to_list(1..n), max(div(n, 10), 1)} end,
  [
    {"Enum.filter |> List.first", &Bench.FilterThenFirst.filter_first_eq/1},
    {"Enum.find", &Bench.FilterThenFirst.find_eq/1}
  ]
)

BenchHelper.compare(
  "`Enum.filter |> List.first` vs `Enum.find`, first match at 10%, 90% of the list matches",
  sizes,
  fn n -> {Enum.to_list(1..n), max(div(n, 10), 1)} end,
  [
    {"Enum.filter |> List.first", &Bench.FilterThenFirst.filter_first/1},
    {"Enum.find", &Bench.FilterThenFirst.find/1}
  ]
)

BenchHelper.compare(
  "`Enum.filter |> hd` vs `Enum.find`, first match at 10%, 90% of the list matches",
  sizes,
  fn n -> {Enum.to_list(1..n), max(div(n, 10), 1)} end,
  [
    {"Enum.filter |> hd", &Bench.FilterThenFirst.filter_hd/1},
    {"Enum.find", &Bench.FilterThenFirst.find/1}
  ]
)

BenchHelper.compare(
  "`Enum.filter |> Enum.at(0)` vs `Enum.find`, only the LAST element matches (worst case for the fix)",
  sizes,
  fn n -> {Enum.to_list(1..n), n} end,
  [
    {"Enum.filter |> Enum.at(0)", &Bench.FilterThenFirst.filter_at0/1},
    {"Enum.find", &Bench.FilterThenFirst.find/1}
  ]
)

BenchHelper.compare(
  "`Enum.filter |> List.first` vs `Enum.find`, every element matches",
  sizes,
  fn n -> {Enum.to_list(1..n), 0} end,
  [
    {"Enum.filter |> List.first", &Bench.FilterThenFirst.filter_first/1},
    {"Enum.find", &Bench.FilterThenFirst.find/1}
  ]
)
